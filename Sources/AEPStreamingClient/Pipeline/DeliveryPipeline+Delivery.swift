import Foundation

extension DeliveryPipeline {
    /// Sends the events with these ids in one request (splitting on 413 and
    /// on a whole-request 400) and applies the answer.
    func deliver(_ ids: [String]) async {
        guard runState != .stopped, !ids.isEmpty else { return }
        let payloads: [Data?]
        do {
            payloads = try await outbox.payloads(for: ids)
        } catch {
            guard runState != .stopped else { return }
            log(.error, "cannot read \(ids.count) events from the outbox: \(error.reason)")
            await applyAndResolve(.retryAll(status: nil, message: "outbox read failed: \(error.reason)", retryAfter: nil), to: ids)
            return
        }
        var present: [(id: String, payload: Data)] = []
        var missing: [(String, DeliveryReport.Outcome)] = []
        for (id, payload) in zip(ids, payloads) {
            if let payload {
                present.append((id, payload))
            } else {
                missing.append((id, .deadLettered(status: nil, message: "the payload is missing from the outbox")))
            }
        }
        if !missing.isEmpty {
            for (id, _) in missing { markInFlightDone(id) }
            await resolve(missing)
        }
        guard !present.isEmpty else { return }
        let outcome = await exchange(present.map(\.payload), count: present.count)
        guard runState != .stopped else { return }
        let presentIDs = present.map(\.id)
        if case .split(let status, let message) = outcome, presentIDs.count > 1 {
            log(.warning, "AEP answered \(status) to \(presentIDs.count) messages (\(message)); splitting the request")
            let half = presentIDs.count / 2
            await deliver(Array(presentIDs[..<half]))
            await deliver(Array(presentIDs[half...]))
            return
        }
        await applyAndResolve(outcome, to: presentIDs)
    }

    /// One request, repeated once after a token refresh (401/403) and once
    /// without `syncValidation` (501).
    func exchange(_ payloads: [Data], count: Int) async -> BatchOutcome {
        var refreshed = false
        while true {
            let single = !settings.batchMode
            let body = single ? envelope.message(payloads[0]) : envelope.batch(payloads)
            var url = single ? settings.singleURL : settings.batchURL
            let sync = single && syncValidation
            if sync, var components = URLComponents(url: url, resolvingAgainstBaseURL: false) {
                components.queryItems = (components.queryItems ?? []) + [URLQueryItem(name: "syncValidation", value: "true")]
                url = components.url ?? url
            }
            var headers = settings.headers
            let token: Secret?
            do {
                token = try await tokens.token()
            } catch {
                return .retryAll(status: nil, message: error.reason, retryAfter: nil)
            }
            if let token { headers.append(("Authorization", "Bearer \(token.value)")) }
            let request = HTTPTransportRequest(url: url, headers: headers, body: body, timeout: settings.requestTimeout)
            let clock = ContinuousClock()
            let started = clock.now
            let response: HTTPTransportResponse
            do {
                response = try await transport.send(request)
            } catch {
                metrics.request(status: nil, bytes: body.count, latency: clock.now - started)
                log(.warning, "request with \(count) messages failed: \(error.reason)")
                return .retryAll(status: nil, message: error.reason, retryAfter: nil)
            }
            metrics.request(status: response.status, bytes: body.count, latency: clock.now - started)
            log(.debug, "POST \(URLSessionTransport.describe(url)) with \(count) messages → \(response.status)")
            let outcome = ResponseClassifier.classify(
                status: response.status, retryAfterHeader: response.header("Retry-After"), body: response.body,
                messageCount: count, syncValidation: sync, now: settings.now()
            )
            switch outcome {
            case .refreshAuthentication(let status, let message):
                if tokens.canRefresh, !refreshed {
                    refreshed = true
                    log(.warning, "AEP answered \(status) (\(message)); refreshing the access token and resending once")
                    await tokens.invalidate(token)
                    continue
                }
                let detail = refreshed ? "after a token refresh" : (tokens.canRefresh ? "" : "(the configured token cannot be refreshed)")
                log(.error, "AEP refused authentication \(detail): \(status) \(message); the events are retried with backoff and dead-lettered when retries run out")
                return .retryAll(status: status, message: "authentication refused \(detail): \(message)", retryAfter: nil)
            case .disableSyncValidation(let message):
                syncValidation = false
                log(.warning, "syncValidation is not supported here (501: \(message)); resending without it from now on")
                continue
            default:
                return outcome
            }
        }
    }

    func applyAndResolve(_ outcome: BatchOutcome, to ids: [String]) async {
        let resolutions = apply(outcome, to: ids)
        if !resolutions.isEmpty { await resolve(resolutions) }
        schedule()
    }

    /// Updates the retry state and the entries; returns the events resolved for good.
    @discardableResult
    func apply(_ outcome: BatchOutcome, to ids: [String]) -> [(String, DeliveryReport.Outcome)] {
        let now = monotonicNow()
        let wallNow = settings.now()
        var resolved: [(String, DeliveryReport.Outcome)] = []
        switch outcome {
        case .perMessage(let verdicts, let retryAfter):
            retry.requestSucceeded()
            if let retryAfter { retry.pause(until: monotonic(fromWall: retryAfter, wallNow: wallNow), now: now) }
            for (id, verdict) in zip(ids, verdicts) {
                markInFlightDone(id, countAttempt: true)
                switch verdict {
                case .delivered(let xactionID):
                    resolved.append((id, .delivered(xactionID: xactionID)))
                case .reject(let status, let message):
                    resolved.append((id, .deadLettered(status: status, message: message)))
                case .retry(let status, let message):
                    let fraction = RetryStateMachine.unitInterval(using: &random)
                    if let outcome = scheduleRetry(id, status: status, message: message, fraction: fraction, now: now, wallNow: wallNow) {
                        resolved.append((id, outcome))
                    }
                }
            }
        case .retryAll(let status, let message, let retryAfter):
            let until = retry.requestFailed(now: now, retryAfter: retryAfter.map { monotonic(fromWall: $0, wallNow: wallNow) }, random: &random)
            log(.warning, "\(status.map { "HTTP \($0)" } ?? "no answer") for \(ids.count) messages (\(message)); pausing requests for \(String(format: "%.3f", until.timeIntervalSince(now))) s")
            let fraction = RetryStateMachine.unitInterval(using: &random)
            for id in ids {
                markInFlightDone(id, countAttempt: true)
                if let outcome = scheduleRetry(id, status: status, message: message, fraction: fraction, now: now, wallNow: wallNow) {
                    resolved.append((id, outcome))
                }
            }
        case .rejectAll(let status, let message):
            retry.requestSucceeded()
            for id in ids {
                markInFlightDone(id, countAttempt: true)
                resolved.append((id, .deadLettered(status: status, message: message)))
            }
        case .split(let status, let message):
            // Only reached for one message, which cannot be split further.
            for id in ids {
                markInFlightDone(id, countAttempt: true)
                resolved.append((id, .deadLettered(status: status, message: message)))
            }
        case .refreshAuthentication(let status, let message):
            for id in ids {
                markInFlightDone(id, countAttempt: true)
                if let outcome = scheduleRetry(id, status: status, message: message, fraction: 1, now: now, wallNow: wallNow) { resolved.append((id, outcome)) }
            }
        case .disableSyncValidation(let message):
            for id in ids {
                markInFlightDone(id, countAttempt: true)
                if let outcome = scheduleRetry(id, status: 501, message: message, fraction: 0, now: now, wallNow: wallNow) { resolved.append((id, outcome)) }
            }
        }
        for (id, outcome) in resolved {
            if case .deadLettered(let status, let message) = outcome {
                log(.error, "event \(id) dead-lettered: \(status.map(String.init) ?? "no status") \(message)")
            }
        }
        publishGauges()
        return resolved
    }

    /// Schedules a retry, or returns the dead-letter outcome when retries ran out.
    private func scheduleRetry(_ id: String, status: Int?, message: String, fraction: Double, now: Date, wallNow: Date) -> DeliveryReport.Outcome? {
        guard var entry = entries[id] else { return nil }
        let ceiling = retry.backoffCeiling(afterAttempt: max(1, entry.attempts))
        let decision = retry.decide(
            attempts: entry.attempts, age: .seconds(max(0, wallNow.timeIntervalSince(entry.enqueuedAt))), now: now, delay: .seconds(ceiling * fraction)
        )
        switch decision {
        case .deadLetter(let reason):
            return .deadLettered(status: status, message: "\(message) (\(reason))")
        case .retry(let at):
            entry.phase = .delayed
            entry.generation += 1
            entries[id] = entry
            insertDelayed(DelayedSlot(due: at, slot: Slot(id: id, generation: entry.generation)))
            metrics.update { $0.retried += 1 }
            return nil
        }
    }

    /// An in-flight event got its answer.
    func markInFlightDone(_ id: String, countAttempt: Bool = false) {
        guard var entry = entries[id], entry.phase == .inFlight else { return }
        entry.phase = .queued
        entry.generation += 1
        if countAttempt { entry.attempts += 1 }
        entries[id] = entry
        inFlightEvents -= 1
    }
}
