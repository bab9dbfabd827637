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
        withoutActuallyEscaping(consume) { consume in
            withUnsafeTemporaryAllocation(byteCount: CanonicalChunk.capacity, alignment: 8) { buffer in
                guard let chunkBase = buffer.baseAddress else { return }
                var chunk = CanonicalChunk(base: chunkBase, consume: consume)
                bytes.withUnsafeBytes { bytes in
                    entries.withUnsafeBufferPointer { entries in
                        guard let base = bytes.baseAddress else { return }
                        let view = TapeView(base: base, bytes: bytes, entries: entries)
                        _ = chunk.writeCanonical(view, index)
                    }
                }
                chunk.flush()
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
        case .object:
            writeCanonicalObject(tape, index)
        }
        return entry.isContainer ? Int(entry.next) : index + 1
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
        withUnsafeTemporaryAllocation(of: Int.self, capacity: count) { keys in
            var key = index + 1
            var allPlain = true
            for offset in 0..<count {
                keys[offset] = key
                if !tape.entries[key].isPlainASCII { allPlain = false }
                key = tape.skip(key + 1)
            }
            if allPlain {
                // Insertion sort: objects are small, and often nearly in order already.
                for position in 1..<count {
                    let moving = keys[position]
                    let movingEntry = tape.entries[moving]
                    var slot = position
                    while slot > 0, tape.precedes(movingEntry, tape.entries[keys[slot - 1]]) {
                        keys[slot] = keys[slot - 1]
                        slot -= 1
                    }
                    keys[slot] = moving
                }
            } else {
                let names = (0..<count).map { JSONTape.decodeString(tape.entries[keys[$0]], in: tape.bytes) }
                let order = (0..<count).sorted { names[$0] < names[$1] }
                let original = Array(keys)
                for (offset, ordinal) in order.enumerated() { keys[offset] = original[ordinal] }
            }
            for offset in 0..<count {
                if offset > 0 { append(UInt8(ascii: ",")) }
                writeString(tape, tape.entries[keys[offset]])
                append(UInt8(ascii: ":"))
                _ = writeCanonical(tape, keys[offset] + 1)
            }
        }
        append(UInt8(ascii: "}"))
    }
}
