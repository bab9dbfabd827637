/// When and how often a failed delivery is tried again.
///
/// Two kinds of failure are told apart:
/// - **The inlet is unavailable** (no answer, a timeout, 408, 429, 5xx for the
///   whole request, a 3xx, a credential refused after one refresh, another
///   whole-request 4xx but 400 and 413): the events are not at fault and no
///   attempt is counted. The whole pipeline pauses for
///   `random(0 … min(maxBackoff, initialBackoff × multiplier^(n-1)))` after the
///   *n*-th failure in a row ("full jitter"; a `Retry-After` of up to
///   ``maxRetryAfter`` is honoured), then sends one small probe until the inlet
///   answers again. Events wait like this up to ``OutboxLimits/maxAge``
///   (7 days): an outage shorter than that dead-letters nothing.
/// - **The event itself failed**: a retryable status for it inside a 207, or
///   a 5xx for a request that carried it alone after the batch it was in kept
///   failing while the inlet took other requests (the batch is halved until
///   the culprit is alone). Such an event waits the same backoff, counted per
///   event, and is dead-lettered (kept, see ``DeadLetterStore``) after
///   ``maxAttempts`` such failures.
///
/// ```swift
/// var retry = RetryPolicy()
/// retry.maxAttempts = 8
/// retry.initialBackoff = .milliseconds(250)
/// retry.maxBackoff = .seconds(30)
/// ```
public struct RetryPolicy: Sendable, Hashable {
    /// The backoff ceiling before the first retry (default 0.5 s).
    public var initialBackoff: Duration
    /// The most any one backoff can be (default 60 s): during an outage, the
    /// longest time between two probes.
    public var maxBackoff: Duration
    /// Growth per attempt (default 2).
    public var multiplier: Double
    /// Failures of the event's own, the first included, before it is
    /// dead-lettered (default 10, at least 1). Outages do not count.
    public var maxAttempts: Int
    /// The longest pause a `Retry-After` can impose (default 300 s).
    public var maxRetryAfter: Duration

    /// Creates a policy; see the properties for the defaults.
    public init(
        initialBackoff: Duration = .milliseconds(500), maxBackoff: Duration = .seconds(60), multiplier: Double = 2,
        maxAttempts: Int = 10, maxRetryAfter: Duration = .seconds(300)
    ) {
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.multiplier = multiplier
        self.maxAttempts = maxAttempts
        self.maxRetryAfter = maxRetryAfter
    }

    /// The first problem with these values, if any.
    func problem() -> String? {
        if initialBackoff < .zero { return "retry.initialBackoff must not be negative" }
        if maxBackoff < initialBackoff { return "retry.maxBackoff must be at least retry.initialBackoff" }
        if !multiplier.isFinite || multiplier < 1 { return "retry.multiplier must be a finite number ≥ 1" }
        if maxAttempts < 1 { return "retry.maxAttempts must be at least 1" }
        if maxRetryAfter < .zero { return "retry.maxRetryAfter must not be negative" }
        return nil
    }
}
