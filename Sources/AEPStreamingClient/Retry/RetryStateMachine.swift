import ChatlioAEPSupport
import Foundation

/// The retry policy as a pure state machine: the inlet's health (pauses,
/// probing after an outage) and per-event decisions. No I/O, no clock, no
/// global random: callers pass `now` and a generator, so tests drive it with
/// fixed values.
///
/// An inlet that fails a whole request (no answer, 408, 429, 5xx, a 3xx, a
/// refused credential) is unavailable; that is never the events' fault, so it
/// counts against no event. Transitions:
/// - ``requestSucceeded()``: an answer with a verdict per message; the
///   inlet is healthy again (an existing `Retry-After` pause still runs out).
/// - ``requestFailed(now:retryAfter:random:)``: the streak grows; requests
///   pause for `max(Retry-After capped at maxRetryAfter, backoff(streak))`,
///   and then one small probe goes first until the inlet answers again.
/// - ``decide(attempts:now:delay:)``: after an event's *own* retryable
///   failure, retry at `now + delay`, or dead-letter once its attempts ran out.
struct RetryStateMachine: Sendable {
    /// What happens to an event after its own retryable failure.
    enum Decision: Sendable, Hashable {
        case retry(at: Date)
        case deadLetter(reason: String)
    }

    let policy: RetryPolicy
    /// Request-level failures in a row.
    private(set) var consecutiveFailures = 0
    /// No request starts before this instant.
    private(set) var pausedUntil: Date?

    init(policy: RetryPolicy) {
        self.policy = policy
    }

    /// Whether the inlet failed its last request: then one probe (a request
    /// with one message) must succeed before requests go out at full rate.
    var mustProbe: Bool { consecutiveFailures > 0 }

    /// The backoff ceiling before attempt `attempt + 1`, `attempt` ≥ 1:
    /// `min(maxBackoff, initialBackoff × multiplier^(attempt-1))`.
    func backoffCeiling(afterAttempt attempt: Int) -> Double {
        let initial = policy.initialBackoff.seconds
        let cap = policy.maxBackoff.seconds
        let exponent = Double(max(0, attempt - 1))
        let raw = initial * pow(policy.multiplier, exponent)
        return raw.isFinite ? min(cap, raw) : cap
    }

    /// A full-jitter backoff: uniform in `0 … backoffCeiling(afterAttempt:)`.
    func backoff(afterAttempt attempt: Int, random: inout some RandomNumberGenerator) -> Duration {
        let ceiling = backoffCeiling(afterAttempt: attempt)
        guard ceiling > 0 else { return .zero }
        return .seconds(ceiling * random.nextUnitInterval())
    }


    /// Whether requests must wait, and until when.
    func pause(at now: Date) -> Date? {
        guard let pausedUntil, pausedUntil > now else { return nil }
        return pausedUntil
    }

    mutating func requestSucceeded() {
        consecutiveFailures = 0
    }

    /// Records a request-level failure; returns the pause end.
    @discardableResult
    mutating func requestFailed(now: Date, retryAfter: Date?, random: inout some RandomNumberGenerator) -> Date {
        consecutiveFailures += 1
        var until = now.addingTimeInterval(backoff(afterAttempt: consecutiveFailures, random: &random).seconds)
        if let retryAfter {
            let capped = min(retryAfter, now.addingTimeInterval(policy.maxRetryAfter.seconds))
            until = max(until, capped)
        }
        if let pausedUntil, pausedUntil > until { until = pausedUntil }
        pausedUntil = until
        return until
    }

    /// Honours a `Retry-After` that came with a non-failure (for example a 207
    /// whose messages were throttled).
    mutating func pause(until date: Date, now: Date) {
        let capped = min(date, now.addingTimeInterval(policy.maxRetryAfter.seconds))
        if let pausedUntil, pausedUntil >= capped { return }
        pausedUntil = capped
    }

    /// The fate of an event after its `attempts`-th attempt failed because of
    /// the event itself (a retryable verdict for it inside a 207, or a failure
    /// of a request that carried it alone while the inlet took others).
    func decide(attempts: Int, now: Date, delay: Duration) -> Decision {
        if attempts >= policy.maxAttempts {
            return .deadLetter(reason: "gave up after \(attempts) failed attempt\(attempts == 1 ? "" : "s") of its own (retry.maxAttempts \(policy.maxAttempts))")
        }
        return .retry(at: now.addingTimeInterval(delay.seconds))
    }
}

extension Duration {
    /// The duration in seconds, as a `Double`.
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
