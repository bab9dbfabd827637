import AEPInletEmulator
import AEPStreamingClient
import ChatlioHummingbird
import ChatlioRelay
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

    @Test func aPostedWebhookArrivesInTheInlet() async throws {
        let emulator = try AEPInletEmulator(configuration: .init(inletId: "hummingbird-test"))
        _ = try emulator.start()
        defer { emulator.stop() }
        let outbox = FileManager.default.temporaryDirectory.appendingPathComponent("hb-outbox-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: outbox) }
        var configuration = AEPStreamingClient.Configuration(inletURL: emulator.inletURL, format: .xdm(schemaID: "https://ns.adobe.com/acme/schemas/chatlio-experienceevent", datasetID: "d"))
        configuration.batching.linger = .milliseconds(10)
        let client = try await AEPStreamingClient(configuration: configuration, outbox: FileOutbox(directory: outbox))
        let relay = try ChatlioRelay(
            configuration: .init(sharedSecret: "a-long-enough-url-token"),
            mapper: XDMMapper(configuration: .init(tenantID: "acme")), sink: client, quarantine: InMemoryQuarantineStore())
        let port = Port()
        let app = makeChatlioApplication(relay: relay, client: client, port: 0) { await port.set($0) }
        let group = ServiceGroup(configuration: .init(services: [app], logger: Logger(label: "test")))
        let server = Task { try await group.run() }
        var bound: Int?
        for _ in 0..<200 where bound == nil {
            bound = await port.value
            if bound == nil { try await Task.sleep(for: .milliseconds(25)) }
        }
        let serverPort = try #require(bound)
        let body = Data(#"{"visitor":{"UUID":"hb-visitor-1","email":"jane@example.com"},"message":"Hello from Hummingbird","conversationUUID":"hb-1"}"#.utf8)

        func post(_ path: String) async throws -> (Int, Data) {
            var request = URLRequest(url: try #require(URL(string: "http://127.0.0.1:\(serverPort)\(path)")))
            request.httpMethod = "POST"
            request.httpBody = body
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            let (data, response) = try await URLSession.shared.data(for: request)
            return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
        }

        #expect(try await post("/chatlio/conversation-started").0 == 401)
        let (status, data) = try await post("/chatlio/conversation-started?token=a-long-enough-url-token")
        #expect(status == 202)
        let id = try #require(try JSONValue(parsing: data)["id"]?.stringValue)
        #expect(try await post("/chatlio/a-long-enough-url-token/conversation-started").0 == 200)  // duplicate
        #expect(try await post("/chatlio/nope?token=a-long-enough-url-token").0 == 404)

        #expect(await client.flush(timeout: .seconds(20)))
        let arrived = try #require(emulator.record.message(withID: id))
        #expect(arrived.xdmEntity?["eventType"] == "chat.conversationStarted")
        #expect(arrived.xdmEntity?.value(at: "/_acme/chatlio/message") == "Hello from Hummingbird")
        #expect(emulator.record.count == 1)

        var health = URLRequest(url: try #require(URL(string: "http://127.0.0.1:\(serverPort)/health")))
        health.httpMethod = "GET"
        let (healthBody, _) = try await URLSession.shared.data(for: health)
        #expect(try JSONValue(parsing: healthBody)["status"] == "ok")

        // Graceful shutdown: the server stops, the client drains, the group returns.
        await group.triggerGracefulShutdown()
        try await server.value
        #expect(client.metrics().queued == 0)
    }
}
