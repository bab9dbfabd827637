extension JSONTape {
    /// The value of the member `name` of the object at `index`, or `nil`.
    /// Objects are small: a scan comparing name bytes beats hashing.
    ///
    /// ```swift
    /// let tape = try JSONTape(parsing: Data(#"{"visitor":{"UUID":"x"}}"#.utf8))
    /// let visitor = tape.member("visitor", inObjectAt: 0)             // 2
    /// visitor.flatMap { tape.member("UUID", inObjectAt: $0) }          // 4
    /// ```
    package func member(_ name: StaticString, inObjectAt index: Int) -> Int? {
        let object = entries[index]
        guard object.kind == .object else { return nil }
        var key = index + 1
        while key < Int(object.next) {
            if self.key(at: key, equals: name) { return key + 1 }
            key = skip(key + 1)
        }
        return nil
    }

    /// The value of the member `name` of the object at `index`, or `nil`, for
    /// names known only at run time; compares bytes when the name on the tape
    /// has no escapes.
    package func member(named name: String, inObjectAt index: Int) -> Int? {
        let object = entries[index]
        guard object.kind == .object else { return nil }
        var name = name
        return name.withUTF8 { wanted in
            var key = index + 1
            while key < Int(object.next) {
                let entry = entries[key]
                let matches: Bool
                if entry.hasEscapes {
                    matches = string(at: key).utf8.elementsEqual(wanted)
                } else {
                    matches = entry.byteCount == wanted.count && bytes[Int(entry.start)..<Int(entry.end)].elementsEqual(wanted)
                }
                if matches { return key + 1 }
                key = skip(key + 1)
            }
            return nil
        }
    }

    /// The JSON Pointer (RFC 6901) from the root to the entry at `index`; for errors.
    package func pointer(to index: Int) -> String {
        var tokens: [String] = []
        var current = 0
        while current < index {
            let entry = entries[current]
            guard entry.isContainer, index < Int(entry.next) else { break }
            var child = current + 1
            var ordinal = 0
            var found = false
            while child < Int(entry.next) {
                let value = entry.kind == .object ? child + 1 : child
                let end = skip(value)
                if index == child && entry.kind == .object { break }  // a member name: the pointer of its object
                if index >= value && index < end {
                    tokens.append(entry.kind == .object ? string(at: child) : String(ordinal))
                    current = value
                    found = true
                    break
                }
                child = end
                ordinal += 1
            }
            guard found else { break }
        }
        return JSONPointer.string(from: tokens)
    }
}
