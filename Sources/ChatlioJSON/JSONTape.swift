package import Foundation

/// A one-pass index of a JSON document: its bytes and a flat array of
/// entries, one per value and member name, in document order.
///
/// Building a tape validates exactly what ``JSONValue/init(parsing:options:)-(Data,_)``
/// validates (grammar, UTF-8, depth, size, duplicate member names) and throws
/// the same ``JSONParsingError`` (code, byte offset, pointer) for bad input,
/// but it creates no `String`, `Dictionary` or `JSONValue`. Readers look
/// members up by comparing key bytes, create strings only for what they
/// keep, and build a ``JSONValue`` of an entry only when asked
/// (``value(at:)``), which gives exactly what the parser gives.
///
/// Layout: an object's entry is followed by its members, each a name entry
/// (a string) then the value's entries; an array's entry by its elements.
/// A container's entry holds its member count and the index past its last
/// descendant, so a reader skips a whole value in one step.
///
/// ```swift
/// let tape = try JSONTape(parsing: Data(#"{"a":[1,2],"b":"x"}"#.utf8))
/// tape.value(at: 0)                           // ["a": [1, 2], "b": "x"]
/// var bytes: [UInt8] = []
/// tape.streamCanonicalBytes(ofValueAt: 0) { bytes += $0 }   // {"a":[1,2],"b":"x"}
/// ```
///
/// Offsets are 32-bit: documents above 4 GiB are refused as too large.
///
/// Not API: an SPI (`@_spi(ChatlioAEPInternal)`) for this package's modules, public so
/// that the entries' one-line accessors are inlined where the models read them (the
/// bodies of `package` inlinable code are not serialised).
@_spi(ChatlioAEPInternal) public final class JSONTape: Sendable {
    /// The document's bytes, as given.
    package let bytes: [UInt8]
    /// The values and member names, in document order; the root is entry 0.
    package let entries: [Entry]

    /// One value or member name.
    public struct Entry: Sendable, Hashable {
        @usableFromInline package enum Kind: UInt8, Sendable {
            case null, `true`, `false`, number, string, array, object
        }

        @usableFromInline package var kind: Kind
        /// For strings: whether the text holds a `\` escape, and whether it holds
        /// bytes above 0x7F.
        @usableFromInline package var flags: UInt8
        /// Strings: the first byte after the opening quote; others: the first byte.
        @usableFromInline package var start: UInt32
        /// Strings: the closing quote; others: one past the last byte.
        @usableFromInline package var end: UInt32
        /// Containers: how many members or elements.
        @usableFromInline package var count: UInt32
        /// Containers: the index of the entry after the last descendant.
        @usableFromInline package var next: UInt32

        @usableFromInline static let escaped: UInt8 = 1
        @usableFromInline static let nonASCII: UInt8 = 2

        init(_ kind: Kind, start: Int, end: Int, flags: UInt8 = 0) {
            self.kind = kind
            self.flags = flags
            self.start = UInt32(truncatingIfNeeded: start)
            self.end = UInt32(truncatingIfNeeded: end)
            self.count = 0
            self.next = 0
        }

        /// A string without escapes whose bytes are all ASCII: its bytes compare as its `String` does.
        @inlinable package var isPlainASCII: Bool { flags == 0 }
        @inlinable package var hasEscapes: Bool { flags & Self.escaped != 0 }
        @inlinable package var isContainer: Bool { kind == .object || kind == .array }
        @inlinable package var byteCount: Int { Int(end) - Int(start) }
    }

    /// Indexes `data`, copying its bytes.
    ///
    /// - Throws: ``JSONParsingError``, as ``JSONValue/init(parsing:options:)-(Data,_)`` throws it.
    package convenience init(parsing data: Data, options: JSONParsingOptions = .default) throws(JSONParsingError) {
        // One copy out of the buffer: `[UInt8](data)` went through Data's iterator and
        // exclusivity checks (about 750 instructions for a webhook).
        try self.init(bytes: data.withUnsafeBytes { [UInt8]($0) }, options: options)
    }

    /// Indexes `bytes`, keeping them.
    package init(bytes: [UInt8], options: JSONParsingOptions = .default) throws(JSONParsingError) {
        guard bytes.count <= options.maxBytes else {
            throw JSONParsingError(.inputTooLarge, at: options.maxBytes, "the input is \(bytes.count) bytes, above the limit of \(options.maxBytes)")
        }
        guard bytes.count < Int(UInt32.max) else {
            throw JSONParsingError(.inputTooLarge, at: Int(UInt32.max), "the input is \(bytes.count) bytes, above the tape's limit of 4 GiB")
        }
        let result: Result<[Entry], JSONParsingError> = bytes.withUnsafeBytes { buffer in
            Result { () throws(JSONParsingError) in
                var builder = JSONTapeBuilder(bytes: buffer, maxDepth: options.maxDepth)
                try builder.buildDocument()
                return builder.entries
            }
        }
        self.bytes = bytes
        self.entries = try result.get()
    }

    /// The index of the entry after the value at `index` and its descendants.
    @inline(__always)
    package func skip(_ index: Int) -> Int {
        let entry = entries[index]
        return entry.isContainer ? Int(entry.next) : index + 1
    }

    /// The JSON type of the value at `index`, as ``JSONValue/typeName`` names it.
    package func typeName(at index: Int) -> String {
        let entry = entries[index]
        switch entry.kind {
        case .null: return "null"
        case .true, .false: return "boolean"
        case .number:
            let isInteger = !bytes[Int(entry.start)..<Int(entry.end)].contains { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
            return isInteger ? "integer" : "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    /// Whether the member name at `index` (a string entry) is `name`, as `String` `==` decides.
    @inline(__always)
    package func key(at index: Int, equals name: StaticString) -> Bool {
        let entry = entries[index]
        guard entry.isPlainASCII else { return string(at: index) == name.description }
        let count = name.utf8CodeUnitCount
        guard entry.byteCount == count else { return false }
        return bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return count == 0 }
            return memcmp(base + Int(entry.start), name.utf8Start, count) == 0
        }
    }

    /// The members of the object at `index`: the index of each name entry (its value follows it).
    package func memberNames(ofObjectAt index: Int) -> some Sequence<Int> {
        let end = Int(entries[index].next)
        return sequence(first: index + 1) { [self] key in
            let next = skip(key + 1)
            return next < end ? next : nil
        }.lazy.prefix { $0 < end }
    }

    /// The elements of the array at `index`: the index of each element's entry.
    package func elements(ofArrayAt index: Int) -> some Sequence<Int> {
        let end = Int(entries[index].next)
        return sequence(first: index + 1) { [self] element in
            let next = skip(element)
            return next < end ? next : nil
        }.lazy.prefix { $0 < end }
    }
}
