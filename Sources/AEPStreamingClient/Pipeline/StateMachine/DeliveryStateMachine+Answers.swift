import Foundation

extension DeliveryStateMachine {
    /// A request came back. `sent` are the events whose payloads went out, in
    /// request order (a subset of the request's when some were missing from
    /// the outbox, see ``missingFromOutbox(_:now:)``).
    mutating func answered(_ number: UInt64, sent: [EventRef], outcome: BatchOutcome, now: Now) -> [Action] {
        guard runState != .stopped, let request = inFlight.removeValue(forKey: number) else { return [] }
        // Every payload was missing: nothing went out, nothing was learned.
        guard !sent.isEmpty else { return schedule(now: now) }
        let ids = sent.filter { entries[$0.seq]?.phase == .inFlight }
        var actions: [Action] = []
        var resolutions: [Resolution] = []
        switch outcome {
        case .perMessage(let verdicts, let retryAfter):
            inletAnswered(&actions)
            if let retryAfter { retry.pause(until: now.scheduling(fromWall: retryAfter), now: now.scheduling) }
            for (id, verdict) in zip(sent, verdicts) where entries[id.seq]?.phase == .inFlight {
                switch verdict {
                case .delivered(let xactionID):
                    resolutions.append(resolve(id, .delivered(xactionID: xactionID)))
                case .reject(let status, let message):
                    resolutions.append(resolve(id, .deadLettered(status: status, message: message)))
                case .retry(let status, let message):
                    if let resolution = ownFailure(id, status: status, message: message, now: now) { resolutions.append(resolution) }
                }
            }
        case .rejectAll(let status, let message):
            inletAnswered(&actions)
            for id in ids { resolutions.append(resolve(id, .deadLettered(status: status, message: message))) }
        case .split(let status, let message):
            inletAnswered(&actions)
            if ids.count > 1 {
                actions.append(.log(.warning, "AEP answered \(status) to \(ids.count) messages (\(message)); sending the halves separately"))
                isolate(ids, now: now)
            } else {
                for id in ids { resolutions.append(resolve(id, .deadLettered(status: status, message: message))) }
            }
        case .requestFailed(let failure):
            requestFailed(request, ids: ids, failure: failure, now: now, resolutions: &resolutions, actions: &actions)
        case .refreshAuthentication(let status, let message):
            // The actor refreshes and resends once; this answer came after that.
            let failure = RequestFailure(cause: .configuration, status: status, message: "authentication refused: \(message)", retryAfter: nil)
            requestFailed(request, ids: ids, failure: failure, now: now, resolutions: &resolutions, actions: &actions)
        case .disableSyncValidation:
            // The actor resends without syncValidation; nothing to count.
            for id in ids { requeueForRetry(id, now: now) }
        }
        // Events the answer did not mention (a short verdict list) are not proven delivered.
        for id in sent.dropFirst(verdictCount(outcome, sent.count)) where entries[id.seq]?.phase == .inFlight {
            if let resolution = ownFailure(id, status: nil, message: "the answer had no verdict for this message", now: now) { resolutions.append(resolution) }
        }
        for resolution in resolutions {
            if case .deadLettered(let status, let message) = resolution.outcome {
                actions.append(.log(.error, "event \(resolution.id) dead-lettered: \(status.map(String.init) ?? "no status") \(message)"))
            }
        }
        if !resolutions.isEmpty { actions.append(.resolve(resolutions)) }
        return actions + schedule(now: now)
    }

    /// How many of `count` events an outcome speaks for.
    private func verdictCount(_ outcome: BatchOutcome, _ count: Int) -> Int {
        if case .perMessage(let verdicts, _) = outcome { return min(count, verdicts.count) }
        return count
    }

    /// Payloads the outbox no longer has: nothing can be sent or kept for them.
    mutating func missingFromOutbox(_ ids: [EventRef], now: Now) -> [Action] {
        let resolutions = ids.filter { entries[$0.seq]?.phase == .inFlight }.map {
            resolve($0, .deadLettered(status: nil, message: "the payload is missing from the outbox"))
        }
        guard !resolutions.isEmpty else { return [] }
        return [.log(.error, "\(resolutions.count) events have no payload in the outbox"), .resolve(resolutions)]
    }

    // MARK: - The inlet's health

    private mutating func inletAnswered(_ actions: inout [Action]) {
        // The state change an operator waits for after "the inlet is unavailable".
        if retry.consecutiveFailures > 0 {
            actions.append(.log(.info, "the inlet answers again after \(retry.consecutiveFailures) failed requests: delivery resumes"))
        }
        answeredRequests += 1
        lastFailedProbe = nil
        retry.requestSucceeded()
    }

    private mutating func requestFailed(
        _ request: Request, ids: [EventRef], failure: RequestFailure, now: Now, resolutions: inout [Resolution], actions: inout [Action]
    ) {
        counters.requestFailures += 1
        let status = failure.status.map { "HTTP \($0)" } ?? "no answer"
        // A server error for a batch that failed before, although the inlet has
        // answered other requests since: the batch, not the inlet, is at fault.
        let batchAtFault = failure.cause == .serverError && ids.contains { id in
            entries[id.seq]?.failedAtAnswerCount.map { $0 < answeredRequests } ?? false
        }
        if batchAtFault {
            if ids.count > 1 {
                counters.isolationSplits += 1
                actions.append(.log(.warning, "\(status) again for \(ids.count) messages while the inlet takes other requests (\(failure.message)); sending the halves separately"))
                // The halves keep the mark of the first failure: a half that fails
                // again is halved at once, without waiting for another success.
                isolate(ids, now: now)
            } else if let id = ids.first {
                markFailed(id)
                if let resolution = ownFailure(id, status: failure.status, message: failure.message, now: now) { resolutions.append(resolution) }
            }
            return
        }
        let until = retry.requestFailed(now: now.scheduling, retryAfter: failure.retryAfter.map(now.scheduling(fromWall:)), random: &random)
        let pause = String(format: "%.3f", until.timeIntervalSince(now.scheduling))
        let level: ChatlioLogRecord.Level = failure.cause == .configuration ? .error : .warning
        actions.append(.log(level, "\(status) for \(ids.count) messages (\(failure.message)); the inlet is unavailable: \(ids.count) events wait (no attempt counted), requests pause \(pause) s, then one probe"))
        if request.kind == .probe { lastFailedProbe = ids.first?.seq }
        if request.kind == .isolation {
            for id in ids { markFailed(id) }
            let slots = ids.compactMap { requeue($0.seq, as: .isolated, readySince: now.scheduling) }
            if !slots.isEmpty { isolationQueue.insert(slots, at: 0) }
        } else {
            for id in ids {
                markFailed(id)
                requeueForRetry(id, now: now)
            }
        }
    }

    private mutating func markFailed(_ id: EventRef) {
        entries[id.seq]?.failedAtAnswerCount = answeredRequests
    }

    /// Puts an event back in the retry queue without a penalty.
    private mutating func requeueForRetry(_ id: EventRef, now: Now) {
        if let slot = requeue(id.seq, as: .queued, readySince: now.scheduling) { retryQueue.append(slot) }
    }

    /// Halves `ids` into two isolation groups, sent next and as they are.
    private mutating func isolate(_ ids: [EventRef], now: Now) {
        let half = ids.count / 2
        let first = ids[..<half].compactMap { requeue($0.seq, as: .isolated, readySince: now.scheduling) }
        let second = ids[half...].compactMap { requeue($0.seq, as: .isolated, readySince: now.scheduling) }
        isolationQueue.insert(contentsOf: [first, second].filter { !$0.isEmpty }, at: 0)
    }

    // MARK: - One event

    /// Takes an event out of scheduling with its final fate.
    mutating func resolve(_ id: EventRef, _ outcome: DeliveryReport.Outcome) -> Resolution {
        _ = requeue(id.seq, as: .resolving)
        let entry = entries[id.seq]
        return Resolution(
            seq: id.seq, id: id.id, outcome: outcome, sends: entry?.sends ?? 0, enqueuedAt: entry?.enqueuedAt ?? .distantPast, firstSentAt: entry?.firstSentAt
        )
    }

    /// The event itself failed in a way that may pass: retry after its own
    /// backoff, or dead-letter it once its attempts ran out.
    private mutating func ownFailure(_ id: EventRef, status: Int?, message: String, now: Now) -> Resolution? {
        guard let failures = entries[id.seq]?.countOwnFailure() else { return nil }
        let ceiling = retry.backoffCeiling(afterAttempt: failures)
        switch retry.decide(attempts: failures, now: now.scheduling, delay: .seconds(ceiling * jitter())) {
        case .deadLetter(let reason):
            return resolve(id, .deadLettered(status: status, message: "\(message) (\(reason))"))
        case .retry(let at):
            guard let slot = requeue(id.seq, as: .delayed) else { return nil }
            insertDelayed(DelayedSlot(due: at, slot: slot))
            counters.retried += 1
            return nil
        }
    }
}
