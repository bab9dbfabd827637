extension InletRecord {
    /// How much the record keeps in memory: once either bound is passed, the
    /// oldest messages are dropped from ``InletRecord/messages`` (and from
    /// ``InletRecord/failedValidation``, bounded the same way on its own) and
    /// counted in ``InletRecord/droppedCount``. Ids stay counted
    /// (``InletRecord/uniqueIDs``, ``InletRecord/duplicateIDs``), ``InletRecord/count``
    /// still counts every accepted message, and the NDJSON record file still gets every one.
    ///
    /// ```swift
    /// configuration.recordLimits = .init(messages: 10_000, bytes: 64 << 20)
    /// // … after 25,000 accepted messages:
    /// emulator.record.count          // 25_000
    /// emulator.record.messages.count // 10_000 (the newest)
    /// emulator.record.droppedCount   // 15_000
    /// ```
    public struct Limits: Sendable, Hashable, CustomStringConvertible {
        /// The most messages kept.
        public var messages: Int
        /// The most message bytes kept (an XDM message's bytes as sent; a raw message's body size).
        public var bytes: Int

        /// 1,000,000 messages and 1 GiB by default: enough for every test and benchmark here.
        public init(messages: Int = 1_000_000, bytes: Int = 1 << 30) {
            self.messages = messages
            self.bytes = bytes
        }

        public var description: String { "\(messages) messages, \(bytes) bytes" }
    }

    /// Messages in arrival order, the oldest dropped first once over ``Limits``.
    struct BoundedLog: Sendable {
        private(set) var elements: [ReceivedMessage] = []
        private var head = 0
        private(set) var bytes = 0
        private(set) var dropped = 0

        var kept: ArraySlice<ReceivedMessage> { elements[head...] }
        var keptCount: Int { elements.count - head }

        /// Appends `messages`, numbered from `firstSequence`, then drops the oldest over `limits`.
        mutating func append(contentsOf messages: [ReceivedMessage], firstSequence: Int, limits: Limits) {
            guard !messages.isEmpty else { return }
            let start = elements.count
            elements.append(contentsOf: messages)
            for position in start..<elements.count {
                elements[position].sequence = firstSequence + (position - start)
                bytes += elements[position].byteCount
            }
            while keptCount > 0, keptCount > limits.messages || bytes > limits.bytes {
                bytes -= elements[head].byteCount
                head += 1
                dropped += 1
            }
            // Drop the dead prefix in one move once it is half the storage, so appends stay amortised O(1).
            if head > 0, head * 2 >= elements.count {
                elements.removeFirst(head)
                head = 0
            }
        }

        mutating func removeAll() {
            self = BoundedLog()
        }
    }
}
