/// When and how often a failed delivery is tried again.
///
/// A retryable failure (429, 408, 5xx, a timeout or connection error, or a
/// retryable per-message status inside a 207) waits
/// `random(0 … min(maxBackoff, initialBackoff × multiplier^(n-1)))` ("full
/// jitter") before attempt *n + 1*. An event is dead-lettered with its last
/// error once it has been tried ``maxAttempts`` times or is older than
/// ``maxAge``: nothing is retried forever. A `Retry-After` answer (seconds or
/// an HTTP date, capped at ``maxRetryAfter``) pauses the whole pipeline.
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
    /// The most any one backoff can be (default 60 s).
    public var maxBackoff: Duration
    /// Growth per attempt (default 2).
    public var multiplier: Double
    /// Attempts per event, the first included (default 10, at least 1).
    public var maxAttempts: Int
    /// Events older than this (since `send`) are not retried again (default 24 h).
    public var maxAge: Duration
    /// The longest pause a `Retry-After` can impose (default 300 s).
    public var maxRetryAfter: Duration

    /// Creates a policy; see the properties for the defaults.
    public init(
        initialBackoff: Duration = .milliseconds(500), maxBackoff: Duration = .seconds(60), multiplier: Double = 2,
        maxAttempts: Int = 10, maxAge: Duration = .seconds(86_400), maxRetryAfter: Duration = .seconds(300)
    ) {
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.multiplier = multiplier
        self.maxAttempts = maxAttempts
        self.maxAge = maxAge
        self.maxRetryAfter = maxRetryAfter
    }

    /// The first problem with these values, if any.
    func problem() -> String? {
        if initialBackoff < .zero { return "retry.initialBackoff must not be negative" }
        if maxBackoff < initialBackoff { return "retry.maxBackoff must be at least retry.initialBackoff" }
        if !multiplier.isFinite || multiplier < 1 { return "retry.multiplier must be a finite number ≥ 1" }
        if maxAttempts < 1 { return "retry.maxAttempts must be at least 1" }
        if maxAge <= .zero { return "retry.maxAge must be positive" }
        if maxRetryAfter < .zero { return "retry.maxRetryAfter must not be negative" }
        return nil
    }
}
