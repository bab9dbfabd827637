import ChatlioJSON
import Foundation

/// Parses a `Retry-After` value (RFC 9110 §10.2.3): delay seconds, or an
/// HTTP date (IMF-fixdate, e.g. `Sun, 06 Nov 1994 08:49:37 GMT`).
enum RetryAfterHeader {
    /// The longest wait honoured, in seconds (about 31 years): a longer one
    /// would park the messages for good, which is a rejection in disguise.
    static let maxDelay: TimeInterval = 1e9

    /// The instant the value names, relative to `now`, at most ``maxDelay``
    /// ahead; `nil` when it is not a valid value. A date in the past means "now".
    static func resumeDate(_ value: String, now: Date) -> Date? {
        let text = value.trimmingCharacters(in: .whitespaces)
        if !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            // Very long digit strings saturate instead of failing.
            let seconds = Double(text) ?? .infinity
            return now.addingTimeInterval(min(seconds, maxDelay))
        }
        guard let date = httpDate(text) else { return nil }
        // The same bound as delay seconds: a date in year 9999 is no reason to wait millennia.
        return min(max(date, now), now.addingTimeInterval(maxDelay))
    }

    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    private static let weekdays: Set<String> = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]

    /// IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`. The weekday is not
    /// checked against the date, as it adds nothing; a day the month does not
    /// have ("30 Feb") or a field that is not all digits ("+6") is refused
    /// rather than rolled over or read leniently.
    static func httpDate(_ text: String) -> Date? {
        let parts = text.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 6, parts[0].hasSuffix(","), weekdays.contains(String(parts[0].dropLast())), parts[5] == "GMT",
              let day = digits(parts[1], count: 2),
              let monthIndex = months.firstIndex(of: String(parts[2])),
              let year = digits(parts[3], count: 4), year >= 1970,
              (1 ... Int(RFC3339Timestamp.daysInMonth(year: Int64(year), month: Int64(monthIndex + 1)))).contains(day)
        else { return nil }
        let time = parts[4].split(separator: ":", omittingEmptySubsequences: false)
        guard time.count == 3,
              let hour = digits(time[0], count: 2), let minute = digits(time[1], count: 2), let second = digits(time[2], count: 2),
              (0 ... 23).contains(hour), (0 ... 59).contains(minute), (0 ... 60).contains(second)
        else { return nil }
        let days = Int(RFC3339Timestamp.daysSince1970(year: Int64(year), month: Int64(monthIndex + 1), day: Int64(day)))
        let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    /// The value of exactly `count` ASCII digits; `Int(_:)` would also take a sign ("+6").
    private static func digits(_ text: Substring, count: Int) -> Int? {
        guard text.utf8.count == count, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return text.utf8.reduce(0) { $0 * 10 + Int($1 - 0x30) }
    }
}
