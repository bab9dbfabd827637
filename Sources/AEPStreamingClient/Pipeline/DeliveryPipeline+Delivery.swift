import Foundation

extension DeliveryPipeline {
    /// Sends one request the machine started and hands it the answer.
    func deliver(_ request: DeliveryStateMachine.Request) async {
        let events = request.events
        let payloads: [Data?]
        do {
            payloads = try await outbox.payloads(for: request.eventIDs)
        } catch {
            guard !Task.isCancelled else { return }
            log(.error, "cannot read \(events.count) events from the outbox: \(error.reason)")
            let failure = RequestFailure(cause: .unavailable, status: nil, message: "outbox read failed: \(error.reason)", retryAfter: nil)
            perform(machine.answered(request.number, sent: events, outcome: .requestFailed(failure), now: now()))
            return
        }
        var sent: [DeliveryStateMachine.EventRef] = []
        var bodies: [Data] = []
        var missing: [DeliveryStateMachine.EventRef] = []
        sent.reserveCapacity(events.count)
        bodies.reserveCapacity(events.count)
        for (id, payload) in zip(events, payloads) {
            if let payload {
                sent.append(id)
                bodies.append(payload)
            } else {
                missing.append(id)
            }
        }
        if !missing.isEmpty { perform(machine.missingFromOutbox(missing, now: now())) }
        let outcome: BatchOutcome = bodies.isEmpty ? .perMessage([], retryAfter: nil) : await exchange(bodies)
        guard !Task.isCancelled else { return }
        perform(machine.answered(request.number, sent: sent, outcome: outcome, now: now()))
    }

    /// One request, repeated once after a token refresh (401/403) and once
    /// without `syncValidation` (501).
    func exchange(_ payloads: [Data]) async -> BatchOutcome {
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
                return .requestFailed(RequestFailure(cause: .configuration, status: nil, message: error.reason, retryAfter: nil))
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
                return .requestFailed(RequestFailure(cause: .unavailable, status: nil, message: tokens.redactor.redact(error.reason), retryAfter: nil))
            }
            metrics.request(status: response.status, bytes: body.count, latency: clock.now - started)
            log(.debug, "POST \(URLSessionTransport.describe(url)) with \(payloads.count) messages → \(response.status)")
            // Everything below may reach a log, a report or a dead letter: no secret the inlet echoes survives.
            let outcome = ResponseClassifier.classify(
                status: response.status, retryAfterHeader: response.header("Retry-After"), locationHeader: response.header("Location"),
                body: response.body, bodyTruncated: response.bodyTruncated, messageCount: payloads.count, batchEndpoint: !single,
                syncValidation: sync, now: settings.now()
            ).redacted(by: tokens.redactor)
            switch outcome {
            case .refreshAuthentication(let status, let message):
                if tokens.canRefresh, !refreshed {
                    refreshed = true
                    log(.warning, "AEP answered \(status) (\(message)); refreshing the access token and resending once")
                    await tokens.invalidate(token)
                    continue
                }
                let detail = refreshed ? "after a token refresh" : (tokens.canRefresh ? "" : "(the configured token cannot be refreshed)")
                return .requestFailed(RequestFailure(
                    cause: .configuration, status: status, message: "authentication refused \(detail): \(message)", retryAfter: nil
                ))
            case .disableSyncValidation(let message):
                syncValidation = false
                log(.warning, "syncValidation is not supported here (501: \(message)); resending without it from now on")
                continue
            default:
                return outcome
            }
        }
    }
}
