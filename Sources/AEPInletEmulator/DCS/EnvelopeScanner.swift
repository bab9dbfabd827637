import ChatlioJSON

/// Reads XDM envelopes straight from a request body, without building
/// `JSONValue` trees: one pass that checks the whole body is JSON exactly as
/// ChatlioJSON's parser would accept it (RFC 8259, UTF-8, nesting, no
/// duplicate member names), splits a batch's `messages` into per-message byte
/// ranges, and picks out the members ``EnvelopeCheck`` looks at
/// (``EnvelopeFields``) and where `body.xdmEntity` lies.
///
/// It answers only when it is sure: anything the parser would refuse, and a
/// body that is not an object with a non-empty `messages` array (batch) or
/// not a single value (single), gives `nil`, and the handler falls back to the
/// tree path, whose answers are the refusals the tests pin down.
struct EnvelopeScanner: ~Copyable {
    /// One message of the body.
    struct Message: Sendable, Hashable {
        /// Where the message lies in the body.
        var range: Range<Int>
        var fields: EnvelopeFields
        /// Where `body.xdmEntity` lies in the body, when it is an object.
        var entityRange: Range<Int>?
    }

    /// The parser's nesting bound for request bodies (``DCSRequestHandler``).
    static let maxDepth = 128

    /// The messages of a batch body (`{"messages":[…]}`), or `nil` when the body
    /// needs the tree path: not JSON, not an object, no `messages` array, an empty one.
    static func scanBatch(_ body: UnsafeRawBufferPointer) -> [Message]? {
        var scanner = EnvelopeScanner(body)
        do {
            let messages = try scanner.batchDocument()
            return messages.isEmpty ? nil : messages
        } catch {
            return nil
        }
    }

    /// The single message a body holds, or `nil` when it is not JSON.
    static func scanSingle(_ body: UnsafeRawBufferPointer) -> Message? {
        var scanner = EnvelopeScanner(body)
        do {
            scanner.skipWhitespace()
            let message = try scanner.message(depth: 0)
            scanner.skipWhitespace()
            guard scanner.index == scanner.bytes.count else { return nil }
            return message
        } catch {
            return nil
        }
    }

    /// Why scanning stopped; the tree path says what exactly is wrong.
    struct Stop: Error {}

    /// A string token: the bytes between the quotes, and whether they need decoding.
    struct Token {
        var start: Int
        var end: Int
        var hasEscapes: Bool
        var isASCII: Bool
        /// Length and up to eight first and last bytes, for a quick duplicate test (set by `remember`).
        var fingerprint: UInt64 = 0
        var isPlain: Bool { !hasEscapes && isASCII }
    }

    private let bytes: UnsafeRawBufferPointer
    private var index = 0
    /// The envelope strings decoded so far (schema ids, dataset ids, content types), by their
    /// bytes: the messages of a batch mostly carry the same ones, and reusing the `String`
    /// saves an allocation for each one longer than a small string.
    private var recentStrings: [(token: Token, text: String)] = []
    /// Member names of the objects being scanned, innermost last, for the duplicate check:
    /// the first `nameCount` entries (the storage is reused, never shrunk).
    private var names: [Token] = []
    private var nameCount = 0

    private init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
        names.reserveCapacity(64)
    }

    // MARK: - Documents

    private mutating func batchDocument() throws(Stop) -> [Message] {
        skipWhitespace()
        guard peek() == UInt8(ascii: "{") else { throw Stop() }
        var messages: [Message]?
        try object(depth: 1) { (scanner: inout EnvelopeScanner, name: Token, depth: Int) throws(Stop) -> Bool in
            guard scanner.name(name, is: "messages"), scanner.peek() == UInt8(ascii: "[") else { return false }
            messages = try scanner.messageArray(depth: depth + 1)
            return true
        }
        skipWhitespace()
        guard index == bytes.count, let messages else { throw Stop() }
        return messages
    }

    private mutating func messageArray(depth: Int) throws(Stop) -> [Message] {
        guard depth <= Self.maxDepth else { throw Stop() }
        index += 1  // [
        var messages: [Message] = []
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            index += 1
            return messages
        }
        while true {
            messages.append(try message(depth: depth))
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","):
                index += 1
                skipWhitespace()
            case UInt8(ascii: "]"):
                index += 1
                return messages
            default:
                throw Stop()
            }
        }
    }

    // MARK: - Envelope

    /// One message at `index`; `depth` counts the containers around it.
    private mutating func message(depth: Int) throws(Stop) -> Message {
        let start = index
        var fields = EnvelopeFields()
        var entityRange: Range<Int>?
        guard peek() == UInt8(ascii: "{") else {
            try value(depth: depth)
            return Message(range: start..<index, fields: fields, entityRange: nil)
        }
        fields.isObject = true
        try object(depth: depth + 1) { (scanner: inout EnvelopeScanner, name: Token, depth: Int) throws(Stop) -> Bool in
            if scanner.name(name, is: "header") {
                fields.header = try scanner.member(depth: depth) { (scanner: inout EnvelopeScanner, name: Token, depth: Int) throws(Stop) -> Bool in
                    if scanner.name(name, is: "schemaRef") {
                        // Reset: a later duplicate would be refused anyway, but the values must come from this member.
                        _ = try scanner.member(depth: depth) { (scanner: inout EnvelopeScanner, name: Token, depth: Int) throws(Stop) -> Bool in
                            if scanner.name(name, is: "id") {
                                fields.schemaRefID = try scanner.member(depth: depth)
                                return true
                            }
                            if scanner.name(name, is: "contentType") {
                                fields.contentType = try scanner.member(depth: depth)
                                return true
                            }
                            return false
                        }
                        return true
                    }
                    if scanner.name(name, is: "imsOrgId") {
                        fields.imsOrgID = try scanner.member(depth: depth)
                        return true
                    }
                    if scanner.name(name, is: "datasetId") {
                        fields.datasetID = try scanner.member(depth: depth)
                        return true
                    }
                    if scanner.name(name, is: "flowId") {
                        fields.flowID = try scanner.member(depth: depth)
                        return true
                    }
                    if scanner.name(name, is: "source") {
                        _ = try scanner.member(depth: depth) { (scanner: inout EnvelopeScanner, name: Token, depth: Int) throws(Stop) -> Bool in
                            guard scanner.name(name, is: "name") else { return false }
                            fields.sourceName = try scanner.member(depth: depth)
                            return true
                        }
                        return true
                    }
                    return false
                }
                return true
            }
            if scanner.name(name, is: "body") {
                fields.body = try scanner.member(depth: depth) { (scanner: inout EnvelopeScanner, name: Token, depth: Int) throws(Stop) -> Bool in
                    if scanner.name(name, is: "xdmMeta") {
                        _ = try scanner.member(depth: depth) { (scanner: inout EnvelopeScanner, name: Token, depth: Int) throws(Stop) -> Bool in
                            guard scanner.name(name, is: "schemaRef") else { return false }
                            _ = try scanner.member(depth: depth) { (scanner: inout EnvelopeScanner, name: Token, depth: Int) throws(Stop) -> Bool in
                                guard scanner.name(name, is: "id") else { return false }
                                fields.metaSchemaRefID = try scanner.member(depth: depth)
                                return true
                            }
                            return true
                        }
                        return true
                    }
                    if scanner.name(name, is: "xdmEntity") {
                        let entityStart = scanner.index
                        fields.xdmEntity = try scanner.member(depth: depth) { (scanner: inout EnvelopeScanner, name: Token, depth: Int) throws(Stop) -> Bool in
                            guard scanner.name(name, is: "_id") else { return false }
                            fields.entityID = try scanner.member(depth: depth)
                            return true
                        }
                        entityRange = fields.xdmEntity == .object ? entityStart..<scanner.index : nil
                        return true
                    }
                    return false
                }
                return true
            }
            return false
        }
        return Message(range: start..<index, fields: fields, entityRange: entityRange)
    }

    /// The value at `index`, inside `depth` containers, classified; an object's
    /// members go to `members` (which returns whether it consumed the value).
    /// The closure is not optional: an optional one escapes, which boxes what it captures
    /// and checks exclusivity at run time on every member.
    private mutating func member(
        depth: Int, members: (inout EnvelopeScanner, Token, Int) throws(Stop) -> Bool
    ) throws(Stop) -> EnvelopeFields.Member {
        if peek() == UInt8(ascii: "{") {
            try object(depth: depth + 1, members: members)
            return .object
        }
        return try member(depth: depth)
    }

    /// The value at `index`, inside `depth` containers, classified.
    private mutating func member(depth: Int) throws(Stop) -> EnvelopeFields.Member {
        switch peek() {
        case UInt8(ascii: "\""):
            let token = try string()
            return .string(interned(token))
        case UInt8(ascii: "{"):
            try value(depth: depth)
            return .object
        default:
            try value(depth: depth)
            return .other
        }
    }

    // MARK: - JSON grammar

    /// Checks and skips the value at `index`, inside `depth` containers.
    private mutating func value(depth: Int) throws(Stop) {
        guard let byte = peek() else { throw Stop() }
        switch byte {
        case UInt8(ascii: "{"):
            try object(depth: depth + 1) { _, _, _ throws(Stop) in false }
        case UInt8(ascii: "["):
            try array(depth: depth + 1)
        case UInt8(ascii: "\""):
            _ = try string()
        case UInt8(ascii: "t"):
            try literal("true")
        case UInt8(ascii: "f"):
            try literal("false")
        case UInt8(ascii: "n"):
            try literal("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            try number()
        default:
            throw Stop()
        }
    }

    /// The object at `index`, which is `depth` deep counting itself. Each member
    /// name goes to `members` with `index` on its value; when it returns `false`
    /// the value is skipped here.
    private mutating func object(
        depth: Int, members: (inout EnvelopeScanner, Token, Int) throws(Stop) -> Bool
    ) throws(Stop) {
        guard depth <= Self.maxDepth else { throw Stop() }
        index += 1  // {
        let firstName = nameCount
        defer { nameCount = firstName }
        var allPlain = true
        var decodedNames: Set<String>?
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            index += 1
            return
        }
        while true {
            guard peek() == UInt8(ascii: "\"") else { throw Stop() }
            let name = try string()
            try remember(name, firstName: firstName, allPlain: &allPlain, decodedNames: &decodedNames)
            skipWhitespace()
            guard peek() == UInt8(ascii: ":") else { throw Stop() }
            index += 1
            skipWhitespace()
            if try !members(&self, name, depth) {
                try value(depth: depth)
            }
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","):
                index += 1
                skipWhitespace()
            case UInt8(ascii: "}"):
                index += 1
                return
            default:
                throw Stop()
            }
        }
    }

    /// Refuses a member name seen before in the same object, as the parser does
    /// (it compares decoded `String`s, so canonically equivalent names are duplicates):
    /// plain ASCII names are compared as bytes while there are few; otherwise by decoded value.
    private mutating func remember(_ name: Token, firstName: Int, allPlain: inout Bool, decodedNames: inout Set<String>?) throws(Stop) {
        var name = name
        if decodedNames == nil, allPlain, name.isPlain, nameCount - firstName < 16 {
            name.fingerprint = fingerprint(name)
            let length = name.end - name.start
            let count = nameCount
            let duplicate = names.withUnsafeBufferPointer { earlier in
                var position = firstName
                while position < count {
                    let other = earlier[position]
                    if other.fingerprint == name.fingerprint, other.end - other.start == length, memcmp(other.start, name.start, length) {
                        return true
                    }
                    position += 1
                }
                return false
            }
            if duplicate { throw Stop() }
            push(name)
            return
        }
        allPlain = false
        if decodedNames == nil {
            var set = Set<String>()
            for position in firstName..<nameCount { set.insert(decode(names[position])) }
            decodedNames = set
        }
        guard decodedNames?.insert(decode(name)).inserted == true else { throw Stop() }
        push(name)
    }

    private mutating func push(_ name: Token) {
        if nameCount < names.count {
            names[nameCount] = name
        } else {
            names.append(name)
        }
        nameCount += 1
    }

    private mutating func array(depth: Int) throws(Stop) {
        guard depth <= Self.maxDepth else { throw Stop() }
        index += 1  // [
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            index += 1
            return
        }
        while true {
            try value(depth: depth)
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","):
                index += 1
                skipWhitespace()
            case UInt8(ascii: "]"):
                index += 1
                return
            default:
                throw Stop()
            }
        }
    }

    /// Checks the string at `index` (escapes, surrogate pairs, UTF-8, no raw control characters).
    /// Plain ASCII runs, most of an XDM event, go eight bytes at a time.
    private mutating func string() throws(Stop) -> Token {
        index += 1  // "
        var token = Token(start: index, end: index, hasEscapes: false, isASCII: true)
        guard let base = bytes.baseAddress else { throw Stop() }
        let count = bytes.count
        while true {
            // Jump straight to the first byte that is not plain ASCII text: in the mask, the lowest
            // set bit marks it exactly (the zero-byte test's false positives lie only above a true hit).
            while index + 8 <= count {
                let mask = Self.specialBytes(UInt64(littleEndian: base.loadUnaligned(fromByteOffset: index, as: UInt64.self)))
                if mask == 0 {
                    index += 8
                } else {
                    index += mask.trailingZeroBitCount >> 3
                    break
                }
            }
            guard index < count else { throw Stop() }
            let byte = base.load(fromByteOffset: index, as: UInt8.self)
            if byte == UInt8(ascii: "\"") {
                token.end = index
                index += 1
                return token
            }
            if byte == UInt8(ascii: "\\") {
                token.hasEscapes = true
                try escape()
            } else if byte < 0x20 {
                throw Stop()
            } else if byte >= 0x80 {
                token.isASCII = false
                try utf8Sequence()
            } else {
                index += 1
            }
        }
    }

    /// The high bit of each of eight bytes (little-endian) that may be a quote, a backslash,
    /// a control character or not ASCII: the classic SWAR zero-byte tests.
    @inline(__always)
    private static func specialBytes(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let high: UInt64 = 0x8080_8080_8080_8080
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        let special = ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | ((word &- ones &* 0x20) & ~word) | word
        return special & high
    }

    private mutating func escape() throws(Stop) {
        index += 1  // backslash
        guard index < bytes.count else { throw Stop() }
        let escape = bytes[index]
        index += 1
        switch escape {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
            UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            return
        case UInt8(ascii: "u"):
            let scalar = try hex4()
            if (0xD800...0xDBFF).contains(scalar) {
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else { throw Stop() }
                index += 2
                guard (0xDC00...0xDFFF).contains(try hex4()) else { throw Stop() }
            } else if (0xDC00...0xDFFF).contains(scalar) {
                throw Stop()
            }
        default:
            throw Stop()
        }
    }

    private mutating func hex4() throws(Stop) -> UInt32 {
        guard index + 4 <= bytes.count else { throw Stop() }
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let digit = JSONStringUnescaping.hexValue(bytes[index]) else { throw Stop() }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    /// One well-formed UTF-8 sequence (Unicode Table 3-7) starting at `index`.
    private mutating func utf8Sequence() throws(Stop) {
        guard let base = bytes.baseAddress, let length = JSONUTF8.sequenceLength(base, at: index, count: bytes.count) else { throw Stop() }
        index += length
    }

    /// A number: the same run of number bytes the parser takes, checked against the JSON grammar.
    private mutating func number() throws(Stop) {
        let start = index
        while index < bytes.count, JSONNumber.isLiteralByte(bytes[index]) { index += 1 }
        guard JSONNumber.isValidLiteral(UnsafeRawBufferPointer(rebasing: bytes[start..<index])) else { throw Stop() }
    }

    private mutating func literal(_ text: StaticString) throws(Stop) {
        let count = text.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw Stop() }
        let expected = text.utf8Start
        for offset in 0..<count where bytes[index + offset] != expected[offset] { throw Stop() }
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

    private func peek() -> UInt8? {
        index < bytes.count ? bytes[index] : nil
    }

    // MARK: - Names and values

    /// Whether a member name is `expected` (an ASCII literal), compared as the
    /// parser's `String` keys compare: bytes for a plain name, decoded otherwise.
    private func name(_ token: Token, is expected: StaticString) -> Bool {
        if token.isPlain {
            let length = expected.utf8CodeUnitCount
            guard token.end - token.start == length else { return false }
            let pointer = expected.utf8Start
            for offset in 0..<length where bytes[token.start + offset] != pointer[offset] { return false }
            return true
        }
        return decode(token) == expected.description
    }

    /// Length, first and last byte mixed: names of one object rarely share all three.
    private func fingerprint(_ token: Token) -> UInt64 {
        let length = token.end - token.start
        guard length > 0 else { return 0 }
        let first = UInt64(bytes.load(fromByteOffset: token.start, as: UInt8.self))
        let last = UInt64(bytes.load(fromByteOffset: token.end - 1, as: UInt8.self))
        let middle = UInt64(bytes.load(fromByteOffset: token.start + length / 2, as: UInt8.self))
        return UInt64(length) << 24 | first << 16 | middle << 8 | last
    }

    /// Whether the `length` bytes at `first` and at `second` are equal, eight at a time.
    private func memcmp(_ first: Int, _ second: Int, _ length: Int) -> Bool {
        var offset = 0
        while offset + 8 <= length {
            if bytes.loadUnaligned(fromByteOffset: first + offset, as: UInt64.self)
                != bytes.loadUnaligned(fromByteOffset: second + offset, as: UInt64.self)
            {
                return false
            }
            offset += 8
        }
        while offset < length {
            if bytes[first + offset] != bytes[second + offset] { return false }
            offset += 1
        }
        return true
    }

    /// The text of a checked string token, shared with an earlier token of the same bytes.
    private mutating func interned(_ token: Token) -> String {
        let length = token.end - token.start
        // Up to 15 UTF-8 bytes a String is stored inline: nothing to save.
        guard token.isPlain, length > 15 else { return decode(token) }
        var position = recentStrings.count - 1
        while position >= 0 {
            let start = recentStrings[position].token.start
            if recentStrings[position].token.end - start == length, memcmp(start, token.start, length) {
                return recentStrings[position].text
            }
            position -= 1
        }
        let text = decode(token)
        if recentStrings.count == 8 { recentStrings.removeFirst() }
        recentStrings.append((token, text))
        return text
    }

    /// The text of a checked string token.
    func decode(_ token: Token) -> String {
        let raw = UnsafeRawBufferPointer(rebasing: bytes[token.start..<token.end])
        guard token.hasEscapes else { return String(decoding: raw, as: UTF8.self) }
        return JSONStringUnescaping.string(unescaping: raw)
    }
}
