@_spi(ChatlioAEPInternal) import ChatlioJSON
import Foundation

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

    // The error paths stay out of line: inlined, their strings gave every field's read a large frame.
    @inline(never)
    func error(_ code: ChatlioWebhookError.Code, _ key: StaticString, _ reason: String) -> ChatlioWebhookError {
        ChatlioWebhookError(code, kind: kind, pointer: fieldPointer(key), reason)
    }

    /// The entry of the member's value, or `nil` when there is no such member.
    ///
    /// The hot loop of every decode: it walks the tape's storage through raw
    /// pointers taken once, with the entry fields read in place, because the
    /// tape's helpers live in another module, where each call (and each
    /// `Equatable` comparison of an entry's kind) would be a call and a
    /// retain of the tape.
    @inline(__always)
    private mutating func member(_ key: StaticString) -> Int? {
        let tape = source.tape
        let object = source.index
        let cursor = cursor
        let found: (value: Int, next: Int)? = tape.entries.withUnsafeBufferPointer { entries in
            tape.bytes.withUnsafeBytes { bytes -> (value: Int, next: Int)? in
                let end = Int(entries[object].next)
                let first = object &+ 1
                guard first < end, let base = bytes.baseAddress else { return nil }
                let keyCount = key.utf8CodeUnitCount
                let start = cursor < end ? cursor : first
                var name = start
                repeat {
                    let nameEntry = entries[name]
                    let value = name &+ 1
                    let valueEntry = entries[value]
                    let next: Int
                    switch valueEntry.kind {
                    case .array, .object: next = Int(valueEntry.next)
                    default: next = value &+ 1
                    }
                    let matches: Bool
                    if nameEntry.flags == 0 {
                        // Plain ASCII: bytes compare as the names do.
                        matches = Int(nameEntry.end) &- Int(nameEntry.start) == keyCount
                            && ShortByteRuns.equal(base + Int(nameEntry.start), key.utf8Start, count: keyCount)
                    } else {
                        // Escapes or non-ASCII bytes (U+212A KELVIN SIGN equals "K"): as `String` compares.
                        matches = tape.string(at: name) == key.description
                    }
                    if matches { return (value, next) }
                    name = next < end ? next : first
                } while name != start
                return nil
            }
        }
        guard let found else { return nil }
        self.cursor = found.next
        return found.value
    }

    @inline(__always)
    private mutating func present(_ key: StaticString) -> Int? {
        guard let value = member(key) else { return nil }
        foundMembers += 1
        if case .null = source.tape.entries[value].kind { return nil }
        return value
    }

    @inline(never)
    private func mismatch(_ key: StaticString, expected: String, found value: Int) -> ChatlioWebhookError {
        error(.typeMismatch, key, "expected \(expected), found \(tape.typeName(at: value))")
    }

    private func kind(at value: Int) -> JSONTape.Entry.Kind { tape.entries[value].kind }

    /// A text field's value entry: ``PayloadObject/noEntry`` when absent, `null` or `""`.
    ///
    /// Models keep the entry, not a `String`: the text is made when a
    /// caller asks for it, and the mapper copies the body's bytes instead.
    @inline(__always)
    mutating func text(_ key: StaticString) throws(ChatlioWebhookError) -> Int32 {
        guard let value = present(key) else { return PayloadObject.noEntry }
        let entry = source.tape.entries[value]
        guard case .string = entry.kind else { throw mismatch(key, expected: "a string", found: value) }
        // Only "" spans no bytes: an escape always decodes to something.
        return entry.end == entry.start ? PayloadObject.noEntry : Int32(truncatingIfNeeded: value)
    }

    /// A text field that must be present and non-empty.
    mutating func requiredText(_ key: StaticString) throws(ChatlioWebhookError) -> Int32 {
        let found = foundMembers
        let entry = try text(key)
        guard entry != PayloadObject.noEntry else {
            throw error(.missingField, key, foundMembers == found ? "the field is required" : "the field is required and must not be null or empty")
        }
        return entry
    }

    mutating func bool(_ key: StaticString) throws(ChatlioWebhookError) -> Bool? {
        guard let value = present(key) else { return nil }
        switch kind(at: value) {
        case .true: return true
        case .false: return false
        default: throw mismatch(key, expected: "a boolean", found: value)
        }
    }

    /// An RFC 3339 timestamp's entry, checked: ``PayloadObject/noEntry`` when absent, `null` or `""`.
    mutating func timestamp(_ key: StaticString) throws(ChatlioWebhookError) -> Int32 {
        let entry = try text(key)
        guard entry != PayloadObject.noEntry else { return entry }
        guard source.instant(entry) != nil else {
            throw error(.invalidValue, key, "expected an RFC 3339 date-time such as 2018-05-19T18:14:32.000026941+02:00")
        }
        return entry
    }

    /// A nested object field, read by `read`.
    mutating func nested<Model>(
        _ key: StaticString,
        _ read: (PayloadReader) throws(ChatlioWebhookError) -> Model
    ) throws(ChatlioWebhookError) -> Model? {
        guard let value = present(key) else { return nil }
        guard case .object = kind(at: value) else { throw mismatch(key, expected: "an object", found: value) }
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
        guard case .array = array.kind else { throw mismatch(key, expected: "an array", found: value) }
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
    @inline(never)
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
            guard case .object = tape.entries[element].kind else { throw Self.elementMismatch(tape, element, kind: kind, expected: "an object") }
            return try read(PayloadReader(PayloadObject(tape: tape, index: element), kind: kind, depth: depth + 2, options: options))
        }
    }

    /// An array of strings; absent or `null` is empty.
    mutating func stringArray(_ key: StaticString) throws(ChatlioWebhookError) -> [String] {
        let (tape, kind) = (tape, kind)
        return try array(key) { (element) throws(ChatlioWebhookError) in
            guard case .string = tape.entries[element].kind else { throw Self.elementMismatch(tape, element, kind: kind, expected: "a string") }
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
            return Traits(object: PayloadObject(tape: tape, index: value))
        default:
            throw mismatch(key, expected: allowObject ? "an object or a string" : "a string", found: value)
        }
    }
}
