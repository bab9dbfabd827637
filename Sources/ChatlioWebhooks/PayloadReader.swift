import ChatlioJSON

/// Reads the known fields of one payload object from the body's tape,
/// turning every problem into a ``ChatlioWebhookError`` that names the kind
/// and the field's JSON Pointer.
///
/// Members are found by comparing name bytes, scanning on from the member
/// found last (models read their keys in about the order Chatlio writes
/// them), and strings are created only for the fields a model keeps. Pointers
/// are worked out only when there is an error to report.
///
/// Conventions shared by all models: `null` and a missing key both mean
/// absent; for text fields `""` also means absent (Chatlio writes `""` for
/// unknown values); the object itself is kept untouched for re-encoding.
struct PayloadReader {
    let source: PayloadObject
    let kind: WebhookKind?
    /// How deep this object sits in the body (the body itself is 1).
    let depth: Int
    let options: ChatlioWebhook.DecodingOptions
    /// How many of the object's members the model has looked up and found
    /// (`null` included). Each model reads each of its keys once, so fewer than
    /// the object's member count means the object has keys the model does not know.
    private(set) var foundMembers = 0
    /// The name entry where the next look-up starts.
    private var cursor: Int

    private var tape: JSONTape { source.tape }
    private var object: Int { source.index }

    /// Whether the object has members the model did not read: its unknown keys.
    /// Read once the model has read all its fields.
    var hasUnreadMembers: Bool { foundMembers < Int(tape.entries[object].count) }

    init(_ source: PayloadObject, kind: WebhookKind?, depth: Int, options: ChatlioWebhook.DecodingOptions) {
        self.source = source
        self.kind = kind
        self.depth = depth
        self.options = options
        cursor = source.index + 1
    }

    /// The object's JSON Pointer from the body.
    var pointer: String { tape.pointer(to: object) }

    func fieldPointer(_ key: StaticString) -> String { JSONPointer.appending(key.description, to: pointer) }

    func error(_ code: ChatlioWebhookError.Code, _ key: StaticString, _ reason: String) -> ChatlioWebhookError {
        ChatlioWebhookError(code, kind: kind, pointer: fieldPointer(key), reason)
    }

    /// The entry of the member's value, or `nil` when there is no such member.
    private mutating func member(_ key: StaticString) -> Int? {
        let end = Int(tape.entries[object].next)
        let first = object + 1
        guard first < end else { return nil }
        let start = cursor < end ? cursor : first
        var name = start
        repeat {
            let value = name + 1
            let next = tape.skip(value)
            if tape.key(at: name, equals: key) {
                cursor = next
                return value
            }
            name = next < end ? next : first
        } while name != start
        return nil
    }

    private mutating func present(_ key: StaticString) -> Int? {
        guard let value = member(key) else { return nil }
        foundMembers += 1
        return tape.entries[value].kind == .null ? nil : value
    }

    private func mismatch(_ key: StaticString, expected: String, found value: Int) -> ChatlioWebhookError {
        error(.typeMismatch, key, "expected \(expected), found \(tape.typeName(at: value))")
    }

    private func kind(at value: Int) -> JSONTape.Entry.Kind { tape.entries[value].kind }

    /// A text field: `nil` when absent, `null` or `""`.
    mutating func text(_ key: StaticString) throws(ChatlioWebhookError) -> String? {
        guard let value = present(key) else { return nil }
        let entry = tape.entries[value]
        guard entry.kind == .string else { throw mismatch(key, expected: "a string", found: value) }
        // Only "" spans no bytes: an escape always decodes to something.
        return entry.byteCount == 0 ? nil : tape.string(at: value)
    }

    /// A text field that must be present and non-empty.
    mutating func requiredText(_ key: StaticString) throws(ChatlioWebhookError) -> String {
        let found = foundMembers
        guard let string = try text(key) else {
            throw error(.missingField, key, foundMembers == found ? "the field is required" : "the field is required and must not be null or empty")
        }
        return string
    }

    mutating func bool(_ key: StaticString) throws(ChatlioWebhookError) -> Bool? {
        guard let value = present(key) else { return nil }
        switch kind(at: value) {
        case .true: return true
        case .false: return false
        default: throw mismatch(key, expected: "a boolean", found: value)
        }
    }

    /// An RFC 3339 timestamp: `nil` when absent, `null` or `""`.
    mutating func timestamp(_ key: StaticString) throws(ChatlioWebhookError) -> RFC3339Timestamp? {
        guard let string = try text(key) else { return nil }
        guard let timestamp = RFC3339Timestamp(parsing: string) else {
            throw error(.invalidValue, key, "expected an RFC 3339 date-time such as 2018-05-19T18:14:32.000026941+02:00")
        }
        return timestamp
    }

    /// A nested object field, read by `read`.
    mutating func nested<Model>(
        _ key: StaticString,
        _ read: (PayloadReader) throws(ChatlioWebhookError) -> Model
    ) throws(ChatlioWebhookError) -> Model? {
        guard let value = present(key) else { return nil }
        guard kind(at: value) == .object else { throw mismatch(key, expected: "an object", found: value) }
        return try read(PayloadReader(PayloadObject(tape: tape, index: value), kind: kind, depth: depth + 1, options: options))
    }

    /// A nested object field that must be present.
    mutating func requiredNested<Model>(
        _ key: StaticString,
        _ read: (PayloadReader) throws(ChatlioWebhookError) -> Model
    ) throws(ChatlioWebhookError) -> Model {
        guard let model = try nested(key, read) else { throw error(.missingField, key, "the field is required") }
        return model
    }

    /// An array whose elements are read by `read` (given the element's entry);
    /// absent or `null` is empty.
    private mutating func array<Element>(
        _ key: StaticString,
        _ read: (Int) throws(ChatlioWebhookError) -> Element
    ) throws(ChatlioWebhookError) -> [Element] {
        guard let value = present(key) else { return [] }
        let array = tape.entries[value]
        guard array.kind == .array else { throw mismatch(key, expected: "an array", found: value) }
        var result: [Element] = []
        result.reserveCapacity(Int(array.count))
        var element = value + 1
        while element < Int(array.next) {
            result.append(try read(element))
            element = tape.skip(element)
        }
        return result
    }

    /// An element of an array field that has the wrong type.
    private static func elementMismatch(_ tape: JSONTape, _ element: Int, kind: WebhookKind?, expected: String) -> ChatlioWebhookError {
        ChatlioWebhookError(.typeMismatch, kind: kind, pointer: tape.pointer(to: element), "expected \(expected), found \(tape.typeName(at: element))")
    }

    /// An array of objects, each read by `read`.
    mutating func objectArray<Model>(
        _ key: StaticString,
        _ read: (PayloadReader) throws(ChatlioWebhookError) -> Model
    ) throws(ChatlioWebhookError) -> [Model] {
        let (tape, kind, depth, options) = (tape, kind, depth, options)
        return try array(key) { (element) throws(ChatlioWebhookError) in
            guard tape.entries[element].kind == .object else { throw Self.elementMismatch(tape, element, kind: kind, expected: "an object") }
            return try read(PayloadReader(PayloadObject(tape: tape, index: element), kind: kind, depth: depth + 2, options: options))
        }
    }

    /// An array of strings; absent or `null` is empty.
    mutating func stringArray(_ key: StaticString) throws(ChatlioWebhookError) -> [String] {
        let (tape, kind) = (tape, kind)
        return try array(key) { (element) throws(ChatlioWebhookError) in
            guard tape.entries[element].kind == .string else { throw Self.elementMismatch(tape, element, kind: kind, expected: "a string") }
            return tape.string(at: element)
        }
    }

    /// Free-form traits: an object, or a string that may hold JSON. `""`,
    /// `null` and absent are `nil`. A string that does not parse stays raw.
    mutating func traits(_ key: StaticString, allowObject: Bool) throws(ChatlioWebhookError) -> Traits? {
        guard let value = present(key) else { return nil }
        switch kind(at: value) {
        case .string:
            let text = tape.string(at: value)
            if text.isEmpty { return nil }
            // JSON inside a string sits one level below this object.
            let budget = JSONParsingOptions(maxBytes: options.maxBytes, maxDepth: options.maxDepth - depth)
            do {
                let parsed = try JSONValue(parsing: text, options: budget)
                return Traits(wireValue: .string(text), parsed: parsed)
            } catch where error.code == .nestingTooDeep {
                throw ChatlioWebhookError(
                    .nestingTooDeep, kind: kind, pointer: fieldPointer(key),
                    "the JSON inside this string nests deeper than the limit of \(options.maxDepth) levels")
            } catch {
                return Traits(wireValue: .string(text), parsed: nil)
            }
        case .object where allowObject:
            let object = tape.value(at: value)
            return Traits(wireValue: object, parsed: object)
        default:
            throw mismatch(key, expected: allowObject ? "an object or a string" : "a string", found: value)
        }
    }
}
