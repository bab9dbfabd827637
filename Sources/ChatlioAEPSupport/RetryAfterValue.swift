package import Foundation

/// A `Retry-After` value (RFC 9110 §10.2.3): delay seconds or an HTTP date,
/// as the instant it names.
///
/// ```swift
/// RetryAfterValue.resumeDate("120", now: now)                             // now + 120 s
/// RetryAfterValue.resumeDate("Sun, 06 Nov 1994 08:49:37 GMT", now: now)  // that instant, or now if it is past
/// ```
package enum RetryAfterValue {
    /// The longest wait honoured, in seconds (about 31 years): a longer one
    /// would park the work for good, which is a rejection in disguise.
    package static let maxDelay: TimeInterval = 1e9

    /// The instant `value` names, relative to `now`, at most ``maxDelay`` ahead;
    /// `nil` when it is not a valid value. A date in the past means "now".
    package static func resumeDate(_ value: String, now: Date) -> Date? {
        let text = value.trimmingCharacters(in: .whitespaces)
        if !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            // Very long digit strings saturate instead of failing.
            let seconds = Double(text) ?? .infinity
            return now.addingTimeInterval(min(seconds, maxDelay))
        }
        guard let date = HTTPDate.date(from: text) else { return nil }
        // The same bound as delay seconds: a date in year 9999 is no reason to wait millennia.
        return min(max(date, now), now.addingTimeInterval(maxDelay))
    }

    /// The wait `value` asks for from `now`, rounded up to the millisecond;
    /// `nil` when absent or unreadable. The caller bounds it (a maximum retry delay).
    package static func delay(_ value: String?, now: Date) -> Duration? {
        guard let value, let resume = resumeDate(value, now: now) else { return nil }
        return .milliseconds(Int64((resume.timeIntervalSince(now) * 1000).rounded(.up)))
    }
}
