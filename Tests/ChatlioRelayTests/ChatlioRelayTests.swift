import ChatlioAEPSupport
import ChatlioAEPTestSupport
import ChatlioRelay
import ChatlioWebhooks
import ChatlioXDMMapper
import Foundation
import Testing
import XDMSchemaRegistry

@Suite struct ChatlioRelayTests {
    @Test(arguments: SamplePayloads.all)
    func everySampleIsAcceptedAsAValidEvent(sample: SamplePayloads.Sample) async throws {
        let sink = RecordingSink()
        let relay = try RelayFixtures.relay(sink: sink)
        let response = await relay.handle(WebhookRequest(route: sample.kind.rawValue, body: sample.data))
        #expect(response.status == 202)
        #expect(response.headers["content-type"] == "application/json")
        let event = try #require(sink.accepted.first)
        let expectedID = try ChatlioWebhook.decode(sample.data, kind: sample.kind).eventID
        #expect(event.id == expectedID && event.kind == sample.kind)
        #expect(response.json == ["status": "accepted", "id": .string(expectedID), "kind": .string(sample.kind.rawValue)])
        let entity = try JSONValue(parsing: event.body)
        #expect(try ChatlioXDM(tenantID: "acme").experienceEventValidator().validate(entity).isValid)
    }

    @Test func unknownRouteIs404() async throws {
        let logs = Locked<[String]>([])
        let relay = try ChatlioRelay(
            mapper: XDMMapper(configuration: .init(tenantID: "acme")), sink: RecordingSink(), quarantine: InMemoryQuarantineStore(),
            log: { event in logs.withLock { $0.append(event.message) } })
        let response = await relay.handle(WebhookRequest(route: "chat-transcripts", body: Data("{}".utf8)))
        #expect(response.status == 404)
        // One line for the operator, without the route, which may be a misplaced URL token.
        let lines = logs.withLock { $0 }
        #expect(lines.count == 1 && lines[0].contains("unknown route") && !lines[0].contains("chat-transcripts"))
        #expect(response.json?["routes"]?.arrayValue?.count == 5)
    }

    @Test func bodyAboveTheCapIs413Unread() async throws {
        let quarantine = InMemoryQuarantineStore()
        let relay = try RelayFixtures.relay({ $0.maxBodyBytes = 100 }, quarantine: quarantine)
        let response = await relay.handle(WebhookRequest(route: "conversation-started", body: Data(repeating: 0x20, count: 101)))
        #expect(response.status == 413 && response.json?["maxBytes"] == 100)
        #expect(quarantine.items.isEmpty && relay.metrics().tooLarge == 1)
        // A server that stopped reading at the cap gets the same answer, counted alike.
        let cut = relay.refuseOversizedBody(route: "conversation-started")
        #expect(cut.status == 413 && cut.body == response.body && cut.headers == response.headers)
        #expect(relay.metrics().tooLarge == 2 && relay.metrics().received == 2)
    }

    @Test func badPayloadIs400AndItsBodyIsQuarantined() async throws {
        let quarantine = InMemoryQuarantineStore()
        let sink = RecordingSink()
        let relay = try RelayFixtures.relay(sink: sink, quarantine: quarantine)
        let body = Data(#"{"visitor":{"email":"a@example.com"},"message":"hi"}"#.utf8)
        let response = await relay.handle(WebhookRequest(route: "visitor-feedback", body: body))
        #expect(response.status == 400)
        #expect(response.json?["error"] == ["code": "missing field", "pointer": "/visitor/UUID", "reason": "the field is required", "kind": "visitor-feedback"])
        #expect(response.json?["quarantined"] == true)
        let item = try #require(quarantine.items.first)
        #expect(item.body == body && item.code == "missing field" && item.pointer == "/visitor/UUID" && item.route == "visitor-feedback")
        #expect(item.receivedAt == RelayFixtures.receivedAt)
        #expect(sink.accepted.isEmpty)
        let garbage = await relay.handle(WebhookRequest(route: "offline-message", body: Data("not json".utf8)))
        #expect(garbage.status == 400 && garbage.json?["error"]?["code"] == "invalid JSON")
        #expect(relay.metrics().rejected == ["missing field": 1, "invalid JSON": 1] && relay.metrics().quarantined == 2)
    }

    /// A conversation-event body on the transcript's route used to be accepted as an empty transcript.
    @Test(arguments: [WebhookKind.conversationStarted, .offlineMessage])
    func anotherWebhooksBodyOnTheTranscriptRouteIs400NamingItsShape(_ kind: WebhookKind) async throws {
        let sink = RecordingSink()
        let quarantine = InMemoryQuarantineStore()
        let relay = try RelayFixtures.relay(sink: sink, quarantine: quarantine)
        let response = await relay.handle(WebhookRequest(route: "chat-transcript", body: try SamplePayloads.named(kind, "basic")))
        #expect(response.status == 400)
        #expect(response.json?["error"]?["code"] == "wrong shape")
        let reason = try #require(response.json?["error"]?["reason"]?.stringValue)
        #expect(reason.contains(kind.payloadShape.rawValue) && reason.contains(kind.rawValue))
        #expect(sink.accepted.isEmpty && quarantine.items.count == 1)
    }

    @Test func anEventTooLargeForTheBudgetIsQuarantined() async throws {
        let quarantine = InMemoryQuarantineStore()
        let relay = try RelayFixtures.relay(quarantine: quarantine)
        let body = Data(JSONValue.object(["visitor": ["UUID": "u"], "message": .string(String(repeating: "m", count: 20_000))]).serialized())
        let response = await relay.handle(WebhookRequest(route: "conversation-started", body: body))
        #expect(response.status == 400 && response.json?["error"]?["code"] == "event too large")
        #expect(quarantine.items.count == 1)
    }

    @Test func aQuarantineThatCannotStoreGives500() async throws {
        let relay = try RelayFixtures.relay(quarantine: BrokenQuarantine())
        let response = await relay.handle(WebhookRequest(route: "offline-message", body: Data("[]".utf8)))
        #expect(response.status == 500)
        #expect(relay.metrics().quarantineFailures == 1)
    }

    @Test func urlTokenIsRequiredWhenConfigured() async throws {
        let sink = RecordingSink()
        let relay = try RelayFixtures.relay({ $0.sharedSecret = RelayFixtures.secret }, sink: sink)
        let body = try SamplePayloads.named(.conversationStarted, "basic")
        #expect(await relay.handle(WebhookRequest(route: "conversation-started", body: body)).status == 401)
        #expect(await relay.handle(WebhookRequest(route: "conversation-started", body: body, query: ["token": "0123456789abcdef-url-tokeN"])).status == 401)
        #expect(await relay.handle(WebhookRequest(route: "conversation-started", body: body, query: ["token": RelayFixtures.secret + "x"])).status == 401)
        #expect(sink.accepted.isEmpty && relay.metrics().unauthorized == 3)
        #expect(await relay.handle(WebhookRequest(route: "conversation-started", body: body, query: ["token": RelayFixtures.secret])).status == 202)
        #expect(await relay.handle(WebhookRequest(route: "visitor-feedback", body: body, pathToken: RelayFixtures.secret)).status == 202)
        #expect(throws: ChatlioRelayError.self) { try RelayFixtures.relay { $0.sharedSecret = "short" } }
    }

    @Test func aRepeatedWebhookIsAnswered200WithoutSendingAgain() async throws {
        let sink = RecordingSink()
        let relay = try RelayFixtures.relay(sink: sink)
        let body = try SamplePayloads.named(.chatTranscript, "basic")
        #expect(await relay.handle(WebhookRequest(route: "chat-transcript", body: body)).status == 202)
        let again = await relay.handle(WebhookRequest(route: "chat-transcript", body: body))
        #expect(again.status == 200 && again.json?["status"] == "duplicate")
        #expect(sink.accepted.count == 1 && relay.metrics().duplicates == 1)
    }

    @Test func theDeduplicationWindowIsBounded() async throws {
        let sink = RecordingSink()
        let relay = try RelayFixtures.relay({ $0.deduplicationWindow = 2 }, sink: sink)
        func body(_ index: Int) -> Data { Data(#"{"visitor":{"UUID":"u\#(index)"}}"#.utf8) }
        for index in 0..<3 { #expect(await relay.handle(WebhookRequest(route: "conversation-started", body: body(index))).status == 202) }
        #expect(await relay.handle(WebhookRequest(route: "conversation-started", body: body(2))).status == 200)
        #expect(await relay.handle(WebhookRequest(route: "conversation-started", body: body(0))).status == 202)  // forgotten
    }

    @Test func aFullOutboxIs503WithRetryAfterAndTheRetrySucceeds() async throws {
        let sink = RecordingSink()
        let relay = try RelayFixtures.relay(sink: sink)
        let body = try SamplePayloads.named(.offlineMessage, "basic")
        sink.refusal.withLock { $0 = .full(retryAfterSeconds: 12) }
        let full = await relay.handle(WebhookRequest(route: "offline-message", body: body))
        #expect(full.status == 503 && full.headers["retry-after"] == "12")
        sink.refusal.withLock { $0 = RelaySinkError(.unavailable, retryAfterSeconds: 0, reason: "shutting down") }
        let down = await relay.handle(WebhookRequest(route: "offline-message", body: body))
        #expect(down.status == 503 && down.headers["retry-after"] == "1")
        sink.refusal.withLock { $0 = nil }
        #expect(await relay.handle(WebhookRequest(route: "offline-message", body: body)).status == 202)  // not mistaken for a duplicate
        #expect(relay.metrics().sinkFull == 1 && relay.metrics().sinkUnavailable == 1 && sink.accepted.count == 1)
    }

    @Test func rawModeForwardsChatliosOwnJSONWithTheRelaysMember() async throws {
        let sink = RecordingSink()
        let now = Date(timeIntervalSince1970: 1_767_225_600)
        let relay = try ChatlioRelay(configuration: .init(mode: .raw), mapper: nil, sink: sink, quarantine: InMemoryQuarantineStore(), now: { now })
        let body = try SamplePayloads.named(.conversationStarted, "emoji-unknown-keys")
        #expect(await relay.handle(WebhookRequest(route: "conversation-started", body: body)).status == 202)
        let webhook = try ChatlioWebhook.decode(body, kind: .conversationStarted)
        #expect(sink.accepted.first?.body == (try XDMMapper.enrichedRawBody(body, of: webhook, adding: XDMMapper.rawEnrichment(of: webhook, receivedAt: now))))
        #expect(await relay.handle(WebhookRequest(route: "conversation-started", body: Data("{}".utf8))).status == 400)
        #expect(throws: ChatlioRelayError.self) { try ChatlioRelay(configuration: .init(mode: .xdm), mapper: nil, sink: sink, quarantine: InMemoryQuarantineStore()) }
    }

    @Test func hundredsOfParallelWebhooksLoseNothing() async throws {
        let sink = RecordingSink()
        let relay = try RelayFixtures.relay(sink: sink)
        let bodies = (0..<200).map { Data(#"{"visitor":{"UUID":"v-\#($0)"},"message":"hello \#($0)"}"#.utf8) }
        let statuses = await withTaskGroup(of: Int.self) { group in
            for round in 0..<3 {
                for body in bodies { group.addTask { await relay.handle(WebhookRequest(route: "conversation-started", body: body)).status } }
                if round == 0 { group.addTask { await relay.handle(WebhookRequest(route: "conversation-started", body: Data("{".utf8))).status } }
            }
            var statuses: [Int: Int] = [:]
            for await status in group { statuses[status, default: 0] += 1 }
            return statuses
        }
        #expect(statuses == [202: 200, 200: 400, 400: 1])
        #expect(Set(sink.accepted.map(\.id)).count == 200 && sink.accepted.count == 200)
        let metrics = relay.metrics()
        #expect(metrics.received == 601 && metrics.accepted + metrics.duplicates + metrics.quarantined == 601)
    }
}

/// A quarantine that always throws the error it is given.
private struct ThrowingQuarantine: QuarantineStore {
    let error: any Error
    func quarantine(_ item: QuarantinedWebhook) async throws { throw error }
}

extension ChatlioRelayTests {
    @Test func aFullQuarantineIsA400NotKeptCountedAndLogged() async throws {
        let logs = Locked<[ChatlioLogRecord]>([])
        let quarantine = InMemoryQuarantineStore(maxItems: 1)
        let relay = try ChatlioRelay(
            configuration: .init(sharedSecret: RelayFixtures.secret),
            mapper: XDMMapper(configuration: .init(tenantID: "acme")),
            sink: RecordingSink(), quarantine: quarantine,
            log: { event in logs.withLock { $0.append(event) } },
            now: { RelayFixtures.receivedAt })
        let marker = "body-marker-5d1e"
        let kept = await relay.handle(WebhookRequest(route: "visitor-feedback", body: Data(#"{"visitor":{"email":"kept"}}"#.utf8), query: ["token": RelayFixtures.secret]))
        #expect(kept.status == 400 && kept.json?["quarantined"] == true)
        let body = Data(#"{"visitor":{"email":"\#(marker)"}}"#.utf8)
        let dropped = await relay.handle(WebhookRequest(route: "visitor-feedback", body: body, query: ["token": RelayFixtures.secret]))
        #expect(dropped.status == 400)
        #expect(dropped.json?["status"] == "rejected" && dropped.json?["quarantined"] == false)
        #expect(dropped.json?["error"] == ["code": "missing field", "pointer": "/visitor/UUID", "reason": "the field is required", "kind": "visitor-feedback"])
        #expect(quarantine.items.count == 1 && quarantine.items.first?.body != body)
        let metrics = relay.metrics()
        #expect(metrics.quarantineDropped == 1 && metrics.quarantined == 1 && metrics.quarantineFailures == 0)
        #expect(metrics.rejected == ["missing field": 2])
        let warnings = logs.withLock { $0 }.filter { $0.level == .warning && $0.message.contains("dropped") }
        #expect(warnings.count == 1)
        for event in logs.withLock({ $0 }) {
            #expect(!event.message.contains(marker) && !event.message.contains(RelayFixtures.secret), "\(event)")
        }
        #expect(warnings.first?.message.contains("maxItems limit of 1") == true, "\(warnings)")
    }

    @Test func aFullFileQuarantineIsA400NotKept() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("quarantine-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try FileQuarantineStore(directory: directory, limits: .init(maxItems: 2))
        let relay = try RelayFixtures.relay(quarantine: store)
        var statuses: [Int] = []
        var quarantined: [JSONValue?] = []
        for index in 0..<5 {
            let response = await relay.handle(WebhookRequest(route: "offline-message", body: Data("not json \(index)".utf8)))
            statuses.append(response.status)
            quarantined.append(response.json?["quarantined"])
        }
        #expect(statuses == [400, 400, 400, 400, 400])
        #expect(quarantined == [true, true, false, false, false])
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).count == 2)
        #expect(relay.metrics().quarantineDropped == 3 && relay.metrics().quarantined == 2)
    }

    @Test(arguments: [
        CocoaError(.fileWriteOutOfSpace) as any Error,
        QuarantineError(.invalidLimits, "not a full quarantine") as any Error,
    ])
    func anyOtherQuarantineFailureIsStill500(error: any Error) async throws {
        let relay = try RelayFixtures.relay(quarantine: ThrowingQuarantine(error: error))
        let response = await relay.handle(WebhookRequest(route: "offline-message", body: Data("[]".utf8)))
        #expect(response.status == 500)
        #expect(relay.metrics().quarantineFailures == 1 && relay.metrics().quarantineDropped == 0)
    }
}

extension ChatlioRelayTests {
    /// Chatlio is outside: no answer carries an internal path or the sink's
    /// own error text. The detail goes to the log, tied to the answer by a
    /// correlation id.
    @Test func a503NeverCarriesTheSinksErrorTextButTheLogDoes() async throws {
        let logs = Locked<[ChatlioLogRecord]>([])
        let relay = try RelayFixtures.relay(anySink: PathLeakingSink(), log: { event in logs.withLock { $0.append(event) } })
        let response = await relay.handle(WebhookRequest(route: "offline-message", body: try SamplePayloads.named(.offlineMessage, "basic")))
        #expect(response.status == 503 && response.headers["retry-after"] == "5")
        let text = String(decoding: response.body, as: UTF8.self)
        #expect(!text.contains(PathLeakingSink.path) && !text.contains("/var/lib") && !text.contains("errno"), "\(text)")
        #expect(response.json?["status"] == "unavailable")
        let correlation = try #require(response.json?["correlationId"]?.stringValue, "\(text)")
        let logged = logs.withLock { $0 }.filter { $0.message.contains(PathLeakingSink.path) }
        #expect(logged.count == 1, "\(logs.withLock { $0 })")
        #expect(logged.first?.message.contains(correlation) == true, "\(logged)")
    }
}

extension ChatlioRelayTests {
    /// The 202 and 200 bodies are put together from fixed bytes and the id: they must stay the
    /// bytes the generic sorted-keys writer gives for the same members.
    @Test func acceptedAndDuplicateAnswersAreTheSortedJSONOfTheirMembers() async throws {
        let sink = RecordingSink()
        let relay = try RelayFixtures.relay(sink: sink)
        let body = try SamplePayloads.named(.conversationStarted, "basic")
        let first = await relay.handle(WebhookRequest(route: "conversation-started", body: body))
        let id = try #require(sink.accepted.first?.id)
        #expect(first.status == 202)
        #expect(first.headers == ["content-type": "application/json"])
        #expect(first.body == Data(JSONValue.object(["status": "accepted", "id": .string(id), "kind": "conversation-started"]).serialized(sortedKeys: true)))
        let again = await relay.handle(WebhookRequest(route: "conversation-started", body: body))
        #expect(again.status == 200)
        #expect(again.headers == ["content-type": "application/json"])
        #expect(again.body == Data(JSONValue.object(["status": "duplicate", "id": .string(id)]).serialized(sortedKeys: true)))
        #expect(relay.metrics().accepted == 1 && relay.metrics().duplicates == 1 && relay.metrics().received == 2)
    }
}
