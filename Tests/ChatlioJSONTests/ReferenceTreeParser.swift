@_spi(ChatlioAEPInternal) @testable import ChatlioJSON

/// The tests' oracle for the module's grammar: the recursive-descent parser
/// that built `JSONValue` trees directly before the tape's builder became the
/// one grammar (``JSONValue/parse(_:options:)`` now reads its tree off a tape).
/// It is kept here, and only here, as an independent implementation to check
/// the tape against: every document the same value, every bad input the same
/// error (code, byte offset, reason, pointer).
struct ReferenceTreeParser: ~Copyable {
    /// Parses `bytes` as the module's parser did.
    static func parse(_ bytes: [UInt8], options: JSONParsingOptions) throws(JSONParsingError) -> JSONValue {
        guard bytes.count <= options.maxBytes else {
            throw JSONParsingError(.inputTooLarge, at: options.maxBytes, "the input is \(bytes.count) bytes, above the limit of \(options.maxBytes)")
        }
        let result: Result<JSONValue, JSONParsingError> = bytes.withUnsafeBytes { buffer in
            Result { () throws(JSONParsingError) in
                var parser = ReferenceTreeParser(bytes: buffer, maxDepth: options.maxDepth)
                return try parser.parseDocument()
            }
        }
        return try result.get()
    }

    private let bytes: UnsafeRawBufferPointer
    private var index = 0
    private let maxDepth: Int
    private var depth = 0
    /// The members of the objects being parsed, innermost last: an object's
    /// dictionary is built once its member count is known, at its exact
    /// capacity, instead of growing (and rehashing every key) on the way.
    private var pendingMembers: [PendingMember] = []

    private struct PendingMember {
        var key: String
        var value: JSONValue
        var offset: Int
    }

    init(bytes: UnsafeRawBufferPointer, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    /// Parses a whole document: one value surrounded by optional whitespace.
    mutating func parseDocument() throws(JSONParsingError) -> JSONValue {
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        guard index == bytes.count else {
            throw JSONParsingError(.invalidSyntax, at: index, "unexpected \(describeByte(at: index)) after the top-level value")
        }
        return value
    }

    private mutating func parseValue() throws(JSONParsingError) -> JSONValue {
        guard index < bytes.count else {
            throw JSONParsingError(.invalidSyntax, at: index, "unexpected end of input, expected a value")
        }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
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

    private mutating func parseObject() throws(JSONParsingError) -> JSONValue {
        try enterContainer()
        index += 1  // {
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            return .object(JSONObject())
        }
        let firstMember = pendingMembers.count
        while true {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                throw JSONParsingError(.invalidSyntax, at: index, "expected a member name in double quotes, found \(describeByte(at: index))")
            }
            let keyOffset = index
            let key = try parseString()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                throw JSONParsingError(.invalidSyntax, at: index, "expected ':' after a member name, found \(describeByte(at: index))")
                    .prepending(key)
            }
            index += 1
            skipWhitespace()
            let value: JSONValue
            do {
                value = try parseValue()
            } catch {
                throw error.prepending(key)
            }
            pendingMembers.append(PendingMember(key: key, value: value, offset: keyOffset))
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
                return .object(try takeObject(from: firstMember))
            default:
                throw JSONParsingError(.invalidSyntax, at: index, "expected ',' or '}' in an object, found \(describeByte(at: index))")
            }
        }
    }

    /// The pending members from `first` on, as one dictionary; a name that
    /// appears twice is refused at its second occurrence.
    private mutating func takeObject(from first: Int) throws(JSONParsingError) -> JSONObject {
        var object = JSONObject(minimumCapacity: pendingMembers.count - first)
        for position in first..<pendingMembers.count {
            let member = pendingMembers[position]
            guard object.updateValue(member.value, forKey: member.key) == nil else {
                pendingMembers.removeSubrange(first...)
                throw JSONParsingError(.duplicateKey, at: member.offset, "the member \"\(member.key)\" appears more than once")
                    .prepending(member.key)
            }
        }
        pendingMembers.removeSubrange(first...)
        return object
    }

    private mutating func parseArray() throws(JSONParsingError) -> JSONValue {
        try enterContainer()
        index += 1  // [
        var array: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return .array(array)
        }
        while true {
            do {
                array.append(try parseValue())
            } catch {
                throw error.prepending(String(array.count))
            }
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
                return .array(array)
            default:
                throw JSONParsingError(.invalidSyntax, at: index, "expected ',' or ']' in an array, found \(describeByte(at: index))")
            }
        }
    }

    private mutating func parseString() throws(JSONParsingError) -> String {
        let open = index
        index += 1  // opening quote
        let start = index
        // Fast path: no escapes (most Chatlio strings), found eight bytes at a time.
        guard let base = bytes.baseAddress else {
            throw JSONParsingError(.invalidSyntax, at: open, "unterminated string")
        }
        index = JSONStringEscaping.nextEscape(in: base, from: start, count: bytes.count)
        guard index < bytes.count else {
            throw JSONParsingError(.invalidSyntax, at: open, "unterminated string")
        }
        let byte = bytes[index]
        if byte == UInt8(ascii: "\"") {
            let slice = UnsafeRawBufferPointer(rebasing: bytes[start..<index])
            index += 1
            if JSONStringEscaping.isASCII(slice) { return String(decoding: slice, as: UTF8.self) }
            guard let string = String(validating: slice, as: UTF8.self) else {
                throw JSONParsingError(.invalidUTF8, at: open, "the string is not valid UTF-8")
            }
            return string
        }
        if byte < 0x20 {
            throw JSONParsingError(.invalidSyntax, at: index, "unescaped control character 0x\(String(byte, radix: 16)) in a string")
        }
        return try parseEscapedString(open: open, start: start)
    }

    private mutating func parseEscapedString(open: Int, start: Int) throws(JSONParsingError) -> String {
        var buffer = [UInt8](UnsafeRawBufferPointer(rebasing: bytes[start..<index]))
        buffer.reserveCapacity(buffer.count + 16)
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                guard let string = String(validating: buffer, as: UTF8.self) else {
                    throw JSONParsingError(.invalidUTF8, at: open, "the string is not valid UTF-8")
                }
                return string
            case UInt8(ascii: "\\"):
                index += 1
                guard index < bytes.count else { break }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""): buffer.append(0x22)
                case UInt8(ascii: "\\"): buffer.append(0x5C)
                case UInt8(ascii: "/"): buffer.append(0x2F)
                case UInt8(ascii: "b"): buffer.append(0x08)
                case UInt8(ascii: "f"): buffer.append(0x0C)
                case UInt8(ascii: "n"): buffer.append(0x0A)
                case UInt8(ascii: "r"): buffer.append(0x0D)
                case UInt8(ascii: "t"): buffer.append(0x09)
                case UInt8(ascii: "u"): try appendUnicodeEscape(to: &buffer)
                default:
                    throw JSONParsingError(.invalidSyntax, at: index - 1, "invalid escape \\\(describeByte(at: index - 1))")
                }
            default:
                if byte < 0x20 {
                    throw JSONParsingError(.invalidSyntax, at: index, "unescaped control character 0x\(String(byte, radix: 16)) in a string")
                }
                buffer.append(byte)
                index += 1
            }
        }
        throw JSONParsingError(.invalidSyntax, at: open, "unterminated string")
    }

    private mutating func appendUnicodeEscape(to buffer: inout [UInt8]) throws(JSONParsingError) {
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
        guard let unicodeScalar = Unicode.Scalar(scalar) else {
            throw JSONParsingError(.invalidUTF8, at: escapeStart, "not a Unicode scalar")
        }
        if let encoded = UTF8.encode(unicodeScalar) { buffer.append(contentsOf: encoded) }
    }

    private mutating func readHex4() throws(JSONParsingError) -> UInt32 {
        guard index + 4 <= bytes.count else {
            throw JSONParsingError(.invalidSyntax, at: index, "a \\u escape needs four hex digits")
        }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default:
                throw JSONParsingError(.invalidSyntax, at: index, "a \\u escape needs four hex digits, found \(describeByte(at: index))")
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    private mutating func parseNumber() throws(JSONParsingError) -> JSONNumber {
        let start = index
        while index < bytes.count, Self.isNumberByte(bytes[index]) { index += 1 }
        let literal = UnsafeRawBufferPointer(rebasing: bytes[start..<index])
        guard JSONNumber.isValidLiteral(literal) else {
            throw JSONParsingError(.invalidSyntax, at: start, "\"\(String(decoding: literal, as: UTF8.self))\" is not a valid JSON number")
        }
        return JSONNumber(uncheckedText: String(decoding: literal, as: UTF8.self))
    }

    private static func isNumberByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"),
            UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"):
            true
        default:
            false
        }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONParsingError) {
        let count = literal.utf8CodeUnitCount
        guard index + count <= bytes.count,
            memcmpEqual(literal.utf8Start, bytes.baseAddress.map { $0 + index }, count)
        else {
            throw JSONParsingError(.invalidSyntax, at: index, "unexpected \(describeByte(at: index)), expected a value")
        }
        index += count
    }

    private func memcmpEqual(_ expected: UnsafePointer<UInt8>, _ actual: UnsafeRawPointer?, _ count: Int) -> Bool {
        guard let actual else { return false }
        for offset in 0..<count where expected[offset] != actual.load(fromByteOffset: offset, as: UInt8.self) {
            return false
        }
        return true
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
