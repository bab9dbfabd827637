extension JSONTape {
    /// The value at `index` as a tree: exactly what ``JSONValue/init(parsing:options:)-(Data,_)``
    /// gives for the same text (numbers as written, strings decoded).
    ///
    /// ```swift
    /// let tape = try JSONTape(parsing: Data(#"{"n":1.50}"#.utf8))
    /// tape.value(at: 0)["n"]?.numberValue?.text   // "1.50"
    /// ```
    package func value(at index: Int) -> JSONValue {
        bytes.withUnsafeBytes { buffer in
            entries.withUnsafeBufferPointer { entries in
                Self.value(at: index, entries: entries, bytes: buffer).value
            }
        }
    }

    /// The object at `index` (an object entry) as a dictionary; `[:]` for any other entry.
    package func object(at index: Int) -> JSONObject {
        value(at: index).objectValue ?? [:]
    }

    /// The string at `index` (a string entry), decoded.
    package func string(at index: Int) -> String {
        bytes.withUnsafeBytes { Self.decodeString(entries[index], in: $0) }
    }

    /// The number at `index` (a number entry), its text as written.
    package func number(at index: Int) -> JSONNumber {
        let entry = entries[index]
        return bytes.withUnsafeBytes { buffer in
            JSONNumber(uncheckedText: String(decoding: UnsafeRawBufferPointer(rebasing: buffer[Int(entry.start)..<Int(entry.end)]), as: UTF8.self))
        }
    }

    static func value(at index: Int, entries: UnsafeBufferPointer<Entry>, bytes: UnsafeRawBufferPointer) -> (value: JSONValue, next: Int) {
        let entry = entries[index]
        switch entry.kind {
        case .null: return (.null, index + 1)
        case .true: return (.bool(true), index + 1)
        case .false: return (.bool(false), index + 1)
        case .number:
            let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[Int(entry.start)..<Int(entry.end)]), as: UTF8.self)
            return (.number(JSONNumber(uncheckedText: text)), index + 1)
        case .string: return (.string(decodeString(entry, in: bytes)), index + 1)
        case .array:
            var array: [JSONValue] = []
            array.reserveCapacity(Int(entry.count))
            var element = index + 1
            while element < Int(entry.next) {
                let (value, next) = value(at: element, entries: entries, bytes: bytes)
                array.append(value)
                element = next
            }
            return (.array(array), Int(entry.next))
        case .object:
            var object = JSONObject(minimumCapacity: Int(entry.count))
            var key = index + 1
            while key < Int(entry.next) {
                let name = decodeString(entries[key], in: bytes)
                let (value, next) = value(at: key + 1, entries: entries, bytes: bytes)
                object[name] = value
                key = next
            }
            return (.object(object), Int(entry.next))
        }
    }

    /// A string entry's text, its escapes decoded. The builder has checked
    /// the text, so decoding cannot fail; should it meet something else, it
    /// keeps going rather than trap.
    static func decodeString(_ entry: Entry, in bytes: UnsafeRawBufferPointer) -> String {
        let raw = UnsafeRawBufferPointer(rebasing: bytes[Int(entry.start)..<Int(entry.end)])
        guard entry.hasEscapes else { return String(decoding: raw, as: UTF8.self) }
        var buffer: [UInt8] = []
        unescape(raw) { buffer.append(contentsOf: $0) }
        return String(decoding: buffer, as: UTF8.self)
    }

    /// Hands the decoded bytes of checked string text to `append`, in runs.
    static func unescape(_ raw: UnsafeRawBufferPointer, _ append: (UnsafeRawBufferPointer) -> Void) {
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

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
