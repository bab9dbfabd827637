import Foundation

extension DeliveryStateMachine {
    /// Starts every request that is due, up to the concurrency limit, and arms
    /// the timer for the next instant something becomes due (linger, retry,
    /// pause). Called after every change.
    mutating func schedule(now: Now) -> [Action] {
        guard runState != .stopped else { return [] }
        var actions: [Action] = []
        promoteDueRetries(now: now)
        while inFlight.count < settings.maxConcurrentRequests {
            if let pause = retry.pause(at: now.scheduling) {
                armTimer(at: pause, into: &actions)
                break
            }
            if retry.mustProbe {
                // After a failed request, one event goes alone: the answers in
                // flight, or this probe's, say whether the inlet is back.
                guard inFlight.isEmpty else { break }
                let picked = pickCandidates(now: now, limit: 2, into: &actions)
                if let probe = picked.first(where: { $0.slot.seq != lastFailedProbe }) {
                    take([probe], now: now)
                    startProbe(probe.slot.seq, into: &actions)
                } else if let probe = probeFromIsolation() ?? picked.first.map({ take([$0], now: now); return $0.slot.seq }) {
                    markInFlight(probe, now: now)
                    startProbe(probe, into: &actions)
                } else if let due = delayed.first?.due {
                    armTimer(at: due, into: &actions)
                }
                break
            }
            if let group = nextIsolationGroup(now: now, into: &actions) {
                startRequest(group, kind: .isolation, into: &actions)
                continue
            }
            let picked = pickCandidates(now: now, limit: settings.cutter.maxMessages + 1, into: &actions)
            let decision = settings.cutter.decide(picked.map(\.candidate), now: now.scheduling, force: forceCount > 0 || runState == .draining)
            switch decision {
            case .send(let count):
                let batch = Array(picked.prefix(count))
                take(batch, now: now)
                startRequest(batch.map(\.slot.seq), kind: .batch, into: &actions)
                continue
            case .wait(let until):
                armTimer(at: min(until, delayed.first?.due ?? until), into: &actions)
                unscannedCount = picked.count
                unscannedBytes = picked.reduce(0) { $0 + $1.candidate.messageBytes + 1 }
            case .idle:
                if let due = delayed.first?.due { armTimer(at: due, into: &actions) }
                unscannedCount = 0
                unscannedBytes = 0
            }
            break
        }
        return actions
    }

    private mutating func startProbe(_ id: UInt64, into actions: inout [Action]) {
        counters.probes += 1
        startRequest([id], kind: .probe, into: &actions)
    }

    /// An event waiting in an isolation group other than the last failed
    /// probe, taken out of its group: while the inlet seems down, any event
    /// may show it is up again.
    private mutating func probeFromIsolation() -> UInt64? {
        for (groupIndex, group) in isolationQueue.enumerated() {
            for (slotIndex, slot) in group.enumerated() where slot.seq != lastFailedProbe && isLive(slot, phase: .isolated) {
                isolationQueue[groupIndex].remove(at: slotIndex)
                if isolationQueue[groupIndex].isEmpty { isolationQueue.remove(at: groupIndex) }
                return slot.seq
            }
        }
        return nil
    }

    private mutating func startRequest(_ seqs: [UInt64], kind: Request.Kind, into actions: inout [Action]) {
        let request = Request(number: nextRequest, events: seqs.compactMap { ref($0) }, kind: kind)
        nextRequest += 1
        inFlight[request.number] = request
        actions.append(.send(request))
    }

    struct Picked: Sendable {
        var slot: Slot
        var fromRetryQueue: Bool
        var candidate: BatchCutter.Candidate
    }

    /// The first waiting events (retries first, then fresh ones), at most
    /// `limit`; expired events found on the way are dead-lettered.
    mutating func pickCandidates(now: Now, limit: Int, into actions: inout [Action]) -> [Picked] {
        var picked: [Picked] = []
        var expired: [Resolution] = []
        for fromRetry in [true, false] {
            var firstLive: Int?
            let range = fromRetry ? retryQueue.indices : freshQueue.indices
            for index in range {
                if picked.count >= limit { break }
                let slot = fromRetry ? retryQueue[index] : freshQueue[index]
                guard let entry = entries[slot.seq], entry.generation == slot.generation, entry.phase == .queued else { continue }
                if let resolution = expire(entry, now: now) {
                    expired.append(resolution)
                    continue
                }
                if firstLive == nil { firstLive = index }
                picked.append(Picked(
                    slot: slot, fromRetryQueue: fromRetry,
                    candidate: BatchCutter.Candidate(messageBytes: settings.envelope.messageBytes(payloadBytes: entry.payloadBytes), readySince: entry.readySince)
                ))
            }
            // Skip dead slots at the head for good.
            let target = firstLive ?? (picked.count < limit ? Int.max : range.lowerBound)
            if fromRetry { retryQueue.advance(to: target) } else { freshQueue.advance(to: target) }
        }
        report(expired: expired, into: &actions)
        return picked
    }

    /// The event's dead letter when it is older than ``OutboxLimits/maxAge``.
    private mutating func expire(_ entry: Entry, now: Now) -> Resolution? {
        let age = now.wall.timeIntervalSince(entry.enqueuedAt)
        guard age >= settings.limits.maxAge.seconds else { return nil }
        _ = requeue(entry.seq, as: .resolving)
        let message = "not delivered within outboxLimits.maxAge \(settings.limits.maxAge) (held \(Int(age)) s, \(entry.sends) requests)"
        return Resolution(
            seq: entry.seq, id: entry.id, outcome: .deadLettered(status: nil, message: message), sends: entry.sends, enqueuedAt: entry.enqueuedAt,
            firstSentAt: entry.firstSentAt
        )
    }

    private func report(expired: [Resolution], into actions: inout [Action]) {
        guard !expired.isEmpty else { return }
        actions.append(.log(.error, "dead-lettering \(expired.count) events older than outboxLimits.maxAge \(settings.limits.maxAge)"))
        actions.append(.resolve(expired))
    }

    /// The first isolation group with a live event, taken into flight.
    private mutating func nextIsolationGroup(now: Now, into actions: inout [Action]) -> [UInt64]? {
        var expired: [Resolution] = []
        defer { report(expired: expired, into: &actions) }
        while !isolationQueue.isEmpty {
            let group = isolationQueue.removeFirst()
            var ids: [UInt64] = []
            for slot in group where isLive(slot, phase: .isolated) {
                guard let entry = entries[slot.seq] else { continue }
                if let resolution = expire(entry, now: now) {
                    expired.append(resolution)
                } else {
                    ids.append(slot.seq)
                }
            }
            guard !ids.isEmpty else { continue }
            for id in ids { markInFlight(id, now: now) }
            return ids
        }
        return nil
    }

    /// Marks the picked events in flight and removes them from their queues.
    mutating func take(_ batch: [Picked], now: Now) {
        for item in batch { markInFlight(item.slot.seq, now: now) }
        // The taken events are the first live ones of each queue, except a
        // probe that skipped the last failed one; the heads move only past
        // slots that are no longer live.
        for item in batch {
            if item.fromRetryQueue { advancePastDead(inRetryQueue: true) } else { advancePastDead(inRetryQueue: false) }
        }
    }

    mutating func markInFlight(_ seq: UInt64, now: Now) {
        guard entries[seq]?.sent(at: now) != nil else { return }
        inFlightEvents += 1
    }

    private mutating func advancePastDead(inRetryQueue: Bool) {
        let range = inRetryQueue ? retryQueue.indices : freshQueue.indices
        var target = range.upperBound
        for index in range where isLive(inRetryQueue ? retryQueue[index] : freshQueue[index], phase: .queued) {
            target = index
            break
        }
        if inRetryQueue { retryQueue.advance(to: target) } else { freshQueue.advance(to: target) }
    }

    /// Moves retries whose time has come to the retry queue.
    mutating func promoteDueRetries(now: Now) {
        var moved = 0
        while moved < delayed.count, delayed[moved].due <= now.scheduling {
            let item = delayed[moved]
            moved += 1
            guard isLive(item.slot, phase: .delayed), let slot = requeue(item.slot.seq, as: .queued, readySince: item.due) else { continue }
            retryQueue.append(slot)
        }
        if moved > 0 { delayed.removeFirst(moved) }
    }
}
