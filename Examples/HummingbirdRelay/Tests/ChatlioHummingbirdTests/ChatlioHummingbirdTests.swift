import AEPInletEmulator
import AEPStreamingClient
import ChatlioHummingbird
import ChatlioRelay
import ChatlioRelayServer
import ChatlioRelayServerTesting
import ChatlioWebhooks
import ChatlioXDMMapper
import Foundation
import Logging
import ServiceLifecycle
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// End to end over real loopback HTTP: a webhook posted to the Hummingbird
/// server arrives in an AEPInletEmulator as a valid XDM event.
@Suite struct ChatlioHummingbirdTests {
    actor Port {
        var value: Int?
        func set(_ port: Int) { value = port }
    }

    /// Runs the application `make` builds (handing it the callback that learns its port) in a
    /// service group, runs `body` with the port once it listens, then shuts it down gracefully.
    func serving<App: Service>(_ make: (_ onServerRunning: @escaping @Sendable (Int) async -> Void) -> App, _ body: (Int) async throws -> Void) async throws {
        let port = Port()
        let group = ServiceGroup(configuration: .init(services: [make { await port.set($0) }], logger: Logger(label: "test")))
        let server = Task { try await group.run() }
        var bound: Int?
        for _ in 0..<200 where bound == nil {
            bound = await port.value
            if bound == nil { try await Task.sleep(for: .milliseconds(25)) }
        }
        do {
            try await body(try #require(bound))
        } catch {
            await group.triggerGracefulShutdown()
            _ = try? await server.value
            throw error
        }
        // Graceful shutdown: the server stops, the client drains, the group returns.
        await group.triggerGracefulShutdown()
        try await server.value
    }

    @Test func aPostedWebhookArrivesInTheInlet() async throws {
        let emulator = try AEPInletEmulator(configuration: .init(inletId: "hummingbird-test"))
        _ = try emulator.start()
        defer { emulator.stop() }
        // In a folder of its own: the default dead-letter store sits beside the outbox's folder.
        let outbox = FileManager.default.temporaryDirectory.appendingPathComponent("hb-client-\(UUID().uuidString)").appendingPathComponent("outbox")
        defer { try? FileManager.default.removeItem(at: outbox.deletingLastPathComponent()) }
        var configuration = AEPStreamingClient.Configuration(inletURL: emulator.inletURL, format: .xdm(schemaID: "https://ns.adobe.com/acme/schemas/chatlio-experienceevent", datasetID: "d"), flowID: "flow-1")
        configuration.batching.linger = .milliseconds(10)
        let client = try await AEPStreamingClient(configuration: configuration, outbox: FileOutbox(directory: outbox))
        let relay = try ChatlioRelay(
            configuration: .init(sharedSecret: "a-long-enough-url-token"),
            mapper: XDMMapper(configuration: .init(tenantID: "acme")), sink: client, quarantine: InMemoryQuarantineStore())
        let (logger, store) = CapturingLogHandler.logger()
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("hb-ready-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: state) }
        try await serving({ onServerRunning in
            makeChatlioApplication(
                relay: relay, client: client, metrics: RelayServerMetrics(relay: relay, client: client), port: 0, stateDirectory: state,
                logger: logger, onServerRunning: onServerRunning)
        }) { serverPort in
            let body = Data(#"{"visitor":{"UUID":"hb-visitor-1","email":"jane@example.com"},"message":"Hello from Hummingbird","conversationUUID":"hb-1"}"#.utf8)

            func post(_ path: String, method: String = "POST", body: Data = body) async throws -> (Int, Data) {
                let (status, data, _) = try await send(path, method: method, body: body)
                return (status, data)
            }
            func send(_ path: String, method: String, body: Data?) async throws -> (statusCode: Int, Data, HTTPURLResponse?) {
                let (status, data, response) = try await LoopbackHTTP.send(port: serverPort, path, method: method, body: body)
                return (status, data, response)
            }

            #expect(try await post("/chatlio/conversation-started").0 == 401)
            let (status, data) = try await post("/chatlio/conversation-started?token=a-long-enough-url-token")
            #expect(status == 202)
            let id = try #require(try JSONValue(parsing: data)["id"]?.stringValue)
            #expect(try await post("/chatlio/a-long-enough-url-token/conversation-started").0 == 200)  // duplicate
            #expect(try await post("/chatlio/nope?token=a-long-enough-url-token").0 == 404)

            // What the framework answers by itself is JSON too, and each refusal is one log line.
            let (wrongMethod, wrongMethodBody, wrongMethodResponse) = try await send("/chatlio/a-long-enough-url-token/conversation-started", method: "GET", body: nil)
            #expect(wrongMethod == 405 && wrongMethodResponse?.value(forHTTPHeaderField: "Allow") == "POST")
            #expect(try JSONValue(parsing: wrongMethodBody)["status"] == "method not allowed")
            let (unknownPath, unknownBody, _) = try await send("/nowhere/at/all", method: "GET", body: nil)
            let unknownJSON = try JSONValue(parsing: unknownBody)
            #expect(unknownPath == 404 && unknownJSON["status"] == "not found")
            // Above the relay's cap Hummingbird stops reading; the answer is still the relay's JSON 413.
            let (tooLarge, tooLargeBody) = try await post("/chatlio/conversation-started?token=a-long-enough-url-token", body: Data(repeating: 0x20, count: 2 << 20))
            let tooLargeJSON = try JSONValue(parsing: tooLargeBody)
            #expect(tooLarge == 413 && tooLargeJSON["maxBytes"]?.int64Value == Int64(relay.configuration.maxBodyBytes))
            #expect(relay.metrics().tooLarge == 1)
            #expect(store.lines.contains { $0.contains("405") && !$0.contains("a-long-enough-url-token") })
            #expect(store.lines.contains { $0.contains("404") && $0.contains("GET /nowhere") })

            #expect(await client.flush(timeout: .seconds(20)))
            let arrived = try #require(emulator.record.message(withID: id))
            #expect(arrived.xdmEntity?["eventType"] == "chat.conversationStarted")
            #expect(arrived.xdmEntity?.value(at: "/_acme/chatlio/message") == "Hello from Hummingbird")
            #expect(emulator.record.count == 1)

            var health = URLRequest(url: try #require(URL(string: "http://127.0.0.1:\(serverPort)/health")))
            health.httpMethod = "GET"
            let (healthBody, _) = try await URLSession.shared.data(for: health)
            let healthJSON = try JSONValue(parsing: healthBody)
            #expect(healthJSON["status"] == "ok")
            #expect(healthJSON.value(at: "/relay/accepted")?.int64Value == 1 && healthJSON.value(at: "/relay/unauthorized")?.int64Value == 1)
            // The scrape after the webhook: the relay's accepted counter and the client's delivered one.
            let (metricsStatus, metricsBody, metricsResponse) = try await send("/metrics", method: "GET", body: nil)
            let exposition = String(decoding: metricsBody, as: UTF8.self).split(separator: "\n").map(String.init)
            #expect(metricsStatus == 200 && metricsResponse?.value(forHTTPHeaderField: "Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
            #expect(exposition.contains("# TYPE chatlio_relay_accepted_total counter"), "\(exposition)")
            #expect(exposition.contains("chatlio_relay_accepted_total 1"), "\(exposition)")
            #expect(exposition.contains("aep_client_delivered_total 1"))
            let (readyStatus, readyBody, _) = try await send("/ready", method: "GET", body: nil)
            let readyJSON = try JSONValue(parsing: readyBody)
            #expect(readyStatus == 200 && readyJSON["status"] == "ready")
            // A state directory that cannot take a file any more makes the relay not ready, and says why
            // (a file in its place: permissions would not stop root).
            try FileManager.default.removeItem(at: state)
            try Data().write(to: state)
            let (notReady, notReadyBody, _) = try await send("/ready", method: "GET", body: nil)
            let notReadyJSON = try JSONValue(parsing: notReadyBody)
            #expect(notReady == 503 && notReadyJSON.value(at: "/problems/0")?.stringValue?.contains("not writable") == true)
        }
        #expect(client.metrics().queued == 0)
    }

    /// The admin endpoints over real loopback HTTP, through the live client: a kept dead letter is
    /// listed and redriven and a quarantined body replayed, both arriving in the inlet, with no restart.
    @Test func adminEndpointsRedriveAndReplayThroughTheLiveClient() async throws {
        try await RelayAdminScenario.check(name: "hb") { relay, client, admin, requests in
            try await serving({ onServerRunning in
                makeChatlioApplication(relay: relay, client: client, admin: ChatlioAdminRoutes(answers: admin), port: 0, onServerRunning: onServerRunning)
            }, requests)
        }
    }
}
