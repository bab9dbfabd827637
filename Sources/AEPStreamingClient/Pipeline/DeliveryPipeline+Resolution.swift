import ChatlioJSON
import Foundation

extension DeliveryPipeline {
    /// Keeps the dead letters, removes the resolved events from the outbox
    /// (exactly, by id), then reports them. An event leaves the outbox only
    /// after its dead letter is durable: a kill in between keeps it twice,
    /// never zero times.
    func resolve(_ resolutions: [DeliveryStateMachine.Resolution]) async {
        guard !resolutions.isEmpty else { return }
        var removable: [DeliveryStateMachine.Resolution] = []
        var dead: [DeliveryStateMachine.Resolution] = []
        for resolution in resolutions {
            if case .deadLettered = resolution.outcome { dead.append(resolution) } else { removable.append(resolution) }
        }
        if !dead.isEmpty {
            let (kept, refused, reason) = await keepDeadLetters(dead)
            removable += kept
            if !refused.isEmpty { perform(machine.parked(refused, reason: reason ?? "unknown")) }
        }
        guard !removable.isEmpty else { return }
        do {
            try await outbox.remove(removable.map(\.id))
        } catch {
            if Task.isCancelled { return }
            log(.error, "could not remove \(removable.count) resolved events from the outbox (\(error.reason)); they may be sent again after a restart")
        }
        let (finalized, actions) = machine.resolved(removable)
        // Metrics first: a report's consumer or a flush's caller runs on another thread the moment it is woken,
        // and reads them at once.
        perform(actions)
        let discarded = reports.yield(contentsOf: finalized.map(\.report))
        if discarded > 0 { metrics.update { $0.reportsDiscarded += discarded } }
        for item in finalized { settleFlushWaiters(seq: item.seq) }
    }

    /// Writes each dead letter, payload read from the outbox; returns the kept
    /// ones, the refused ones and why.
    private func keepDeadLetters(
        _ dead: [DeliveryStateMachine.Resolution]
    ) async -> (kept: [DeliveryStateMachine.Resolution], refused: [DeliveryStateMachine.Resolution], reason: String?) {
        let payloads: [Data?]
        do {
            payloads = try await outbox.payloads(for: dead.map(\.id))
        } catch {
            return ([], dead, "the outbox could not be read: \(error.reason)")
        }
        var kept: [DeliveryStateMachine.Resolution] = []
        var refused: [DeliveryStateMachine.Resolution] = []
        var reason: String?
        let deadLetteredAt = settings.now()
        for (resolution, payload) in zip(dead, payloads) {
            guard case .deadLettered(let status, let message) = resolution.outcome else { continue }
            let payload = payload ?? Data()
            let letter = DeadLetter(
                entry: DeadLetterEntry(
                    id: resolution.id, kind: Self.eventType(of: payload), status: status, reason: message, attempts: resolution.sends,
                    enqueuedAt: resolution.enqueuedAt, firstSentAt: resolution.firstSentAt, deadLetteredAt: deadLetteredAt
                ),
                payload: payload
            )
            do {
                try await deadLetters.add(letter)
                kept.append(resolution)
            } catch {
                reason = error.reason
                refused.append(resolution)
            }
        }
        return (kept, refused, reason)
    }

    /// The payload's top-level XDM `eventType`, when it has one.
    static func eventType(of payload: Data) -> String? {
        guard let value = try? JSONValue(parsing: payload, options: JSONParsingOptions(maxBytes: 4 << 20, maxDepth: 128)) else { return nil }
        return value["eventType"]?.stringValue
    }

    /// One event with this sequence number is gone: flushes that waited for it count down.
    func settleFlushWaiters(seq: UInt64) {
        guard !flushWaiters.isEmpty else { return }
        // Counted down in place: writing back while iterating the dictionary would copy it for every event.
        var index = flushWaiters.startIndex
        var done: [UInt64] = []
        while index != flushWaiters.endIndex {
            if seq <= flushWaiters.values[index].upTo {
                flushWaiters.values[index].remaining -= 1
                if flushWaiters.values[index].remaining <= 0 { done.append(flushWaiters.keys[index]) }
            }
            index = flushWaiters.index(after: index)
        }
        for key in done { flushWaiters.removeValue(forKey: key)?.continuation.resume(returning: true) }
    }

    // MARK: - Dead letters

    /// Sends dead letters again: each goes back into the outbox under its own
    /// `_id` with a fresh enqueue time and no attempts, and leaves the store
    /// once it is durable in the outbox.
    func redrive(_ ids: [String]) async throws(AEPStreamingClientError) -> Int {
        var count = 0
        for id in ids {
            guard let letter = try await deadLetters.letter(id: id) else {
                throw AEPStreamingClientError(.deadLetterNotFound, "no dead letter has the id \(id)")
            }
            guard let (enqueuedAt, seq) = try await admit(id: id, payloadBytes: letter.payload.count) else {
                // Held already (sent again meanwhile): the letter is redundant.
                try await deadLetters.remove([id])
                count += 1
                continue
            }
            do {
                try await outbox.append(OutboxRecord(id: id, payload: letter.payload, enqueuedAt: enqueuedAt))
            } catch {
                admissionFailed(id: id, seq: seq, error: error)
                throw error
            }
            admitted(id: id, seq: seq)
            try await deadLetters.remove([id])
            count += 1
        }
        if count > 0 {
            log(.info, "redrove \(count) dead letters into the outbox")
            perform(machine.retryParked())
        }
        return count
    }

    /// Removes dead letters for good.
    func purgeDeadLetters(_ ids: [String]) async throws(AEPStreamingClientError) {
        try await deadLetters.remove(ids)
        log(.info, "purged \(ids.count) dead letters")
        perform(machine.retryParked())
    }

    // MARK: - Flush and shutdown

    /// Sends everything held now without waiting for the linger, and waits
    /// until those events are resolved or `timeout` passes.
    func flush(timeout: Duration) async -> Bool {
        let held = machine.heldEvents
        guard held > 0, machine.runState != .stopped else { return held == 0 }
        let key = nextFlushWaiter
        nextFlushWaiter += 1
        let upTo = machine.newestSeq
        defer { machine.endForcing() }
        let timer = Task { [weak self] in
            try? await Task.sleep(for: timeout)
            guard !Task.isCancelled else { return }
            await self?.flushTimedOut(key)
        }
        let done = await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            flushWaiters[key] = FlushWaiter(upTo: upTo, remaining: held, continuation: continuation)
            perform(machine.beginForcing(now: now()))
        }
        timer.cancel()
        return done
    }

    func flushTimedOut(_ key: UInt64) {
        flushWaiters.removeValue(forKey: key)?.continuation.resume(returning: false)
    }

    /// Stops accepting events, delivers what it can until `deadline`, then
    /// stops; what is left stays in the outbox for the next start.
    func shutdown(deadline: ContinuousClock.Instant) async -> AEPStreamingClient.ShutdownResult {
        guard machine.runState == .running else {
            return AEPStreamingClient.ShutdownResult(drained: machine.heldEvents == 0, remaining: machine.heldEvents)
        }
        wakeSpaceWaiters(throwing: AEPStreamingClientError(.shutDown, "the client is shutting down"))
        perform(machine.drain(now: now()))
        let remainingTime = ContinuousClock().now.duration(to: deadline)
        let drained = remainingTime > .zero ? await flush(timeout: remainingTime) : machine.heldEvents == 0
        let remaining = machine.stop()
        timerTask?.cancel()
        timerTask = nil
        for task in tasks.values { task.cancel() }
        tasks = [:]
        for (key, waiter) in flushWaiters {
            flushWaiters[key] = nil
            waiter.continuation.resume(returning: false)
        }
        await outbox.close()
        log(.info, drained ? "shut down: everything delivered" : "shut down with \(remaining) events left in the outbox for the next start")
        reports.finish()
        publishMetrics()
        return AEPStreamingClient.ShutdownResult(drained: drained && remaining == 0, remaining: remaining)
    }
}
