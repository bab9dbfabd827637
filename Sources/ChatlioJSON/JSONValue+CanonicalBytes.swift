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
        CanonicalChunk.withClosureConsumer(consume) { streamCanonicalBytes(of: object, into: $0) }
    }

    /// ``streamCanonicalBytes(of:_:)`` into a consumer that allocates nothing
    /// to be called (see ``CanonicalBytesConsumer``).
    package static func streamCanonicalBytes(of object: JSONObject, into consumer: CanonicalBytesConsumer) {
        CanonicalChunk.streaming(into: consumer) { $0.writeCanonical(object) }
    }
}

/// Where a canonical walk hands its chunks: a function that captures nothing
/// and the state it writes to. A closure the walk kept across its calls would
/// have to be made escaping (`withoutActuallyEscaping`), which allocates a
/// context and checks it on every walk; a digest over each webhook paid that.
///
/// ```swift
/// var hasher = SHA256()
/// withUnsafeMutablePointer(to: &hasher) { state in
///     tape.streamCanonicalBytes(ofValueAt: 0, into: CanonicalBytesConsumer(state: state) { state, start, count in
///         state.assumingMemoryBound(to: SHA256.self).pointee.update(UnsafeRawBufferPointer(start: start, count: count))
///     })
/// }
/// ```
package struct CanonicalBytesConsumer {
    /// `state`, then the chunk's start and byte count (a C function's parameters are C types).
    package typealias Consume = @convention(c) (_ state: UnsafeMutableRawPointer, _ start: UnsafeRawPointer?, _ count: Int) -> Void

    let state: UnsafeMutableRawPointer
    let consumeChunk: Consume

    package init<State: ~Copyable>(state: UnsafeMutablePointer<State>, _ consume: Consume) {
        self.state = UnsafeMutableRawPointer(state)
        self.consumeChunk = consume
    }

    @inline(__always)
    func consume(_ chunk: UnsafeRawBufferPointer) {
        consumeChunk(state, chunk.baseAddress, chunk.count)
    }
}

/// A fixed stack buffer handed to a consumer whenever it fills.
struct CanonicalChunk: JSONByteSink {
    static let capacity = 512

    let base: UnsafeMutableRawPointer
    let consumer: CanonicalBytesConsumer
    var count = 0

    init(base: UnsafeMutableRawPointer, consumer: CanonicalBytesConsumer) {
        self.base = base
        self.consumer = consumer
    }

    /// A chunk on the stack for `write`, flushed into `consumer` at the end.
    static func streaming(into consumer: CanonicalBytesConsumer, _ write: (inout CanonicalChunk) -> Void) {
        withUnsafeTemporaryAllocation(byteCount: capacity, alignment: 8) { buffer in
            guard let base = buffer.baseAddress else { return }
            var chunk = CanonicalChunk(base: base, consumer: consumer)
            write(&chunk)
            chunk.flush()
        }
    }

    /// A consumer that calls `consume`, for the walks' closure forms: only they
    /// pay for making it escaping.
    static func withClosureConsumer(_ consume: (UnsafeRawBufferPointer) -> Void, _ walk: (CanonicalBytesConsumer) -> Void) {
        withoutActuallyEscaping(consume) { consume in
            var call = consume
            withUnsafeMutablePointer(to: &call) { call in
                walk(CanonicalBytesConsumer(state: call) { call, start, count in
                    call.assumingMemoryBound(to: ((UnsafeRawBufferPointer) -> Void).self).pointee(UnsafeRawBufferPointer(start: start, count: count))
                })
            }
        }
    }

    mutating func flush() {
        guard count > 0 else { return }
        consumer.consume(UnsafeRawBufferPointer(start: base, count: count))
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
                consumer.consume(run)
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
