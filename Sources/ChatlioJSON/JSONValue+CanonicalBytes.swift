extension JSONValue {
    /// Streams the canonical bytes of an object: exactly what
    /// `JSONValue.object(object).serialized(sortedKeys: true)` returns (compact,
    /// members ordered by String `<` of their names, numbers as written), in
    /// chunks of at most 512 bytes, without building the sorted copy or the
    /// whole text.
    ///
    /// For digests over a payload (the mapper's `_id`): `consume` sees each
    /// chunk once, in order.
    ///
    /// ```swift
    /// var hasher = SHA256()
    /// JSONValue.streamCanonicalBytes(of: object) { hasher.update($0) }
    /// ```
    package static func streamCanonicalBytes(of object: JSONObject, _ consume: (UnsafeRawBufferPointer) -> Void) {
        withoutActuallyEscaping(consume) { consume in
            withUnsafeTemporaryAllocation(byteCount: CanonicalChunk.capacity, alignment: 8) { buffer in
                guard let base = buffer.baseAddress else { return }
                var chunk = CanonicalChunk(base: base, consume: consume)
                chunk.writeCanonical(object)
                chunk.flush()
            }
        }
    }
}

/// A fixed stack buffer handed to a consumer whenever it fills.
struct CanonicalChunk: JSONByteSink {
    static let capacity = 512

    let base: UnsafeMutableRawPointer
    let consume: (UnsafeRawBufferPointer) -> Void
    var count = 0

    init(base: UnsafeMutableRawPointer, consume: @escaping (UnsafeRawBufferPointer) -> Void) {
        self.base = base
        self.consume = consume
    }

    mutating func flush() {
        guard count > 0 else { return }
        consume(UnsafeRawBufferPointer(start: base, count: count))
        count = 0
    }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        if count == Self.capacity { flush() }
        base.storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
        count += 1
    }

    @inline(__always)
    mutating func append(_ run: UnsafeRawBufferPointer) {
        guard let source = run.baseAddress, !run.isEmpty else { return }
        if count + run.count > Self.capacity {
            flush()
            // Longer than a chunk: the consumer takes it straight from where it lies.
            if run.count > Self.capacity {
                consume(run)
                return
            }
        }
        ShortByteRuns.copy(to: base + count, from: source, count: run.count)
        count += run.count
    }

    mutating func writeStatic(_ text: StaticString) {
        append(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    mutating func writeCanonical(_ value: JSONValue) {
        switch value {
        case .null: writeStatic("null")
        case .bool(let bool): bool ? writeStatic("true") : writeStatic("false")
        case .number(let number):
            var text = number.text
            text.withUTF8 { append(UnsafeRawBufferPointer($0)) }
        case .string(let string): JSONStringEscaping.write(string, to: &self)
        case .array(let array):
            append(UInt8(ascii: "["))
            var first = true
            for element in array {
                if !first { append(UInt8(ascii: ",")) }
                first = false
                writeCanonical(element)
            }
            append(UInt8(ascii: "]"))
        case .object(let object): writeCanonical(object)
        }
    }

    /// Members in the order `serialized(sortedKeys: true)` writes them: the
    /// dictionary's indices sorted by name in a stack buffer, not a sorted array of pairs.
    mutating func writeCanonical(_ object: JSONObject) {
        append(UInt8(ascii: "{"))
        let count = object.count
        if count > 0 {
            withUnsafeTemporaryAllocation(of: JSONObject.Index.self, capacity: count) { indices in
                guard let first = indices.baseAddress else { return }
                var index = object.startIndex
                for offset in 0..<count {
                    (first + offset).initialize(to: index)
                    object.formIndex(after: &index)
                }
                var sorted = UnsafeMutableBufferPointer(start: first, count: count)
                sorted.sort { object[$0].key < object[$1].key }
                for offset in 0..<count {
                    if offset > 0 { append(UInt8(ascii: ",")) }
                    let member = object[sorted[offset]]
                    JSONStringEscaping.write(member.key, to: &self)
                    append(UInt8(ascii: ":"))
                    writeCanonical(member.value)
                }
                sorted.deinitialize()
            }
        }
        append(UInt8(ascii: "}"))
    }
}
