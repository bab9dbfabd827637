@_spi(ChatlioAEPInternal) import ChatlioJSON

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
    /// An object of the body stays on its tape until asked for: a tree is
    /// built only for a caller that reads it, and the mapper writes its
    /// canonical text straight from the bytes.
    private enum Storage: Sendable {
        case values(wire: JSONValue, parsed: JSONValue?)
        case object(PayloadObject)
    }

    private let storage: Storage

    init(wireValue: JSONValue, parsed: JSONValue?) {
        storage = .values(wire: wireValue, parsed: parsed)
    }

    init(object: PayloadObject) {
        storage = .object(object)
    }

    /// The value as it appeared in the payload: a string or an object.
    public var wireValue: JSONValue {
        switch storage {
        case .values(let wire, _): wire
        case .object(let object): .object(object.jsonObject)
        }
    }

    /// The parsed traits: the object itself, or the JSON inside the string;
    /// `nil` when the string is not valid JSON.
    public var parsed: JSONValue? {
        switch storage {
        case .values(_, let parsed): parsed
        case .object(let object): .object(object.jsonObject)
        }
    }

    /// The traits as an object, when they are one.
    public var object: JSONObject? { parsed?.objectValue }

    /// The string as received, when the traits came as a string.
    public var rawText: String? {
        guard case .values(let wire, _) = storage else { return nil }
        return wire.stringValue
    }

    /// Whether the traits came as a string that is not valid JSON.
    public var isUnparsedText: Bool { parsed == nil }

    /// ``wireValue`` as compact JSON with its members sorted
    /// (`jsonString(sortedKeys: true)`); an object of the body is written
    /// from its bytes, without a tree.
    package var sortedJSONText: String {
        switch storage {
        case .values(let wire, _):
            return wire.jsonString(sortedKeys: true)
        case .object(let object):
            var bytes: [UInt8] = []
            withUnsafeMutablePointer(to: &bytes) { state in
                object.streamCanonicalBytes(into: CanonicalBytesConsumer(state: state) { state, start, count in
                    state.assumingMemoryBound(to: [UInt8].self).pointee.append(contentsOf: UnsafeRawBufferPointer(start: start, count: count))
                })
            }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// The object's place on its body's tape when the traits are an object of
    /// a body (not a string, not a tree a model was created with): the mapper
    /// writes its canonical text from there, without making it a `String`.
    package var bodyObject: (tape: JSONTape, index: Int)? {
        guard case .object(let object) = storage, object.given == nil else { return nil }
        return (object.tape, object.index)
    }

    public static func == (lhs: Traits, rhs: Traits) -> Bool {
        lhs.wireValue == rhs.wireValue && lhs.parsed == rhs.parsed
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(wireValue)
    }
}
