import ChatlioAEPSupport

/// A credential (client secret, access token) that never shows itself in
/// logs, errors, `description`, `debugDescription` or `dump`.
///
/// ```swift
/// let secret = Secret("p8e-…")
/// print(secret)          // Secret(redacted)
/// ```
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// `package`: another module of this package puts it in an `Authorization` header.
    package let value: String

    /// Equal values, compared in constant time: a service that checks a
    /// presented credential against a `Secret` leaks nothing through timing.
    public static func == (lhs: Secret, rhs: Secret) -> Bool {
        constantTimeEquals(lhs.value, rhs.value)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(value)
    }

    /// Wraps a secret value.
    public init(_ value: String) {
        self.value = value
    }

    /// Whether the value is empty.
    public var isEmpty: Bool { value.isEmpty }

    public var description: String { "Secret(redacted)" }
    public var debugDescription: String { "Secret(redacted)" }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
