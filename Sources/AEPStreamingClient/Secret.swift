/// A credential (client secret, access token) that never shows itself in
/// logs, errors, `description`, `debugDescription` or `dump`.
///
/// ```swift
/// let secret = Secret("p8e-…")
/// print(secret)          // Secret(redacted)
/// ```
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    let value: String

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
