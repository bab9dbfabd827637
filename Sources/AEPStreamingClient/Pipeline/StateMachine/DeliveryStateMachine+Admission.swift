import Foundation

extension DeliveryStateMachine {
    /// What `send` does next with an event.
    enum Admission: Sendable, Hashable {
        /// Room is reserved: append the record (with this enqueue time) to the
        /// outbox, then call ``admitted(seq:now:)`` or ``admissionFailed(seq:)``
        /// with this sequence number.
        case store(enqueuedAt: Date, seq: UInt64)
        /// An event with this id is held already; when `waitForStore`, its own
        /// append is still running and `send` returns once that one is stored.
        case coalesced(waitForStore: Bool)
        /// The event is not accepted.
        case refused(AEPStreamingClientError)
        /// The outbox is at a bound: wait until room may have been freed
        /// (``Action/wakeSpaceWaiters``), at most `maxWait`, then ask again.
        case waitForRoom(maxWait: Duration?)
    }

    /// Reserves room for an event, or says why not.
    mutating func admit(id: String, payloadBytes: Int, now: Now) -> (Admission, [Action]) {
        guard runState == .running else {
            return (.refused(AEPStreamingClientError(.shutDown, "the client is shutting down; event \(id) was not accepted")), [])
        }
        if let held = heldIDs[id], let existing = entries[held] {
            counters.coalesced += 1
            return (.coalesced(waitForStore: existing.phase == .admitting), [])
        }
        let limits = settings.limits
        guard payloadBytes <= limits.maxBytes else {
            return (.refused(AEPStreamingClientError(
                .eventTooLarge, "event \(id) has \(payloadBytes) payload bytes, above outboxLimits.maxBytes \(limits.maxBytes)"
            )), [])
        }
        var actions: [Action] = []
        while heldCount + 1 > limits.maxEvents || heldBytes + payloadBytes > limits.maxBytes {
            switch limits.overflow.kind {
            case .failFast:
                counters.refusedFull += 1
                return (.refused(AEPStreamingClientError(
                    .outboxFull,
                    "the outbox holds \(heldCount) events (\(heldBytes) bytes), at its bound; event \(id) was refused (overflow policy failFast)"
                )), actions)
            case .dropOldest:
                if let victim = dropOldest() {
                    actions.append(.log(.warning, "outbox full: dropping the oldest event \(victim.id) (overflow policy dropOldest)"))
                    actions.append(.resolve([victim]))
                    continue
                }
                // Everything held is in flight: wait for room instead.
                return (.waitForRoom(maxWait: nil), actions)
            case .backpressure(let maxWait):
                return (.waitForRoom(maxWait: maxWait), actions)
            }
        }
        let seq = nextSeq
        entries[seq] = Entry(id: id, seq: seq, payloadBytes: payloadBytes, enqueuedAt: now.wall, readySince: now.scheduling, phase: .admitting)
        heldIDs[id] = seq
        nextSeq += 1
        heldCount += 1
        heldBytes += payloadBytes
        return (.store(enqueuedAt: now.wall, seq: seq), actions)
    }

    /// A wait for room ran out.
    mutating func roomWaitTimedOut() {
        counters.refusedFull += 1
    }

    /// The outbox append succeeded: the event is durable and can be scheduled.
    mutating func admitted(seq: UInt64, now: Now) -> [Action] {
        guard let (generation, payloadBytes) = entries[seq]?.admitted(now: now) else { return [] }
        freshQueue.append(Slot(seq: seq, generation: generation))
        counters.accepted += 1
        unscannedCount += 1
        unscannedBytes += settings.envelope.messageBytes(payloadBytes: payloadBytes) + 1
        let cutter = settings.cutter
        let couldFill = unscannedCount >= cutter.maxMessages || unscannedBytes >= cutter.maxRequestBytes
        // A timer armed beyond this event's linger (a long backoff) does not count.
        let timerCovers = (timerAt ?? .distantFuture) <= now.scheduling.addingTimeInterval(cutter.lingerSeconds)
        guard inFlight.count < settings.maxConcurrentRequests, couldFill || !timerCovers || forceCount > 0 || runState != .running else {
            return []
        }
        return schedule(now: now)
    }

    /// The outbox append failed: the room is released. Returns the event's
    /// sequence number (flushes waiting for it count it as gone).
    mutating func admissionFailed(seq: UInt64) -> (seq: UInt64?, actions: [Action]) {
        guard let entry = entries[seq], entry.phase == .admitting else { return (nil, []) }
        forget(entry)
        return (entry.seq, releaseRoom(of: entry))
    }

    /// Drops an entry from the table and its id from the held ids.
    mutating func forget(_ entry: Entry) {
        entries[entry.seq] = nil
        if heldIDs[entry.id] == entry.seq { heldIDs[entry.id] = nil }
    }

    /// Frees the room an entry holds.
    mutating func releaseRoom(of entry: Entry) -> [Action] {
        guard entry.holdsRoom else { return [] }
        heldCount -= 1
        heldBytes -= entry.payloadBytes
        entries[entry.seq]?.holdsRoom = false
        return [.wakeSpaceWaiters]
    }

    /// Evicts the oldest held event that is not in flight (its room is freed
    /// now, its outbox removal follows); `nil` when there is none.
    mutating func dropOldest() -> Resolution? {
        var victim: Entry?
        func consider(_ slot: Slot, _ phase: Phase) {
            guard isLive(slot, phase: phase), let entry = entries[slot.seq] else { return }
            if victim == nil || entry.seq < victim?.seq ?? .max { victim = entry }
        }
        for index in retryQueue.indices where isLive(retryQueue[index], phase: .queued) {
            consider(retryQueue[index], .queued)
            break
        }
        for index in freshQueue.indices where isLive(freshQueue[index], phase: .queued) {
            consider(freshQueue[index], .queued)
            break
        }
        for item in delayed { consider(item.slot, .delayed) }
        for group in isolationQueue { for slot in group { consider(slot, .isolated) } }
        guard let victim else { return nil }
        _ = requeue(victim.seq, as: .resolving)
        _ = releaseRoom(of: victim)
        return Resolution(
            seq: victim.seq, id: victim.id, outcome: .dropped(.overflow), sends: victim.sends, enqueuedAt: victim.enqueuedAt, firstSentAt: victim.firstSentAt
        )
    }
}
