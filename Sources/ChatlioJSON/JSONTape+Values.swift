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
        return JSONStringUnescaping.string(unescaping: raw)
    }
}
