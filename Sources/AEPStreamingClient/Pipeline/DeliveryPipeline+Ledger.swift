import Foundation

extension DeliveryPipeline {
    /// Where an event is between `send` and its report.
    enum Phase: Sendable, Hashable {
        /// `send` reserved room; the outbox append is in progress.
        case admitting
        /// Waiting in ``DeliveryPipeline/freshQueue`` or ``DeliveryPipeline/retryQueue``.
        case queued
        /// Waiting for a retry time in ``DeliveryPipeline/delayed``.
        case delayed
        /// Inside a request.
        case inFlight
        /// Resolved; its removal from the outbox is in progress.
        case resolving
    }

    /// The scheduler's view of one event (its payload stays in the outbox).
    struct Entry: Sendable {
        let id: String
        let seq: UInt64
        let payloadBytes: Int
        let enqueuedAt: Date
        var readySince: Date
        var attempts = 0
        var phase: Phase
        /// Bumped whenever the entry is queued again, so stale queue slots are skipped.
        var generation: UInt64 = 0
    }

    /// A slot in a FIFO queue.
    struct Slot: Sendable, Hashable {
        var id: String
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

    /// A retry waiting for its time, ordered by ``due`` in ``DeliveryPipeline/delayed``.
    struct DelayedSlot: Sendable {
        var due: Date
        var slot: Slot
    }

    /// A `flush` or `shutdown` waiting for the events that existed when it was called.
    struct FlushWaiter: Sendable {
        var upTo: UInt64
        var remaining: Int
        var continuation: CheckedContinuation<Bool, Never>
    }

    /// A `send` waiting for room in the outbox.
    struct SpaceWaiter: Sendable {
        var continuation: CheckedContinuation<Void, any Error>
        var timeout: Task<Void, Never>?
    }

    /// Whether a queue slot still names a waiting entry.
    func isLive(_ slot: Slot, phase: Phase) -> Bool {
        guard let entry = entries[slot.id] else { return false }
        return entry.generation == slot.generation && entry.phase == phase
    }

    /// Inserts into ``delayed`` keeping it sorted by due date.
    func insertDelayed(_ item: DelayedSlot) {
        var low = 0
        var high = delayed.count
        while low < high {
            let mid = (low + high) / 2
            if delayed[mid].due <= item.due { low = mid + 1 } else { high = mid }
        }
        delayed.insert(item, at: low)
    }
}
