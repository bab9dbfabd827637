import Foundation

/// Where JSON text goes while it is written: the writer's growing array, the
/// fixed chunk of ``JSONValue/streamCanonicalBytes(of:_:)``, or the mapper's
/// event buffer. Noncopyable sinks may own their memory.
@_spi(ChatlioAEPInternal) public protocol JSONByteSink: ~Copyable {
    mutating func append(_ byte: UInt8)
    mutating func append(_ run: UnsafeRawBufferPointer)
}

/// String escaping shared by every writer in the module, and the parser's
/// scan for the end of a string (the same three bytes stop both).
///
/// Almost every string the products read or write needs no escape at all, so
/// the scan looks at eight bytes per step and copies each run between escapes
/// in one go.
///
/// Not API: an SPI for this package's modules (see ``ShortByteRuns``), so that the
/// inlinable scans and writers are inlined and specialised where they are used.
@_spi(ChatlioAEPInternal) public enum JSONStringEscaping {
    /// The offset of the first byte at or after `start` that RFC 8259 makes a
    /// string escape (a control character, `"` or `\`), or `count`.
    @inlinable @inline(__always)
    public static func nextEscape(in base: UnsafeRawPointer, from start: Int, count: Int) -> Int {
        var offset = start
        while offset + 8 <= count {
            let flags = escapeFlags(UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
            if flags != 0 { return offset + flags.trailingZeroBitCount >> 3 }
            offset += 8
        }
        if offset < count, offset > start {
            // The last bytes as one word that ends at `count`, overlapping bytes already
            // looked at, which the mask drops: no byte loop for the tail of most strings.
            let wordStart = count - 8
            let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: wordStart, as: UInt64.self))
            // The dropped bytes were looked at by the loop above and hold no escape, so they
            // start no borrow: the lowest flag left is exact. (Bytes before `start` may hold
            // anything, hence `offset > start`.)
            let flags = escapeFlags(word) & (~0 << UInt64((offset - wordStart) * 8))
            return flags != 0 ? wordStart + flags.trailingZeroBitCount >> 3 : count
        }
        while offset < count {
            let byte = base.load(fromByteOffset: offset, as: UInt8.self)
            if byte < 0x20 || byte == 0x22 || byte == 0x5C { return offset }
            offset += 1
        }
        return count
    }

    /// ``nextEscape(in:from:count:)`` that also stops at the first byte above
    /// 0x7F: the parser's one pass over a string that is plain ASCII to its
    /// closing quote, as nearly all are.
    @inlinable @inline(__always)
    public static func nextEscapeOrNonASCII(in base: UnsafeRawPointer, from start: Int, count: Int) -> Int {
        let highBits: UInt64 = 0x8080_8080_8080_8080
        var offset = start
        while offset + 8 <= count {
            let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            // The high-bit test is exact byte by byte, so the lowest flag stays exact.
            let flags = escapeFlags(word) | (word & highBits)
            if flags != 0 { return offset + flags.trailingZeroBitCount >> 3 }
            offset += 8
        }
        if offset < count, offset > start {
            let wordStart = count - 8
            let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: wordStart, as: UInt64.self))
            let flags = (escapeFlags(word) | (word & highBits)) & (~0 << UInt64((offset - wordStart) * 8))
            return flags != 0 ? wordStart + flags.trailingZeroBitCount >> 3 : count
        }
        while offset < count {
            let byte = base.load(fromByteOffset: offset, as: UInt8.self)
            if byte < 0x20 || byte == 0x22 || byte == 0x5C || byte >= 0x80 { return offset }
            offset += 1
        }
        return count
    }

    /// The high bit of each byte of `word` (little-endian) that may be an escape: the classic
    /// "has a byte below n" and "has a zero byte" tests. A borrow can flag a byte above a real
    /// hit but never one below it, so the lowest flag is exact.
    @usableFromInline @inline(__always)
    static func escapeFlags(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highBits: UInt64 = 0x8080_8080_8080_8080
        let control = (word &- ones &* 0x20) & ~word & highBits
        let quoteBytes = word ^ (ones &* 0x22)
        let quote = (quoteBytes &- ones) & ~quoteBytes & highBits
        let backslashBytes = word ^ (ones &* 0x5C)
        let backslash = (backslashBytes &- ones) & ~backslashBytes & highBits
        return control | quote | backslash
    }

    /// Whether every byte is below 0x80, eight at a time.
    @inlinable @inline(__always)
    public static func isASCII(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let count = bytes.count
        var offset = 0
        var highBits: UInt64 = 0
        while offset + 8 <= count {
            highBits |= base.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            offset += 8
        }
        while offset < count {
            highBits |= UInt64(base.load(fromByteOffset: offset, as: UInt8.self))
            offset += 1
        }
        return highBits & 0x8080_8080_8080_8080 == 0
    }

    /// Appends `utf8` as a JSON string literal, quotes included.
    @inlinable @inline(__always)
    public static func write<Sink: JSONByteSink & ~Copyable>(_ utf8: UnsafeRawBufferPointer, to sink: inout Sink) {
        sink.append(UInt8(ascii: "\""))
        writeEscaping(utf8, to: &sink)
        sink.append(UInt8(ascii: "\""))
    }

    /// Appends checked JSON string text, the bytes between the quotes with
    /// their escapes, as ``write(_:to:)-(UnsafeRawBufferPointer,_)`` writes
    /// the text they decode to: each decoded run is escaped as it comes, so
    /// no decoded copy is made. Escaping looks at one byte at a time, so
    /// escaping the runs one by one gives the bytes escaping their whole would.
    ///
    /// Text whose every escape is one this writer would write itself (what
    /// `JSON.stringify` writes: `\"`, `\\`, the short control escapes and
    /// `\u00xx` for the other control characters) is its own output and is
    /// copied as it is.
    @inlinable
    public static func write<Sink: JSONByteSink & ~Copyable>(escaped raw: UnsafeRawBufferPointer, to sink: inout Sink) {
        sink.append(UInt8(ascii: "\""))
        if isWrittenForm(raw) {
            sink.append(raw)
        } else {
            JSONStringUnescaping.unescape(raw) { run in writeEscaping(run, to: &sink) }
        }
        sink.append(UInt8(ascii: "\""))
    }

    /// Whether checked string text is exactly what ``write(_:to:)-(UnsafeRawBufferPointer,_)``
    /// writes for the text it decodes to: every escape is `\"`, `\\`, `\b`,
    /// `\f`, `\n`, `\r`, `\t`, or `\u00` and two lower-case hex digits of a
    /// control character that has no short form. (The grammar has checked the
    /// text, so no raw byte needs an escape.)
    @usableFromInline
    package static func isWrittenForm(_ raw: UnsafeRawBufferPointer) -> Bool {
        guard let base = raw.baseAddress else { return true }
        let count = raw.count
        var index = 0
        while index < count {
            // libc's vectorised search: a message's runs between escapes are long, and a
            // byte loop here cost more than the rest of writing the transcript's text.
            guard let backslash = memchr(base + index, Int32(UInt8(ascii: "\\")), count - index) else { return true }
            index = UnsafeRawPointer(backslash) - base
            guard index + 1 < count else { return false }
            switch base.load(fromByteOffset: index + 1, as: UInt8.self) {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "b"), UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                index += 2
            case UInt8(ascii: "u"):
                guard index + 5 < count,
                    base.load(fromByteOffset: index + 2, as: UInt8.self) == UInt8(ascii: "0"),
                    base.load(fromByteOffset: index + 3, as: UInt8.self) == UInt8(ascii: "0")
                else { return false }
                let high = base.load(fromByteOffset: index + 4, as: UInt8.self)
                let low = base.load(fromByteOffset: index + 5, as: UInt8.self)
                guard high == UInt8(ascii: "0") || high == UInt8(ascii: "1"), let digit = lowerHexValue(low) else { return false }
                let scalar = (high &- UInt8(ascii: "0")) << 4 | digit
                // These have short forms, which the writer uses.
                guard scalar != 0x08, scalar != 0x09, scalar != 0x0A, scalar != 0x0C, scalar != 0x0D else { return false }
                index += 6
            default:
                return false
            }
        }
        return true
    }

    /// The value of a digit the writer writes (`0`–`9`, `a`–`f`), or `nil`.
    @usableFromInline
    static func lowerHexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte &- UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte &- UInt8(ascii: "a") &+ 10
        default: nil
        }
    }

    /// Appends `utf8` escaped, without quotes.
    @inlinable @inline(__always)
    public static func writeEscaping<Sink: JSONByteSink & ~Copyable>(_ utf8: UnsafeRawBufferPointer, to sink: inout Sink) {
        guard let base = utf8.baseAddress else { return }
        let count = utf8.count
        var runStart = 0
        while true {
            let escape = nextEscape(in: base, from: runStart, count: count)
            if escape > runStart { sink.append(UnsafeRawBufferPointer(start: base + runStart, count: escape - runStart)) }
            guard escape < count else { break }
            appendEscape(of: base.load(fromByteOffset: escape, as: UInt8.self), to: &sink)
            runStart = escape + 1
        }
    }

    /// Appends a string's UTF-8 as a JSON string literal.
    @inlinable @inline(__always)
    public static func write<Sink: JSONByteSink & ~Copyable>(_ string: String, to sink: inout Sink) {
        var string = string
        string.withUTF8 { write(UnsafeRawBufferPointer($0), to: &sink) }
    }

    // Out of line: escapes are rare, and the run copy is what should stay inlined.
    @usableFromInline @inline(never)
    static func appendEscape<Sink: JSONByteSink & ~Copyable>(of byte: UInt8, to sink: inout Sink) {
        sink.append(0x5C)
        switch byte {
        case UInt8(ascii: "\""): sink.append(0x22)
        case UInt8(ascii: "\\"): sink.append(0x5C)
        case 0x0A: sink.append(UInt8(ascii: "n"))
        case 0x0D: sink.append(UInt8(ascii: "r"))
        case 0x09: sink.append(UInt8(ascii: "t"))
        case 0x08: sink.append(UInt8(ascii: "b"))
        case 0x0C: sink.append(UInt8(ascii: "f"))
        default:
            sink.append(UInt8(ascii: "u"))
            sink.append(UInt8(ascii: "0"))
            sink.append(UInt8(ascii: "0"))
            sink.append(hexDigit(byte >> 4))
            sink.append(hexDigit(byte & 0xF))
        }
    }

    static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }
}

/// A caller's byte array as a sink, for writers outside the module.
private struct ByteArraySink: JSONByteSink {
    var bytes: [UInt8]

    @inline(__always)
    mutating func append(_ byte: UInt8) { bytes.append(byte) }

    @inline(__always)
    mutating func append(_ run: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: run.baseAddress?.assumingMemoryBound(to: UInt8.self), count: run.count))
    }
}

extension JSONWriter {
    /// Appends `string` to `bytes` as a JSON string literal, quotes included, escaped as
    /// every writer of the package escapes (the mapper's XDM writer shares it).
    ///
    /// ```swift
    /// var bytes: [UInt8] = []
    /// JSONWriter.appendQuoted("a\"b", to: &bytes)   // "a\"b" with the quote escaped
    /// ```
    package static func appendQuoted(_ string: String, to bytes: inout [UInt8]) {
        var sink = ByteArraySink(bytes: [])
        swap(&sink.bytes, &bytes)
        JSONStringEscaping.write(string, to: &sink)
        swap(&sink.bytes, &bytes)
    }
}
