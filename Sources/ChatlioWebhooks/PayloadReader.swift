/// Reads the known fields of one payload object, turning every problem into a
/// ``ChatlioWebhookError`` that names the kind and the field's JSON Pointer.
///
/// Conventions shared by all models: `null` and a missing key both mean
/// absent; for text fields `""` also means absent (Chatlio writes `""` for
/// unknown values); the object itself is kept untouched for re-encoding.
struct PayloadReader {
    let object: JSONObject
    let pointer: String
    let kind: WebhookKind?
    /// How deep this object sits in the body (the body itself is 1).
    let depth: Int
    let options: ChatlioWebhook.DecodingOptions
    /// How many of the object's members the model has looked up and found
    /// (`null` included). Each model reads each of its keys once, so fewer than
    /// `object.count` means the object has keys the model does not know.
    private(set) var foundMembers = 0

    /// Whether the object has members the model did not read: its unknown keys.
    /// Read once the model has read all its fields.
    var hasUnreadMembers: Bool { foundMembers < object.count }

    init(_ object: JSONObject, pointer: String, kind: WebhookKind?, depth: Int, options: ChatlioWebhook.DecodingOptions) {
        self.object = object
        self.pointer = pointer
        self.kind = kind
        self.depth = depth
        self.options = options
    }

    func fieldPointer(_ key: String) -> String { JSONPointer.appending(key, to: pointer) }

    func error(_ code: ChatlioWebhookError.Code, _ key: String, _ reason: String) -> ChatlioWebhookError {
        ChatlioWebhookError(code, kind: kind, pointer: fieldPointer(key), reason)
    }

    private mutating func present(_ key: String) -> JSONValue? {
        guard let value = object[key] else { return nil }
        foundMembers += 1
        guard !value.isNull else { return nil }  // not `? nil :`, which JSONValue's nil literal would make `.null`
        return value
    }

    private func mismatch(_ key: String, expected: String, found value: JSONValue) -> ChatlioWebhookError {
        error(.typeMismatch, key, "expected \(expected), found \(value.typeName)")
    }

    /// A text field: `nil` when absent, `null` or `""`.
    mutating func text(_ key: String) throws(ChatlioWebhookError) -> String? {
        guard let value = present(key) else { return nil }
        guard case .string(let string) = value else { throw mismatch(key, expected: "a string", found: value) }
        return string.isEmpty ? nil : string
    }

    /// A text field that must be present and non-empty.
    mutating func requiredText(_ key: String) throws(ChatlioWebhookError) -> String {
        guard let string = try text(key) else {
            throw error(.missingField, key, object[key] == nil ? "the field is required" : "the field is required and must not be null or empty")
        }
        return string
    }

    mutating func bool(_ key: String) throws(ChatlioWebhookError) -> Bool? {
        guard let value = present(key) else { return nil }
        guard case .bool(let bool) = value else { throw mismatch(key, expected: "a boolean", found: value) }
        return bool
    }

    /// An RFC 3339 timestamp: `nil` when absent, `null` or `""`.
    mutating func timestamp(_ key: String) throws(ChatlioWebhookError) -> RFC3339Timestamp? {
        guard let string = try text(key) else { return nil }
        guard let timestamp = RFC3339Timestamp(parsing: string) else {
            throw error(.invalidValue, key, "expected an RFC 3339 date-time such as 2018-05-19T18:14:32.000026941+02:00")
        }
        return timestamp
    }

    /// A nested object field, read by `read`.
    mutating func nested<Model>(
        _ key: String,
        _ read: (PayloadReader) throws(ChatlioWebhookError) -> Model
    ) throws(ChatlioWebhookError) -> Model? {
        guard let value = present(key) else { return nil }
        guard case .object(let nested) = value else { throw mismatch(key, expected: "an object", found: value) }
        return try read(PayloadReader(nested, pointer: fieldPointer(key), kind: kind, depth: depth + 1, options: options))
    }

    /// A nested object field that must be present.
    mutating func requiredNested<Model>(
        _ key: String,
        _ read: (PayloadReader) throws(ChatlioWebhookError) -> Model
    ) throws(ChatlioWebhookError) -> Model {
        guard let model = try nested(key, read) else { throw error(.missingField, key, "the field is required") }
        return model
    }

    /// An array whose elements are read by `read`; absent or `null` is empty.
    mutating func array<Element>(
        _ key: String,
        _ read: (JSONValue, String) throws(ChatlioWebhookError) -> Element
    ) throws(ChatlioWebhookError) -> [Element] {
        guard let value = present(key) else { return [] }
        guard case .array(let elements) = value else { throw mismatch(key, expected: "an array", found: value) }
        var result: [Element] = []
        result.reserveCapacity(elements.count)
        let arrayPointer = fieldPointer(key)
        for (index, element) in elements.enumerated() {
            result.append(try read(element, JSONPointer.appending(index, to: arrayPointer)))
        }
        return result
    }

    /// An array of objects, each read by `read`.
    mutating func objectArray<Model>(
        _ key: String,
        _ read: (PayloadReader) throws(ChatlioWebhookError) -> Model
    ) throws(ChatlioWebhookError) -> [Model] {
        let (kind, depth, options) = (kind, depth, options)
        return try array(key) { (element, elementPointer) throws(ChatlioWebhookError) in
            guard case .object(let nested) = element else {
                throw ChatlioWebhookError(.typeMismatch, kind: kind, pointer: elementPointer, "expected an object, found \(element.typeName)")
            }
            return try read(PayloadReader(nested, pointer: elementPointer, kind: kind, depth: depth + 2, options: options))
        }
    }

    /// An array of strings; absent or `null` is empty.
    mutating func stringArray(_ key: String) throws(ChatlioWebhookError) -> [String] {
        let kind = kind
        return try array(key) { (element, elementPointer) throws(ChatlioWebhookError) in
            guard case .string(let string) = element else {
                throw ChatlioWebhookError(.typeMismatch, kind: kind, pointer: elementPointer, "expected a string, found \(element.typeName)")
            }
            return string
        }
    }

    /// Free-form traits: an object, or a string that may hold JSON. `""`,
    /// `null` and absent are `nil`. A string that does not parse stays raw.
    mutating func traits(_ key: String, allowObject: Bool) throws(ChatlioWebhookError) -> Traits? {
        guard let value = present(key) else { return nil }
        switch value {
        case .string(let text):
            if text.isEmpty { return nil }
            // JSON inside a string sits one level below this object.
            let budget = JSONParsingOptions(maxBytes: options.maxBytes, maxDepth: options.maxDepth - depth)
            do {
                let parsed = try JSONValue(parsing: text, options: budget)
                return Traits(wireValue: value, parsed: parsed)
            } catch where error.code == .nestingTooDeep {
                throw ChatlioWebhookError(
                    .nestingTooDeep, kind: kind, pointer: fieldPointer(key),
                    "the JSON inside this string nests deeper than the limit of \(options.maxDepth) levels")
            } catch {
                return Traits(wireValue: value, parsed: nil)
            }
        case .object where allowObject:
            return Traits(wireValue: value, parsed: value)
        default:
            throw mismatch(key, expected: allowObject ? "an object or a string" : "a string", found: value)
        }
    }
}
