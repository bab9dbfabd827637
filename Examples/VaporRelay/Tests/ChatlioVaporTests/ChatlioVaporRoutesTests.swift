import AEPInletEmulator
import AEPStreamingClient
import ChatlioRelay
import ChatlioRelayServer
import ChatlioRelayServerTesting
import ChatlioVapor
import ChatlioWebhooks
import ChatlioXDMMapper
import Foundation
import Logging
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// End to end over real loopback TCP, as Chatlio drives it: webhooks posted to
/// the Vapor relay arrive in an AEPInletEmulator as valid XDM events, and every
/// answer, the ones Vapor gives by itself included, is JSON.
@Suite struct ChatlioVaporRoutesTests {
    @Test func aPostedWebhookArrivesInTheInletAndEveryAnswerIsJSON() async throws {
        let emulator = try AEPInletEmulator(configuration: .init(inletId: "vapor-test"))
        _ = try emulator.start()
        defer { emulator.stop() }
        let clientState = ChatlioStateDirectory(Fixture.temporaryDirectory("vapor-client"))
        defer { try? FileManager.default.removeItem(at: clientState.root) }
        let client = try await Fixture.client(inlet: emulator.inletURL, state: clientState)
        let relay = try ChatlioRelay(
            configuration: .init(sharedSecret: Fixture.urlToken),
            mapper: XDMMapper(configuration: .init(tenantID: "acme")), sink: client, quarantine: InMemoryQuarantineStore())
        let state = Fixture.temporaryDirectory("vapor-ready")
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: state) }
        let (logger, store) = CapturingLogHandler.logger()
        try await LoopbackRelay.with(
            relay: relay, client: client, metrics: RelayServerMetrics(relay: relay, client: client), stateDirectory: state,
            logger: logger) { server in
            let body = Data(#"{"visitor":{"UUID":"vapor-visitor-1","email":"jane@example.com"},"message":"Hello from Vapor","conversationUUID":"vapor-1"}"#.utf8)

            #expect(try await server.send("/chatlio/conversation-started", method: "POST", body: body).status == 401)
            let (status, data, _) = try await server.send("/chatlio/conversation-started?token=\(Fixture.urlToken)", method: "POST", body: body)
            #expect(status == 202)
            let id = try #require(try JSONValue(parsing: data)["id"]?.stringValue)
            #expect(try await server.send("/chatlio/\(Fixture.urlToken)/conversation-started", method: "POST", body: body).status == 200)  // duplicate
            #expect(try await server.send("/chatlio/nope?token=\(Fixture.urlToken)", method: "POST", body: body).status == 404)

            // What Vapor answers by itself is JSON too, and each refusal is one log line without the token.
            let (wrongMethod, wrongMethodBody, wrongMethodResponse) = try await server.send("/chatlio/\(Fixture.urlToken)/conversation-started", method: "GET")
            #expect(wrongMethod == 405 && wrongMethodResponse?.value(forHTTPHeaderField: "Allow") == "POST")
            #expect(try JSONValue(parsing: wrongMethodBody)["status"] == "method not allowed")
            let (putOnKind, _, _) = try await server.send("/chatlio/conversation-started", method: "PUT", body: body)
            #expect(putOnKind == 405)
            let (unknownPath, unknownBody, unknownResponse) = try await server.send("/nowhere/at/all")
            #expect(try unknownPath == 404 && (JSONValue(parsing: unknownBody))["status"] == "not found")
            #expect(unknownResponse?.value(forHTTPHeaderField: "Content-Type") == "application/json")
            // Above the relay's cap Vapor stops reading; the answer is still the relay's JSON 413.
            let (tooLarge, tooLargeBody, _) = try await server.send(
                "/chatlio/conversation-started?token=\(Fixture.urlToken)", method: "POST", body: Data(repeating: 0x20, count: 2 << 20))
            #expect(try tooLarge == 413 && (JSONValue(parsing: tooLargeBody))["maxBytes"]?.int64Value == Int64(relay.configuration.maxBodyBytes))
            #expect(relay.metrics().tooLarge == 1)
            #expect(store.lines.contains { $0.contains("405") })
            #expect(store.lines.contains { $0.contains("404") && $0.contains("GET /nowhere/") })
            #expect(!store.lines.contains { $0.contains(Fixture.urlToken) }, "\(store.lines)")

            #expect(await client.flush(timeout: .seconds(20)))
            let arrived = try #require(emulator.record.message(withID: id))
            #expect(arrived.xdmEntity?["eventType"] == "chat.conversationStarted")
            #expect(arrived.xdmEntity?.value(at: "/_acme/chatlio/message") == "Hello from Vapor")
            #expect(emulator.record.count == 1)

            let (healthStatus, healthBody, _) = try await server.send("/health")
            let health = try JSONValue(parsing: healthBody)
            #expect(healthStatus == 200 && health["status"] == "ok")
            #expect(health.value(at: "/relay/accepted")?.int64Value == 1 && health.value(at: "/relay/unauthorized")?.int64Value == 1)
            #expect(health.value(at: "/relay/tooLarge")?.int64Value == 1 && health["delivered"]?.int64Value == 1)

            // The scrape after the webhook: the relay's accepted counter and the client's delivered one.
            let (metricsStatus, metricsBody, metricsResponse) = try await server.send("/metrics")
            let exposition = String(decoding: metricsBody, as: UTF8.self).split(separator: "\n").map(String.init)
            #expect(metricsStatus == 200 && metricsResponse?.value(forHTTPHeaderField: "Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
            #expect(exposition.contains("# TYPE chatlio_relay_accepted_total counter"), "\(exposition)")
            #expect(exposition.contains("chatlio_relay_accepted_total 1"), "\(exposition)")
            #expect(exposition.contains("chatlio_relay_duplicates_total 1"))
            #expect(exposition.contains("aep_client_delivered_total 1"))

            let (readyStatus, readyBody, _) = try await server.send("/ready")
            #expect(try readyStatus == 200 && (JSONValue(parsing: readyBody))["status"] == "ready")
            // A state directory that cannot take a file any more makes the relay not ready, and says why
            // (a file in its place: permissions would not stop root).
            try FileManager.default.removeItem(at: state)
            try Data().write(to: state)
            let (notReady, notReadyBody, _) = try await server.send("/ready")
            #expect(try notReady == 503 && (JSONValue(parsing: notReadyBody)).value(at: "/problems/0")?.stringValue?.contains("not writable") == true)
        }
        #expect(client.metrics().queued == 0)
    }

    /// One byte over the relay's cap, and far over it: each is the relay's JSON 413 (counted by the
    /// relay), never Vapor's own, since Vapor's limit on these routes is the relay's cap + 1.
    @Test func aBodyJustOverTheCapIsTheRelays413NotVapors() async throws {
        let emulator = try AEPInletEmulator(configuration: .init(inletId: "vapor-cap-test"))
        _ = try emulator.start()
        defer { emulator.stop() }
        let clientState = ChatlioStateDirectory(Fixture.temporaryDirectory("vapor-cap-client"))
        defer { try? FileManager.default.removeItem(at: clientState.root) }
        let client = try await Fixture.client(inlet: emulator.inletURL, state: clientState)
        let relay = try ChatlioRelay(
            configuration: .init(maxBodyBytes: 1_000, sharedSecret: Fixture.urlToken),
            mapper: XDMMapper(configuration: .init(tenantID: "acme")), sink: client, quarantine: InMemoryQuarantineStore())
        try await LoopbackRelay.with(relay: relay, client: client) { server in
            for size in [1_001, 1_002, 64 * 1_024] {
                let (status, body, response) = try await server.send("/chatlio/\(Fixture.urlToken)/conversation-started", method: "POST", body: Data(repeating: 0x20, count: size))
                #expect(status == 413, "\(size) bytes")
                #expect(try (JSONValue(parsing: body))["maxBytes"]?.int64Value == 1_000, "\(size) bytes")
                #expect(response?.value(forHTTPHeaderField: "Content-Type") == "application/json")
            }
            #expect(relay.metrics().tooLarge == 3)
        }
    }
}
