import Foundation

extension DeliveryPipeline {
    /// Takes an event out of scheduling while its outbox removal runs.
    func markResolving(_ id: String) {
        guard var entry = entries[id] else { return }
        if entry.phase == .inFlight { inFlightEvents -= 1 }
        entry.phase = .resolving
        entry.generation += 1
        entries[id] = entry
    }

    /// Frees the room an event held and wakes waiting senders.
    func release(_ entry: Entry) {
        heldCount -= 1
        heldBytes -= entry.payloadBytes
        wakeSpaceWaiters()
    }

    /// Forgets an entry that never became durable.
    func forget(_ entry: Entry) {
        entries[entry.id] = nil
        release(entry)
        settleFlushWaiters(seq: entry.seq)
        publishGauges()
    }

    /// Removes resolved events from the outbox (exactly, by id), then reports them.
    func resolve(_ resolutions: [(String, DeliveryReport.Outcome)], alreadyReleased: Bool = false) async {
        guard !resolutions.isEmpty else { return }
        if !alreadyReleased {
            for (id, _) in resolutions { markResolving(id) }
        }
        let ids = resolutions.map(\.0)
        do {
            try await outbox.remove(ids)
        } catch {
            if runState == .stopped { return }
            log(.error, "could not remove \(ids.count) resolved events from the outbox (\(error.reason)); they may be sent again after a restart")
        }
        for (id, outcome) in resolutions {
            finalize(id, outcome, alreadyReleased: alreadyReleased)
        }
        publishGauges()
    }

    private func finalize(_ id: String, _ outcome: DeliveryReport.Outcome, alreadyReleased: Bool) {
        guard let entry = entries.removeValue(forKey: id) else { return }
        if !alreadyReleased { release(entry) }
        metrics.update { metrics in
            switch outcome {
            case .delivered: metrics.delivered += 1
            case .deadLettered: metrics.deadLettered += 1
            case .dropped(let reason): metrics.dropped[reason, default: 0] += 1
            }
        }
        let report = DeliveryReport(eventID: id, outcome: outcome, attempts: entry.attempts)
        if case .dropped = reports.yield(report) {
            metrics.update { $0.reportsDiscarded += 1 }
        }
        settleFlushWaiters(seq: entry.seq)
    }

    /// One event with this sequence number is gone: flushes that waited for it count down.
    func settleFlushWaiters(seq: UInt64) {
        guard !flushWaiters.isEmpty else { return }
        for (token, var waiter) in flushWaiters where seq <= waiter.upTo {
            waiter.remaining -= 1
            if waiter.remaining <= 0 {
                flushWaiters[token] = nil
                waiter.continuation.resume(returning: true)
            } else {
                flushWaiters[token] = waiter
            }
        }
    }

    // MARK: - Flush and shutdown

    /// Sends everything held now without waiting for the linger, and waits
    /// until those events are resolved or `timeout` passes.
    func flush(timeout: Duration) async -> Bool {
        let held = entries.count
        guard held > 0, runState != .stopped else { return entries.isEmpty }
        let token = nextToken
        nextToken += 1
        let upTo = nextSeq == 0 ? 0 : nextSeq - 1
        forceCount += 1
        defer {
            forceCount -= 1
        }
        let timer = Task { [weak self] in
            try? await Task.sleep(for: timeout)
            guard !Task.isCancelled else { return }
            await self?.flushTimedOut(token)
        }
        let done = await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            flushWaiters[token] = FlushWaiter(upTo: upTo, remaining: held, continuation: continuation)
            schedule()
        }
        timer.cancel()
        return done
    }

    func flushTimedOut(_ token: UInt64) {
        flushWaiters.removeValue(forKey: token)?.continuation.resume(returning: false)
    }

    /// Stops accepting events, delivers what it can until `deadline`, then
    /// stops; what is left stays in the outbox for the next start.
    func shutdown(deadline: ContinuousClock.Instant) async -> AEPStreamingClient.ShutdownResult {
        guard runState == .running else {
            return AEPStreamingClient.ShutdownResult(drained: entries.isEmpty, remaining: entries.count)
        }
        runState = .draining
        wakeSpaceWaiters(throwing: AEPStreamingClientError(.shutDown, "the client is shutting down"))
        log(.info, "shutting down: draining \(entries.count) events")
        let remainingTime = ContinuousClock().now.duration(to: deadline)
        let drained = remainingTime > .zero ? await flush(timeout: remainingTime) : entries.isEmpty
        runState = .stopped
        wakeTask?.cancel()
        wakeTask = nil
        for task in deliveryTasks.values { task.cancel() }
        deliveryTasks = [:]
        for (token, waiter) in flushWaiters {
            flushWaiters[token] = nil
            waiter.continuation.resume(returning: false)
        }
        let remaining = entries.values.filter { $0.phase != .admitting }.count
        await outbox.close()
        log(.info, drained ? "shut down: everything delivered" : "shut down with \(remaining) events left in the outbox for the next start")
        reports.finish()
        publishGauges()
        return AEPStreamingClient.ShutdownResult(drained: drained && remaining == 0, remaining: remaining)
    }
}
