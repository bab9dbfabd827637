import ChatlioJSON
package import Foundation

/// IMF-fixdate (RFC 9110 §5.6.7), the form of the `Date` and `Retry-After`
/// headers: `Sun, 06 Nov 1994 08:49:37 GMT`. Written and read by hand, in UTC,
/// without `DateFormatter` (not Sendable, locale-dependent and lenient).
///
/// ```swift
/// HTTPDate.string(from: Date(timeIntervalSince1970: 784_111_777))   // "Sun, 06 Nov 1994 08:49:37 GMT"
/// HTTPDate.date(from: "Sun, 06 Nov 1994 08:49:37 GMT")               // 1994-11-06 08:49:37 +0000
/// ```
package enum HTTPDate {
    private static let weekdays = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]  // 1970-01-01 was a Thursday
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// The IMF-fixdate of `date`, to the second below it.
    package static func string(from date: Date) -> String {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = RFC3339Timestamp.civilDate(fromDaysSince1970: days)
        let weekday = weekdays[Int(((days % 7) + 7) % 7)]
        return "\(weekday), \(twoDigits(day)) \(months[Int(month) - 1]) \(year) "
            + "\(twoDigits(secondOfDay / 3_600)):\(twoDigits(secondOfDay / 60 % 60)):\(twoDigits(secondOfDay % 60)) GMT"
    }

    /// The instant an IMF-fixdate names, or `nil`. Strict: every field has its
    /// exact width and only digits, a day the month does not have ("30 Feb") is
    /// refused rather than rolled over, years before 1970 are refused; the weekday
    /// must be a weekday name but is not checked against the date (it adds nothing).
    package static func date(from text: String) -> Date? {
        let parts = text.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 6, parts[0].hasSuffix(","), weekdays.contains(String(parts[0].dropLast())), parts[5] == "GMT",
              let day = digits(parts[1], count: 2),
              let monthIndex = months.firstIndex(of: String(parts[2])),
              let year = digits(parts[3], count: 4), year >= 1970,
              (1 ... RFC3339Timestamp.daysInMonth(year: year, month: Int64(monthIndex + 1))).contains(day)
        else { return nil }
        let time = parts[4].split(separator: ":", omittingEmptySubsequences: false)
        guard time.count == 3,
              let hour = digits(time[0], count: 2), let minute = digits(time[1], count: 2), let second = digits(time[2], count: 2),
              (0 ... 23).contains(hour), (0 ... 59).contains(minute), (0 ... 60).contains(second)
        else { return nil }
        let days = RFC3339Timestamp.daysSince1970(year: year, month: Int64(monthIndex + 1), day: day)
        return Date(timeIntervalSince1970: TimeInterval(days * 86_400 + hour * 3_600 + minute * 60 + second))
    }

    /// The value of exactly `count` ASCII digits; `Int(_:)` would also take a sign ("+6").
    private static func digits(_ text: Substring, count: Int) -> Int64? {
        guard text.utf8.count == count, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return text.utf8.reduce(0) { $0 * 10 + Int64($1 - 0x30) }
    }

    private static func twoDigits(_ value: Int64) -> String {
        value < 10 ? "0\(value)" : String(value)
    }
}
