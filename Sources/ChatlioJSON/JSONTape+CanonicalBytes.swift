extension JSONTape {
    /// Streams the canonical bytes of the value at `index`: exactly what
    /// ``JSONValue/streamCanonicalBytes(of:_:)`` streams for the same value
    /// (compact, members ordered by `String` `<` of their names, numbers as
    /// written, strings escaped as ``JSONWriter`` escapes them), in chunks of
    /// at most 512 bytes, without building the tree.
    ///
    /// Names without escapes are compared as bytes when both are ASCII (where
    /// byte order is `String` order); an object with any other name sorts
    /// through `String`, as the tree does. Strings without escapes need none
    /// on the way out (the tape holds no control character, quote or
    /// backslash in them), so their bytes go out in one run.
    ///
    /// ```swift
    /// var hasher = SHA256()
    /// tape.streamCanonicalBytes(ofValueAt: 0) { hasher.update($0) }
    /// ```
    package func streamCanonicalBytes(ofValueAt index: Int, _ consume: (UnsafeRawBufferPointer) -> Void) {
        CanonicalChunk.withClosureConsumer(consume) { streamCanonicalBytes(ofValueAt: index, into: $0) }
    }

    /// ``streamCanonicalBytes(ofValueAt:_:)`` into a consumer that allocates
    /// nothing to be called (see ``CanonicalBytesConsumer``).
    package func streamCanonicalBytes(ofValueAt index: Int, into consumer: CanonicalBytesConsumer) {
        CanonicalChunk.streaming(into: consumer) { chunk in
            bytes.withUnsafeBytes { bytes in
                entries.withUnsafeBufferPointer { entries in
                    guard let base = bytes.baseAddress else { return }
                    _ = chunk.writeCanonical(TapeView(base: base, bytes: bytes, entries: entries), index)
                }
            }
        }
    }
}

/// The tape's storage, borrowed for one walk.
struct TapeView {
    let base: UnsafeRawPointer
    let bytes: UnsafeRawBufferPointer
    let entries: UnsafeBufferPointer<JSONTape.Entry>

    @inline(__always)
    func skip(_ index: Int) -> Int {
        let entry = entries[index]
        return entry.isContainer ? Int(entry.next) : index + 1
    }

    /// A plain ASCII name's first eight bytes as a big-endian number, zeros after a
    /// shorter name: names whose numbers differ are in the numbers' order (no name holds a
    /// zero byte), and only names that share their first eight bytes need ``precedes(_:_:)``.
    @inline(__always)
    func orderPrefix(_ name: JSONTape.Entry) -> UInt64 {
        let start = Int(name.start)
        let count = name.byteCount
        if count >= 8 { return UInt64(bigEndian: base.loadUnaligned(fromByteOffset: start, as: UInt64.self)) }
        return ShortByteRuns.shortRunWord(base, at: start, count: count).byteSwapped
    }

    /// Byte order of two plain ASCII names: `String` order for them.
    @inline(__always)
    func precedes(_ left: JSONTape.Entry, _ right: JSONTape.Entry) -> Bool {
        let leftCount = left.byteCount
        let rightCount = right.byteCount
        let common = min(leftCount, rightCount)
        let leftBase = base + Int(left.start)
        let rightBase = base + Int(right.start)
        var offset = 0
        while offset + 8 <= common {
            let a = UInt64(bigEndian: leftBase.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            let b = UInt64(bigEndian: rightBase.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            if a != b { return a < b }
            offset += 8
        }
        while offset < common {
            let a = leftBase.load(fromByteOffset: offset, as: UInt8.self)
            let b = rightBase.load(fromByteOffset: offset, as: UInt8.self)
            if a != b { return a < b }
            offset += 1
        }
        return leftCount < rightCount
    }
}

extension CanonicalChunk {
    /// Writes the value at `index`; returns the index past it.
    mutating func writeCanonical(_ tape: TapeView, _ index: Int) -> Int {
        let entry = tape.entries[index]
        switch entry.kind {
        case .null:
            writeStatic("null")
        case .true:
            writeStatic("true")
        case .false:
            writeStatic("false")
        case .number:
            append(UnsafeRawBufferPointer(start: tape.base + Int(entry.start), count: entry.byteCount))
        case .string:
            writeString(tape, entry)
        case .array:
            append(UInt8(ascii: "["))
            var element = index + 1
            var first = true
            while element < Int(entry.next) {
                if !first { append(UInt8(ascii: ",")) }
                first = false
                element = writeCanonical(tape, element)
            }
            append(UInt8(ascii: "]"))
            return Int(entry.next)
        case .object:
            writeCanonicalObject(tape, index)
            return Int(entry.next)
        }
        return index + 1
    }

    @inline(__always)
    mutating func writeString(_ tape: TapeView, _ entry: JSONTape.Entry) {
        let raw = UnsafeRawBufferPointer(start: tape.base + Int(entry.start), count: entry.byteCount)
        if entry.hasEscapes {
            JSONStringEscaping.write(escaped: raw, to: &self)
        } else {
            append(UInt8(ascii: "\""))
            append(raw)
            append(UInt8(ascii: "\""))
        }
    }

    private mutating func writeCanonicalObject(_ tape: TapeView, _ index: Int) {
        let object = tape.entries[index]
        let count = Int(object.count)
        append(UInt8(ascii: "{"))
        guard count > 0 else {
            append(UInt8(ascii: "}"))
            return
        }
        withUnsafeTemporaryAllocation(of: (prefix: UInt64, key: Int).self, capacity: count) { members in
            var key = index + 1
            var allPlain = true
            for offset in 0..<count {
                let name = tape.entries[key]
                if !name.isPlainASCII { allPlain = false }
                members[offset] = (tape.orderPrefix(name), key)
                key = tape.skip(key + 1)
            }
            if allPlain {
                // Insertion sort on the names' first eight bytes as one number: objects are
                // small, and a name rarely shares them with another (then the bytes decide).
                for position in 1..<count {
                    let moving = members[position]
                    var slot = position
                    while slot > 0 {
                        let previous = members[slot - 1]
                        guard moving.prefix < previous.prefix
                            || (moving.prefix == previous.prefix && tape.precedes(tape.entries[moving.key], tape.entries[previous.key]))
                        else { break }
                        members[slot] = previous
                        slot -= 1
                    }
                    members[slot] = moving
                }
            } else {
                let names = (0..<count).map { JSONTape.decodeString(tape.entries[members[$0].key], in: tape.bytes) }
                let order = (0..<count).sorted { names[$0] < names[$1] }
                let original = Array(members)
                for (offset, ordinal) in order.enumerated() { members[offset] = original[ordinal] }
            }
            for offset in 0..<count {
                if offset > 0 { append(UInt8(ascii: ",")) }
                let key = members[offset].key
                writeString(tape, tape.entries[key])
                append(UInt8(ascii: ":"))
                _ = writeCanonical(tape, key + 1)
            }
        }
        append(UInt8(ascii: "}"))
    }
}
