import Foundation

/// The module's one JSON grammar (strict RFC 8259): builds a ``JSONTape``'s
/// entries in one pass over the bytes, and ``JSONValue/parse(_:options:)``
/// reads its tree off them.
///
/// It validates UTF-8, bounds nesting, refuses duplicate member names and
/// keeps number text. Errors name the code, byte offset, reason and pointer;
/// a string's bad UTF-8 is reported only once its end is known, after any bad
/// escape in it. Pointers are collected only while an error unwinds, so the
/// success path pays nothing for them.
struct JSONTapeBuilder: ~Copyable {
    private let bytes: UnsafeRawBufferPointer
    private var index = 0
    private let maxDepth: Int
    private var depth = 0
    private(set) var entries: [JSONTape.Entry] = []

    init(bytes: UnsafeRawBufferPointer, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
        // Chatlio's bodies take 15 to 25 bytes an entry (Examples/Payloads; 10 to 15 for the
        // smallest, which the 8 spare cover): one allocation, no regrowth, and for a
        // conversation's ~650 bytes under glibc's 1 KiB per-thread cache, where a larger
        // block costs the allocator about 500 instructions more to find and free.
        entries.reserveCapacity(bytes.count / 16 + 8)
    }

    mutating func buildDocument() throws(JSONParsingError) {
        skipWhitespace()
        try parseValue()
        skipWhitespace()
        guard index == bytes.count else {
            throw JSONParsingError(.invalidSyntax, at: index, "unexpected \(describeByte(at: index)) after the top-level value")
        }
    }

    private mutating func parseValue() throws(JSONParsingError) {
        guard index < bytes.count else {
            throw JSONParsingError(.invalidSyntax, at: index, "unexpected end of input, expected a value")
        }
        switch bytes[index] {
        case UInt8(ascii: "{"): try parseObject()
        case UInt8(ascii: "["): try parseArray()
        case UInt8(ascii: "\""): try parseString()
        case UInt8(ascii: "t"): try expectLiteral("true", .true)
        case UInt8(ascii: "f"): try expectLiteral("false", .false)
        case UInt8(ascii: "n"): try expectLiteral("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try parseNumber()
        default:
            throw JSONParsingError(.invalidSyntax, at: index, "unexpected \(describeByte(at: index)), expected a value")
        }
    }

    private mutating func enterContainer() throws(JSONParsingError) {
        depth += 1
        guard depth <= maxDepth else {
            throw JSONParsingError(.nestingTooDeep, at: index, "containers nest deeper than \(maxDepth) levels")
        }
    }

    /// Completes the container opened at entry `position`.
    private mutating func close(_ position: Int, count: Int) {
        entries[position].end = UInt32(truncatingIfNeeded: index)
        entries[position].count = UInt32(truncatingIfNeeded: count)
        entries[position].next = UInt32(truncatingIfNeeded: entries.count)
    }

    /// The decoded member name at entry `position`, for error pointers.
    private func keyString(_ position: Int) -> String {
        JSONTape.decodeString(entries[position], in: bytes)
    }

    private mutating func parseObject() throws(JSONParsingError) {
        try enterContainer()
        let position = entries.count
        entries.append(JSONTape.Entry(.object, start: index, end: index))
        index += 1  // {
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            close(position, count: 0)
            return
        }
        var count = 0
        var names = NameFilter()
        while true {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                throw JSONParsingError(.invalidSyntax, at: index, "expected a member name in double quotes, found \(describeByte(at: index))")
            }
            let keyPosition = entries.count
            try parseString()
            names.add(keyPosition, of: position, in: self)
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                throw JSONParsingError(.invalidSyntax, at: index, "expected ':' after a member name, found \(describeByte(at: index))")
                    .prepending(keyString(keyPosition))
            }
            index += 1
            skipWhitespace()
            do {
                try parseValue()
            } catch {
                throw error.prepending(keyString(keyPosition))
            }
            count += 1
            skipWhitespace()
            guard index < bytes.count else {
                throw JSONParsingError(.invalidSyntax, at: index, "unexpected end of input inside an object")
            }
            switch bytes[index] {
            case UInt8(ascii: ","):
                index += 1
                skipWhitespace()
            case UInt8(ascii: "}"):
                index += 1
                depth -= 1
                close(position, count: count)
                if names.needsStringComparison {
                    try refuseDuplicateStrings(inObjectAt: position)
                } else if let duplicate = names.firstDuplicate {
                    throw duplicateError(duplicate, keyString(duplicate))
                }
                return
            default:
                throw JSONParsingError(.invalidSyntax, at: index, "expected ',' or '}' in an object, found \(describeByte(at: index))")
            }
        }
    }

    private func skip(_ position: Int) -> Int {
        let entry = entries[position]
        return entry.isContainer ? Int(entry.next) : position + 1
    }

    fileprivate var base: UnsafeRawPointer? { bytes.baseAddress }

    /// Whether the plain name at entry `key` has the bytes of a name before it in
    /// the object at entry `object` (whose names so far are all plain).
    fileprivate func repeatsEarlierName(_ key: Int, of object: Int) -> Bool {
        guard let base = bytes.baseAddress else { return false }
        let name = entries[key]
        var earlier = object + 1
        while earlier < key {
            let candidate = entries[earlier]
            if candidate.byteCount == name.byteCount, memcmp(base + Int(candidate.start), base + Int(name.start), name.byteCount) == 0 {
                return true
            }
            earlier = skip(earlier + 1)
        }
        return false
    }

    private func refuseDuplicateStrings(inObjectAt position: Int) throws(JSONParsingError) {
        let object = entries[position]
        var seen = Set<String>(minimumCapacity: Int(object.count))
        var key = position + 1
        while key < Int(object.next) {
            let name = keyString(key)
            guard seen.insert(name).inserted else { throw duplicateError(key, name) }
            key = skip(key + 1)
        }
    }

    private func duplicateError(_ key: Int, _ name: String) -> JSONParsingError {
        JSONParsingError(.duplicateKey, at: Int(entries[key].start) - 1, "the member \"\(name)\" appears more than once")
            .prepending(name)
    }

    private mutating func parseArray() throws(JSONParsingError) {
        try enterContainer()
        let position = entries.count
        entries.append(JSONTape.Entry(.array, start: index, end: index))
        index += 1  // [
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            close(position, count: 0)
            return
        }
        var count = 0
        while true {
            do {
                try parseValue()
            } catch {
                throw error.prepending(String(count))
            }
            count += 1
            skipWhitespace()
            guard index < bytes.count else {
                throw JSONParsingError(.invalidSyntax, at: index, "unexpected end of input inside an array")
            }
            switch bytes[index] {
            case UInt8(ascii: ","):
                index += 1
                skipWhitespace()
            case UInt8(ascii: "]"):
                index += 1
                depth -= 1
                close(position, count: count)
                return
            default:
                throw JSONParsingError(.invalidSyntax, at: index, "expected ',' or ']' in an array, found \(describeByte(at: index))")
            }
        }
    }

    // Inlined into its two callers (values and names): a string is most of a
    // Chatlio body's entries, and the call's frame was half the cost of a short one.
    @inline(__always)
    private mutating func parseString() throws(JSONParsingError) {
        let open = index
        index += 1  // opening quote
        let start = index
        guard let base = bytes.baseAddress else {
            throw JSONParsingError(.invalidSyntax, at: open, "unterminated string")
        }
        index = JSONStringEscaping.nextEscapeOrNonASCII(in: base, from: start, count: bytes.count)
        guard index < bytes.count else {
            throw JSONParsingError(.invalidSyntax, at: open, "unterminated string")
        }
        var byte = bytes[index]
        if byte == UInt8(ascii: "\"") {
            // Plain ASCII to the quote, found in one pass.
            entries.append(JSONTape.Entry(.string, start: start, end: index))
            index += 1
            return
        }
        if byte >= 0x80 {
            index = JSONStringEscaping.nextEscape(in: base, from: index, count: bytes.count)
            guard index < bytes.count else {
                throw JSONParsingError(.invalidSyntax, at: open, "unterminated string")
            }
            byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                guard JSONUTF8.isValid(UnsafeRawBufferPointer(rebasing: bytes[start..<index])) else {
                    throw JSONParsingError(.invalidUTF8, at: open, "the string is not valid UTF-8")
                }
                entries.append(JSONTape.Entry(.string, start: start, end: index, flags: JSONTape.Entry.nonASCII))
                index += 1
                return
            }
        }
        if byte < 0x20 {
            throw JSONParsingError(.invalidSyntax, at: index, "unescaped control character 0x\(String(byte, radix: 16)) in a string")
        }
        try parseEscapedString(open: open, start: start, base: base)
    }

    /// The rest of a string from its first `\`. Raw runs are checked for
    /// UTF-8 one by one (an escape always decodes to whole characters, so the
    /// runs are valid exactly when the decoded string is), but a bad one is
    /// reported at the end, as the parser reports it.
    private mutating func parseEscapedString(open: Int, start: Int, base: UnsafeRawPointer) throws(JSONParsingError) {
        var validUTF8 = JSONUTF8.isValid(UnsafeRawBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                guard validUTF8 else {
                    throw JSONParsingError(.invalidUTF8, at: open, "the string is not valid UTF-8")
                }
                entries.append(JSONTape.Entry(.string, start: start, end: index, flags: JSONTape.Entry.escaped))
                index += 1
                return
            case UInt8(ascii: "\\"):
                index += 1
                guard index < bytes.count else { break }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
                    UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    break
                case UInt8(ascii: "u"): try checkUnicodeEscape()
                default:
                    throw JSONParsingError(.invalidSyntax, at: index - 1, "invalid escape \\\(describeByte(at: index - 1))")
                }
            default:
                if byte < 0x20 {
                    throw JSONParsingError(.invalidSyntax, at: index, "unescaped control character 0x\(String(byte, radix: 16)) in a string")
                }
                let runStart = index
                index = JSONStringEscaping.nextEscape(in: base, from: index, count: bytes.count)
                if validUTF8 { validUTF8 = JSONUTF8.isValid(UnsafeRawBufferPointer(rebasing: bytes[runStart..<index])) }
            }
        }
        throw JSONParsingError(.invalidSyntax, at: open, "unterminated string")
    }

    private mutating func checkUnicodeEscape() throws(JSONParsingError) {
        let escapeStart = index - 2
        var scalar = try readHex4()
        if (0xD800...0xDBFF).contains(scalar) {
            guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                throw JSONParsingError(.invalidUTF8, at: escapeStart, "a high surrogate escape is not followed by a low one")
            }
            index += 2
            let low = try readHex4()
            guard (0xDC00...0xDFFF).contains(low) else {
                throw JSONParsingError(.invalidUTF8, at: escapeStart, "a high surrogate escape is followed by 0x\(String(low, radix: 16))")
            }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
        } else if (0xDC00...0xDFFF).contains(scalar) {
            throw JSONParsingError(.invalidUTF8, at: escapeStart, "a lone low surrogate escape")
        }
        guard Unicode.Scalar(scalar) != nil else {
            throw JSONParsingError(.invalidUTF8, at: escapeStart, "not a Unicode scalar")
        }
    }

    private mutating func readHex4() throws(JSONParsingError) -> UInt32 {
        guard index + 4 <= bytes.count else {
            throw JSONParsingError(.invalidSyntax, at: index, "a \\u escape needs four hex digits")
        }
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let digit = JSONStringUnescaping.hexValue(bytes[index]) else {
                throw JSONParsingError(.invalidSyntax, at: index, "a \\u escape needs four hex digits, found \(describeByte(at: index))")
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    private mutating func parseNumber() throws(JSONParsingError) {
        let start = index
        while index < bytes.count, JSONNumber.isLiteralByte(bytes[index]) { index += 1 }
        let literal = UnsafeRawBufferPointer(rebasing: bytes[start..<index])
        guard JSONNumber.isValidLiteral(literal) else {
            throw JSONParsingError(.invalidSyntax, at: start, "\"\(String(decoding: literal, as: UTF8.self))\" is not a valid JSON number")
        }
        entries.append(JSONTape.Entry(.number, start: start, end: index))
    }

    private mutating func expectLiteral(_ literal: StaticString, _ kind: JSONTape.Entry.Kind) throws(JSONParsingError) {
        let count = literal.utf8CodeUnitCount
        guard index + count <= bytes.count, let base = bytes.baseAddress, memcmp(base + index, literal.utf8Start, count) == 0 else {
            throw JSONParsingError(.invalidSyntax, at: index, "unexpected \(describeByte(at: index)), expected a value")
        }
        entries.append(JSONTape.Entry(kind, start: index, end: index + count))
        index += count
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    private func describeByte(at offset: Int) -> String {
        guard offset < bytes.count else { return "end of input" }
        let byte = bytes[offset]
        if byte >= 0x20 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x\(String(byte, radix: 16))"
    }
}

/// Duplicate member names of one object, found as the names are read, as the
/// parser's dictionary finds them: the first name that repeats an earlier one is
/// the one refused, once the object has parsed. Names are compared as bytes only
/// while every name is plain ASCII (where bytes and `String` equality agree); an
/// object with any other name, or with more than ``byteComparisonLimit``,
/// compares decoded `String`s once it is closed.
///
/// Each name sets one bit of a 128-bit filter by its signature; only a name whose
/// bit is already set is compared with the names before it, and most names are new.
struct NameFilter {
    /// Beyond this many names an object compares through a `Set<String>`: with
    /// the filter full, every name would be compared with all before it.
    static let byteComparisonLimit = 64

    private var low: UInt64 = 0
    private var high: UInt64 = 0
    private var count = 0
    private(set) var needsStringComparison = false
    /// The entry of the first name equal to an earlier one.
    private(set) var firstDuplicate: Int?

    /// Takes the name at entry `key` of the object at entry `object`.
    @inline(__always)
    mutating func add(_ key: Int, of object: Int, in builder: borrowing JSONTapeBuilder) {
        guard !needsStringComparison, firstDuplicate == nil else { return }
        count += 1
        let entry = builder.entries[key]
        guard entry.isPlainASCII, count <= Self.byteComparisonLimit, let base = builder.base else {
            needsStringComparison = true
            return
        }
        let signature = Self.signature(of: entry, in: base)
        let bit = signature >> 57  // the best-mixed bits of the products
        let mask: UInt64 = 1 << (bit & 63)
        if (bit < 64 ? low : high) & mask != 0, builder.repeatsEarlierName(key, of: object) {
            firstDuplicate = key
        }
        if bit < 64 { low |= mask } else { high |= mask }
    }

    /// Length and the first and last eight bytes of a name: equal names have
    /// equal signatures, and short names that differ nearly always differ here.
    @inline(__always)
    static func signature(of entry: JSONTape.Entry, in base: UnsafeRawPointer) -> UInt64 {
        let start = Int(entry.start)
        let count = entry.byteCount
        var head: UInt64 = 0
        var tail: UInt64 = 0
        if count >= 8 {
            head = base.loadUnaligned(fromByteOffset: start, as: UInt64.self)
            tail = base.loadUnaligned(fromByteOffset: start + count - 8, as: UInt64.self)
        } else {
            head = ShortByteRuns.shortRunWord(base, at: start, count: count)
        }
        return (head &* 0x9E37_79B9_7F4A_7C15) ^ (tail &* 0xC2B2_AE3D_27D4_EB4F) ^ UInt64(count)
    }
}
