import ChatlioAEPSupport
public import Foundation

/// A `Retry-After` header value: delay seconds or an HTTP date (RFC 9110 §10.2.3).
///
/// ```swift
/// emulator.faults.failNext(2, status: 503, retryAfter: .seconds(1))
/// emulator.faults.failNext(1, status: 429, retryAfter: .date(Date().addingTimeInterval(2)))
/// ```
public struct RetryAfter: Sendable, Hashable, CustomStringConvertible {
    private enum Value: Sendable, Hashable {
        case seconds(Int)
        case date(Date)
    }

    private let value: Value
    private init(_ value: Value) { self.value = value }

    /// `Retry-After: 2`. Negative values are written as 0.
    public static func seconds(_ seconds: Int) -> RetryAfter { RetryAfter(.seconds(max(0, seconds))) }
    /// `Retry-After: Sun, 06 Nov 1994 08:49:37 GMT` (whole seconds).
    public static func date(_ date: Date) -> RetryAfter { RetryAfter(.date(date)) }

    /// The header value as sent.
    public var headerValue: String {
        switch value {
        case .seconds(let seconds): String(seconds)
        case .date(let date): HTTPDate.string(from: date)
        }
    }

    public var description: String { "Retry-After: \(headerValue)" }
}
