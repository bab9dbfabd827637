/// Free-form traits carried by a payload: `visitor.identTraits` (JSON inside a
/// string) and the transcript's `visitorTraits` (an object, or a string).
///
/// The wire value is kept for re-encoding; ``object`` is the parsed form. A
/// string that is not JSON is kept raw rather than rejected, because its
/// content is whatever the site passed to `_chatlio.identify`.
///
/// ```swift
/// let traits = visitor.identifyTraits            // from "{\"plan\":\"king\"}"
/// traits?.object?["plan"]?.stringValue           // "king"
/// traits?.rawText                                // the string as received
/// ```
public struct Traits: Sendable, Hashable {
    /// The value as it appeared in the payload: a string or an object.
    public let wireValue: JSONValue
    /// The parsed traits: the object itself, or the JSON inside the string;
    /// `nil` when the string is not valid JSON.
    public let parsed: JSONValue?

    /// The traits as an object, when they are one.
    public var object: JSONObject? { parsed?.objectValue }

    /// The string as received, when the traits came as a string.
    public var rawText: String? { wireValue.stringValue }

    /// Whether the traits came as a string that is not valid JSON.
    public var isUnparsedText: Bool { parsed == nil }
}
