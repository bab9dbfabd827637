import Foundation

/// The retry policy as a pure state machine: per-event decisions after a
/// failed attempt, and the pipeline-wide pause that `Retry-After` and
/// consecutive request failures impose. No I/O, no clock, no global random:
/// callers pass `now` and a generator, so tests drive it with fixed values.
///
/// Transitions:
/// - ``requestSucceeded()``: any 2xx answer; clears the failure streak (an
///   existing `Retry-After` pause still runs out).
/// - ``requestFailed(now:retryAfter:random:)``: a request-level retryable
///   failure (429, 408, 5xx, transport error); extends the streak and pauses
///   the pipeline for `max(Retry-After capped at maxRetryAfter, backoff(streak))`.
/// - ``decide(attempts:age:now:delay:)``: after an event's failed
///   attempt, retry at `now + delay` or dead-letter when attempts or age ran out.
struct RetryStateMachine: Sendable {
    /// What happens to an event after a retryable failure.
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
        return .seconds(ceiling * Self.unitInterval(using: &random))
    }

    /// A uniform value in `0 ..< 1` from 53 random bits (no rejection loop,
    /// so a constant test generator gives a predictable value).
    static func unitInterval(using random: inout some RandomNumberGenerator) -> Double {
        Double(random.next() >> 11) * 0x1p-53
    }

    /// Whether requests must wait, and until when.
    func pause(at now: Date) -> Date? {
        guard let pausedUntil, pausedUntil > now else { return nil }
        return pausedUntil
    }

    mutating func requestSucceeded() {
        consecutiveFailures = 0
    }

    /// Records a request-level retryable failure; returns the pause end.
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

    /// The fate of an event after its `attempts`-th attempt failed in a retryable way.
    /// `age` is the time since `send` (wall clock); `now` is on the scheduling clock.
    func decide(attempts: Int, age: Duration, now: Date, delay: Duration) -> Decision {
        if attempts >= policy.maxAttempts {
            return .deadLetter(reason: "gave up after \(attempts) attempt\(attempts == 1 ? "" : "s") (retry.maxAttempts \(policy.maxAttempts))")
        }
        if age >= policy.maxAge {
            return .deadLetter(reason: "gave up after \(Int(age.seconds)) s (retry.maxAge \(policy.maxAge))")
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
