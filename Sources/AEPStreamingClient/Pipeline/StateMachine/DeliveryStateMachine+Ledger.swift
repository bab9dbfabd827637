import Foundation

extension DeliveryStateMachine {
    /// Where an event is between `send` and its report.
    enum Phase: Sendable, Hashable {
        /// `send` reserved room; the outbox append is in progress.
        case admitting
        /// Waiting in ``DeliveryStateMachine/freshQueue`` or ``DeliveryStateMachine/retryQueue``.
        case queued
        /// Waiting in a group of ``DeliveryStateMachine/isolationQueue``: halved out of a failing batch.
        case isolated
        /// Waiting for a retry time in ``DeliveryStateMachine/delayed``.
        case delayed
        /// Inside a request.
        case inFlight
        /// Resolved; its dead letter and its removal from the outbox are in progress.
        case resolving
        /// Dead-lettered, but the dead-letter store could not keep it: it stays
        /// in the outbox (not sent again) until the store has room.
        case parked
    }

    /// The state machine's view of one event (its payload stays in the outbox).
    struct Entry: Sendable {
        let id: String
        let seq: UInt64
        let payloadBytes: Int
        /// Wall clock, persisted in the outbox: ages survive restarts.
        let enqueuedAt: Date
        /// Scheduling clock: since when the event can go (linger, retry time).
        var readySince: Date
        var phase: Phase
        /// Requests that carried the event.
        var sends = 0
        /// Failures of the event's own (``RetryPolicy/maxAttempts`` counts these).
        var ownFailures = 0
        /// Wall clock of the first request that carried it.
        var firstSentAt: Date?
        /// ``DeliveryStateMachine/answeredRequests`` when a request carrying this
        /// event last failed as a whole: a later failure after the inlet answered
        /// other requests points at the batch, not the inlet.
        var failedAtAnswerCount: UInt64?
        /// Whether the event still counts against ``OutboxLimits`` (room is
        /// released early when ``OverflowPolicy/dropOldest`` evicts it).
        var holdsRoom = true
        /// Bumped whenever the entry is queued again, so stale queue slots are skipped.
        var generation: UInt64 = 0

        /// The outbox append succeeded: queued from `now`. Returns the generation and the payload size;
        /// `nil` unless it was being admitted.
        mutating func admitted(now: Now) -> (generation: UInt64, payloadBytes: Int)? {
            guard phase == .admitting else { return nil }
            phase = .queued
            readySince = now.scheduling
            return (generation, payloadBytes)
        }

        /// Taken into a request.
        mutating func sent(at now: Now) {
            phase = .inFlight
            generation += 1
            sends += 1
            if firstSentAt == nil { firstSentAt = now.wall }
        }

        /// One more failure of its own; returns the count.
        mutating func countOwnFailure() -> Int {
            ownFailures += 1
            return ownFailures
        }

        /// Moves to `phase` under a new generation; returns whether it was in flight and the generation.
        mutating func move(to phase: Phase, readySince: Date?) -> (wasInFlight: Bool, generation: UInt64) {
            let wasInFlight = self.phase == .inFlight
            self.phase = phase
            generation += 1
            if let readySince { self.readySince = readySince }
            return (wasInFlight, generation)
        }
    }

    /// A slot in a FIFO queue.
    struct Slot: Sendable, Hashable {
        var seq: UInt64
        var generation: UInt64
    }

    /// A FIFO of slots with O(1) amortized pops and occasional compaction.
    struct SlotQueue: Sendable {
        private(set) var slots: [Slot] = []
        private(set) var head = 0

        var isEmpty: Bool { head >= slots.count }
        var indices: Range<Int> { head ..< slots.count }
        subscript(index: Int) -> Slot { slots[index] }

        mutating func append(_ slot: Slot) {
            slots.append(slot)
        }

        /// Forgets every slot before `index`.
        mutating func advance(to index: Int) {
            head = max(head, min(index, slots.count))
            if head == slots.count {
                slots.removeAll(keepingCapacity: true)
                head = 0
            } else if head > 4096, head * 2 > slots.count {
                slots.removeFirst(head)
                head = 0
            }
        }
    }

    /// A retry waiting for its time, ordered by ``due`` in ``DeliveryStateMachine/delayed``.
    struct DelayedSlot: Sendable {
        var due: Date
        var slot: Slot
    }

    /// Whether a queue slot still names a waiting entry.
    func isLive(_ slot: Slot, phase: Phase) -> Bool {
        guard let entry = entries[slot.seq] else { return false }
        return entry.generation == slot.generation && entry.phase == phase
    }

    /// Inserts into ``delayed`` keeping it sorted by due date.
    mutating func insertDelayed(_ item: DelayedSlot) {
        var low = 0
        var high = delayed.count
        while low < high {
            let mid = (low + high) / 2
            if delayed[mid].due <= item.due { low = mid + 1 } else { high = mid }
        }
        delayed.insert(item, at: low)
    }

    /// Moves an entry to `phase` under a new generation; returns its new slot.
    mutating func requeue(_ seq: UInt64, as phase: Phase, readySince: Date? = nil) -> Slot? {
        // In place, through the table's `_modify`: no copy of the entry, one look-up.
        guard let (wasInFlight, generation) = entries[seq]?.move(to: phase, readySince: readySince) else { return nil }
        if wasInFlight { inFlightEvents -= 1 }
        return Slot(seq: seq, generation: generation)
    }

    /// The reference requests and resolutions carry for a held entry.
    func ref(_ seq: UInt64) -> EventRef? {
        entries[seq].map { EventRef(seq: seq, id: $0.id) }
    }
}
