import Foundation

extension DeliveryStateMachine {
    /// What `send` does next with an event.
    enum Admission: Sendable, Hashable {
        /// Room is reserved: append the record (with this enqueue time) to the
        /// outbox, then call ``admitted(id:now:)`` or ``admissionFailed(id:)``.
        case store(enqueuedAt: Date)
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
        if let existing = entries[id] {
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
        entries[id] = Entry(id: id, seq: nextSeq, payloadBytes: payloadBytes, enqueuedAt: now.wall, readySince: now.scheduling, phase: .admitting)
        nextSeq += 1
        heldCount += 1
        heldBytes += payloadBytes
        return (.store(enqueuedAt: now.wall), actions)
    }

    /// A wait for room ran out.
    mutating func roomWaitTimedOut() {
        counters.refusedFull += 1
    }

    /// The outbox append succeeded: the event is durable and can be scheduled.
    mutating func admitted(id: String, now: Now) -> [Action] {
        guard var entry = entries[id], entry.phase == .admitting else { return [] }
        entry.phase = .queued
        entry.readySince = now.scheduling
        entries[id] = entry
        freshQueue.append(Slot(id: id, generation: entry.generation))
        counters.accepted += 1
        unscannedCount += 1
        unscannedBytes += settings.envelope.messageBytes(payloadBytes: entry.payloadBytes) + 1
        let builder = settings.builder
        let couldFill = unscannedCount >= builder.maxMessages || unscannedBytes >= builder.maxRequestBytes
        // A timer armed beyond this event's linger (a long backoff) does not count.
        let timerCovers = (timerAt ?? .distantFuture) <= entry.readySince.addingTimeInterval(builder.linger.seconds)
        guard inFlight.count < settings.maxConcurrentRequests, couldFill || !timerCovers || forceCount > 0 || runState != .running else {
            return []
        }
        return schedule(now: now)
    }

    /// The outbox append failed: the room is released. Returns the event's
    /// sequence number (flushes waiting for it count it as gone).
    mutating func admissionFailed(id: String) -> (seq: UInt64?, actions: [Action]) {
        guard let entry = entries[id], entry.phase == .admitting else { return (nil, []) }
        entries[id] = nil
        return (entry.seq, releaseRoom(of: entry))
    }

    /// Frees the room an entry holds.
    mutating func releaseRoom(of entry: Entry) -> [Action] {
        guard entry.holdsRoom else { return [] }
        heldCount -= 1
        heldBytes -= entry.payloadBytes
        if var stored = entries[entry.id] {
            stored.holdsRoom = false
            entries[entry.id] = stored
        }
        return [.wakeSpaceWaiters]
    }

    /// Evicts the oldest held event that is not in flight (its room is freed
    /// now, its outbox removal follows); `nil` when there is none.
    mutating func dropOldest() -> Resolution? {
        var victim: Entry?
        func consider(_ slot: Slot, _ phase: Phase) {
            guard isLive(slot, phase: phase), let entry = entries[slot.id] else { return }
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
        _ = requeue(victim.id, as: .resolving)
        _ = releaseRoom(of: victim)
        return Resolution(id: victim.id, outcome: .dropped(.overflow), sends: victim.sends, enqueuedAt: victim.enqueuedAt, firstSentAt: victim.firstSentAt)
    }
}
