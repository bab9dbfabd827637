/// Decoding the escapes of string text a grammar has already checked: shared
/// by the tape, its canonical writer and the emulator's envelope scanner.
@usableFromInline package enum JSONStringUnescaping {
    /// The decoded text of checked string bytes (the part between the quotes).
    package static func string(unescaping raw: UnsafeRawBufferPointer) -> String {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(raw.count)
        unescape(raw) { buffer.append(contentsOf: $0) }
        return String(decoding: buffer, as: UTF8.self)
    }

    /// Hands the decoded bytes of checked string text to `append`, in runs.
    @usableFromInline
    package static func unescape(_ raw: UnsafeRawBufferPointer, _ append: (UnsafeRawBufferPointer) -> Void) {
        guard let base = raw.baseAddress else { return }
        let count = raw.count
        var index = 0
        var runStart = 0
        func byte(_ offset: Int) -> UInt8 { offset < count ? base.load(fromByteOffset: offset, as: UInt8.self) : 0 }
        func hex4(_ offset: Int) -> UInt32 {
            var value: UInt32 = 0
            for digit in 0..<4 { value = value << 4 | UInt32(hexValue(byte(offset + digit)) ?? 0) }
            return value
        }
        while index < count {
            guard byte(index) == UInt8(ascii: "\\") else {
                index += 1
                continue
            }
            if index > runStart { append(UnsafeRawBufferPointer(start: base + runStart, count: index - runStart)) }
            let escape = byte(index + 1)
            index += 2
            var single: UInt8?
            switch escape {
            case UInt8(ascii: "b"): single = 0x08
            case UInt8(ascii: "f"): single = 0x0C
            case UInt8(ascii: "n"): single = 0x0A
            case UInt8(ascii: "r"): single = 0x0D
            case UInt8(ascii: "t"): single = 0x09
            case UInt8(ascii: "u"):
                var scalar = hex4(index)
                index += 4
                if (0xD800...0xDBFF).contains(scalar), byte(index) == UInt8(ascii: "\\"), byte(index + 1) == UInt8(ascii: "u") {
                    let low = hex4(index + 2)
                    index += 6
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) &+ (low &- 0xDC00)
                }
                appendUTF8(of: scalar, append)
            default: single = escape  // \" \\ \/
            }
            if let single { withUnsafeBytes(of: single) { append($0) } }
            runStart = index
        }
        if count > runStart { append(UnsafeRawBufferPointer(start: base + runStart, count: count - runStart)) }
    }

    /// Writes a scalar's UTF-8 form (the builder has refused surrogates and values above 0x10FFFF).
    private static func appendUTF8(of scalar: UInt32, _ append: (UnsafeRawBufferPointer) -> Void) {
        var encoded: (UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0)
        let count: Int
        switch scalar {
        case 0..<0x80:
            encoded.0 = UInt8(scalar)
            count = 1
        case 0x80..<0x800:
            encoded = (UInt8(0xC0 | scalar >> 6), UInt8(0x80 | scalar & 0x3F), 0, 0)
            count = 2
        case 0x800..<0x10000:
            encoded = (UInt8(0xE0 | scalar >> 12), UInt8(0x80 | scalar >> 6 & 0x3F), UInt8(0x80 | scalar & 0x3F), 0)
            count = 3
        default:
            encoded = (UInt8(0xF0 | scalar >> 18 & 0x07), UInt8(0x80 | scalar >> 12 & 0x3F), UInt8(0x80 | scalar >> 6 & 0x3F), UInt8(0x80 | scalar & 0x3F))
            count = 4
        }
        withUnsafeBytes(of: encoded) { append(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
    }

    package static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
