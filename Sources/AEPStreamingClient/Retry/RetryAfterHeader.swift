import ChatlioAEPSupport
import Foundation

/// The client's reading of `Retry-After`: the package's one parser
/// (`RetryAfterValue`, `HTTPDate`), named here so the response fuzz target,
/// which can import only the package's products, reaches it through this module.
enum RetryAfterHeader {
    static func resumeDate(_ value: String, now: Date) -> Date? {
        RetryAfterValue.resumeDate(value, now: now)
    }

    static func httpDate(_ text: String) -> Date? {
        HTTPDate.date(from: text)
    }

    /// The IMF-fixdate of `date`, for the fuzz oracle's round trip.
    static func imfFixdate(_ date: Date) -> String {
        HTTPDate.string(from: date)
    }
}
