import ChatlioAEPSupport
import Foundation

/// `Retry-After` (RFC 9110 §10.2.3): delay-seconds or an HTTP-date, read by
/// the package's one parser (`RetryAfterValue`).
enum RetryAfter {
    /// The wait the header asks for, from `now`; `nil` when absent or unreadable.
    /// The caller bounds it (`maxRetryDelay`).
    static func delay(_ value: String?, now: Date) -> Duration? {
        guard let value, let resume = RetryAfterValue.resumeDate(value, now: now) else { return nil }
        return .milliseconds(Int64((resume.timeIntervalSince(now) * 1000).rounded(.up)))
    }
}
