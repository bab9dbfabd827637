extension DeliveryStateMachine {
    /// The held events by sequence number, without hashing.
    ///
    /// Sequence numbers are handed out in order and events mostly resolve in
    /// order, so entries sit in an array of slots from the oldest one held: a
    /// look-up is an index. The few that stay long (retries, parked dead
    /// letters) would pin that array's head while millions pass behind them,
    /// so once holes outnumber entries past ``ringSlack`` slots, the entry at
    /// the head moves to a dictionary of stragglers.
    struct EntryTable: Sendable {
        /// `slots[head]` holds sequence number `first`, `slots[head + k]` holds `first + k`.
        private var slots: [Entry?] = []
        private var head = 0
        private var first: UInt64 = 0
        private var ringCount = 0
        private var stragglers: [UInt64: Entry] = [:]

        /// Holes tolerated in the ring before entries at its head move out.
        static let ringSlack = 4096

        var count: Int { ringCount + stragglers.count }
        var isEmpty: Bool { count == 0 }

        private func ringIndex(_ seq: UInt64) -> Int? {
            guard seq >= first else { return nil }
            let offset = seq - first
            guard offset < UInt64(slots.count - head) else { return nil }
            return head + Int(offset)
        }

        subscript(seq: UInt64) -> Entry? {
            get {
                if let index = ringIndex(seq), let entry = slots[index] { return entry }
                return stragglers.isEmpty ? nil : stragglers[seq]
            }
            _modify {
                if let index = ringIndex(seq), slots[index] != nil {
                    yield &slots[index]
                    if slots[index] == nil { removedFromRing() }
                } else if !stragglers.isEmpty, stragglers[seq] != nil {
                    yield &stragglers[seq]
                } else {
                    var added: Entry?
                    yield &added
                    if let added { insert(added, seq: seq) }
                }
            }
        }

        /// Every entry, by sequence number.
        var values: [Entry] {
            let ring = slots[head...].compactMap { $0 }
            return stragglers.isEmpty ? ring : (stragglers.values + ring).sorted { $0.seq < $1.seq }
        }

        private mutating func insert(_ entry: Entry, seq: UInt64) {
            if head == slots.count {
                slots.removeAll(keepingCapacity: true)
                head = 0
                first = seq
            }
            let end = first + UInt64(slots.count - head)
            guard seq >= end, seq - end <= UInt64(Self.ringSlack) else {
                // Behind the ring's end or far beyond it: not where new events go.
                stragglers[seq] = entry
                return
            }
            if seq > end { slots.append(contentsOf: repeatElement(nil, count: Int(seq - end))) }
            slots.append(entry)
            ringCount += 1
        }

        private mutating func removedFromRing() {
            ringCount -= 1
            while head < slots.count {
                if slots[head] == nil {
                    head += 1
                    first += 1
                } else if slots.count - head > Self.ringSlack, ringCount * 2 < slots.count - head, let entry = slots[head] {
                    // A straggler pins the head: move it out so the holes behind it can go.
                    stragglers[entry.seq] = entry
                    slots[head] = nil
                    ringCount -= 1
                } else {
                    break
                }
            }
            if head == slots.count {
                slots.removeAll(keepingCapacity: true)
                head = 0
            } else if head > 1024, head * 2 > slots.count {
                slots.removeFirst(head)
                head = 0
            }
        }
    }
}
