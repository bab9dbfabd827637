import Foundation

extension DeliveryPipeline {
    /// Starts every request that is due, up to the concurrency limit, and arms
    /// the timer for the next instant something becomes due (linger, retry,
    /// pause). Called after every change.
    func schedule() {
        guard runState != .stopped else { return }
        let now = monotonicNow()
        promoteDueRetries(now: now)
        while inFlightRequests < settings.maxConcurrentRequests {
            if let pause = retry.pause(at: now) {
                armWake(at: pause)
                break
            }
            let picked = pickCandidates(now: now)
            let decision = builder.decide(picked.map(\.candidate), now: now, force: forceCount > 0 || runState == .draining)
            switch decision {
            case .send(let count):
                let batch = Array(picked.prefix(count))
                take(batch)
                startDelivery(batch.map(\.slot.id))
                continue
            case .wait(let until):
                armWake(at: min(until, delayed.first?.due ?? until))
                unscannedCount = picked.count
                unscannedBytes = picked.reduce(0) { $0 + $1.candidate.messageBytes + 1 }
            case .idle:
                if let due = delayed.first?.due { armWake(at: due) }
                unscannedCount = 0
                unscannedBytes = 0
            }
            break
        }
        publishGauges()
    }

    struct Picked: Sendable {
        var slot: Slot
        var fromRetryQueue: Bool
        var index: Int
        var candidate: BatchBuilder.Candidate
    }

    /// The first waiting events (retries first, then fresh ones), enough for
    /// one request; expired events found on the way are dropped.
    func pickCandidates(now: Date) -> [Picked] {
        let limit = builder.maxMessages + 1
        var picked: [Picked] = []
        var expired: [String] = []
        let maxAge = settings.limits.maxAge.seconds
        let wallNow = settings.now()
        for fromRetry in [true, false] {
            var firstLive: Int?
            let range = fromRetry ? retryQueue.indices : freshQueue.indices
            for index in range {
                if picked.count >= limit { break }
                let slot = fromRetry ? retryQueue[index] : freshQueue[index]
                guard isLive(slot, phase: .queued), let entry = entries[slot.id] else { continue }
                if wallNow.timeIntervalSince(entry.enqueuedAt) >= maxAge {
                    expired.append(entry.id)
                    continue
                }
                if firstLive == nil { firstLive = index }
                picked.append(Picked(
                    slot: slot, fromRetryQueue: fromRetry, index: index,
                    candidate: BatchBuilder.Candidate(messageBytes: envelope.messageBytes(payloadBytes: entry.payloadBytes), readySince: entry.readySince)
                ))
            }
            // Skip dead slots at the head for good.
            let target = firstLive ?? (picked.count < limit ? Int.max : range.lowerBound)
            if fromRetry { retryQueue.advance(to: target) } else { freshQueue.advance(to: target) }
        }
        if !expired.isEmpty {
            log(.warning, "dropping \(expired.count) events older than outboxLimits.maxAge \(settings.limits.maxAge)")
            for id in expired {
                markResolving(id)
                if let entry = entries[id] { release(entry) }
            }
            let resolutions = expired.map { ($0, DeliveryReport.Outcome.dropped(.expired)) }
            Task { await self.resolve(resolutions, alreadyReleased: true) }
        }
        return picked
    }

    /// Marks the picked events in flight and removes them from their queues.
    func take(_ batch: [Picked]) {
        for item in batch {
            guard var entry = entries[item.slot.id] else { continue }
            entry.phase = .inFlight
            entries[item.slot.id] = entry
            inFlightEvents += 1
        }
        // The taken events are the first live ones of each queue; anything
        // before them is dead, so the heads move past them.
        if let lastRetry = batch.last(where: \.fromRetryQueue) { advancePast(lastRetry.slot, inRetryQueue: true) }
        if let lastFresh = batch.last(where: { !$0.fromRetryQueue }) { advancePast(lastFresh.slot, inRetryQueue: false) }
    }

    private func advancePast(_ slot: Slot, inRetryQueue: Bool) {
        let range = inRetryQueue ? retryQueue.indices : freshQueue.indices
        for index in range where (inRetryQueue ? retryQueue[index] : freshQueue[index]) == slot {
            if inRetryQueue { retryQueue.advance(to: index + 1) } else { freshQueue.advance(to: index + 1) }
            return
        }
    }

    /// Moves retries whose time has come to the retry queue.
    func promoteDueRetries(now: Date) {
        var moved = 0
        while moved < delayed.count, delayed[moved].due <= now {
            let item = delayed[moved]
            moved += 1
            guard isLive(item.slot, phase: .delayed), var entry = entries[item.slot.id] else { continue }
            entry.phase = .queued
            entry.readySince = item.due
            entries[item.slot.id] = entry
            retryQueue.append(item.slot)
        }
        if moved > 0 { delayed.removeFirst(moved) }
    }

    /// Wakes ``schedule()`` at `date` (the earliest armed date wins).
    func armWake(at date: Date) {
        if let wakeAt, wakeAt <= date, wakeTask != nil { return }
        wakeTask?.cancel()
        wakeToken += 1
        let token = wakeToken
        wakeAt = date
        let delay = max(0, date.timeIntervalSince(monotonicNow()))
        wakeTask = Task { [weak self] in
            try? await Task.sleep(for: .seconds(delay))
            guard !Task.isCancelled else { return }
            await self?.wake(token)
        }
    }

    func wake(_ token: UInt64) {
        guard token == wakeToken else { return }
        wakeTask = nil
        wakeAt = nil
        schedule()
    }

    func startDelivery(_ ids: [String]) {
        inFlightRequests += 1
        let token = nextToken
        nextToken += 1
        deliveryTasks[token] = Task {
            await self.deliver(ids)
            self.deliveryFinished(token)
        }
    }

    func deliveryFinished(_ token: UInt64) {
        deliveryTasks[token] = nil
        inFlightRequests -= 1
        schedule()
    }
}
