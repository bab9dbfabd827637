import AEPInletEmulator
import AEPStreamingClient
import ChatlioHummingbird
import ChatlioRelay
import ChatlioRelayServer
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
/// Log lines, as a handler gets them.
final class CapturedLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func add(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}

struct CapturingLogHandler: LogHandler {
    let lines: CapturedLines
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace
    init(_ lines: CapturedLines) { self.lines = lines }
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(event: Logging.LogEvent) {
        lines.add("\(event.level) \(event.message)")
    }
}

@Suite struct ChatlioHummingbirdTests {
    actor Port {
        var value: Int?
        func set(_ port: Int) { value = port }
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
        let port = Port()
        let lines = CapturedLines()
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("hb-ready-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: state) }
        let app = makeChatlioApplication(
            relay: relay, client: client, metrics: RelayServerMetrics(relay: relay, client: client), port: 0, stateDirectory: state, logger: Logger(label: "test") { _ in CapturingLogHandler(lines) }
        ) { await port.set($0) }
        let group = ServiceGroup(configuration: .init(services: [app], logger: Logger(label: "test")))
        let server = Task { try await group.run() }
        var bound: Int?
        for _ in 0..<200 where bound == nil {
            bound = await port.value
            if bound == nil { try await Task.sleep(for: .milliseconds(25)) }
        }
        let serverPort = try #require(bound)
        let body = Data(#"{"visitor":{"UUID":"hb-visitor-1","email":"jane@example.com"},"message":"Hello from Hummingbird","conversationUUID":"hb-1"}"#.utf8)

        func post(_ path: String, method: String = "POST", body: Data = body) async throws -> (Int, Data) {
            let (status, data, _) = try await send(path, method: method, body: body)
            return (status, data)
        }
        func send(_ path: String, method: String, body: Data?) async throws -> (statusCode: Int, Data, HTTPURLResponse?) {
            var request = URLRequest(url: try #require(URL(string: "http://127.0.0.1:\(serverPort)\(path)")))
            request.httpMethod = method
            request.httpBody = body
            if body != nil { request.setValue("application/json", forHTTPHeaderField: "Content-Type") }
            let (data, response) = try await URLSession.shared.data(for: request)
            let http = response as? HTTPURLResponse
            return (http?.statusCode ?? 0, data, http)
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
        #expect(lines.all.contains { $0.contains("405") && !$0.contains("a-long-enough-url-token") })
        #expect(lines.all.contains { $0.contains("404") && $0.contains("GET /nowhere") })

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

        // Graceful shutdown: the server stops, the client drains, the group returns.
        await group.triggerGracefulShutdown()
        try await server.value
        #expect(client.metrics().queued == 0)
    }

    /// The admin endpoints over real loopback HTTP, through the live client: a kept dead letter is
    /// listed and redriven and a quarantined body replayed, both arriving in the inlet, with no restart.
    @Test func adminEndpointsRedriveAndReplayThroughTheLiveClient() async throws {
        let emulator = try AEPInletEmulator(configuration: .init(inletId: "hummingbird-admin-test"))
        _ = try emulator.start()
        defer { emulator.stop() }
        let state = ChatlioStateDirectory(FileManager.default.temporaryDirectory.appendingPathComponent("hb-state-\(UUID().uuidString)"))
        defer { try? FileManager.default.removeItem(at: state.root) }
        let letterPayload = #"{"_id":"evt-dl-1","timestamp":"2026-01-01T00:00:00Z","eventType":"chat.conversationStarted"}"#
        do {
            let store = try FileDeadLetterStore(directory: state.deadLetters)
            try await store.add(DeadLetter(
                entry: DeadLetterEntry(id: "evt-dl-1", status: 400, reason: "invalid", attempts: 1, enqueuedAt: Date(), firstSentAt: Date(), deadLetteredAt: Date()),
                payload: Data(letterPayload.utf8)))
        }
        let quarantine = try FileQuarantineStore(directory: state.quarantine)
        let webhookBody = Data(#"{"visitor":{"UUID":"hb-visitor-2"},"message":"Replayed","conversationUUID":"hb-2"}"#.utf8)
        try await quarantine.quarantine(QuarantinedWebhook(
            receivedAt: Date(), route: "conversation-started", code: "invalid event", pointer: nil, reason: "an older mapper", body: webhookBody))

        var configuration = AEPStreamingClient.Configuration(inletURL: emulator.inletURL, format: .xdm(schemaID: "https://ns.adobe.com/acme/schemas/chatlio-experienceevent", datasetID: "d"), flowID: "flow-1")
        configuration.batching.linger = .milliseconds(10)
        let outbox = try FileOutbox(directory: state.outbox)
        let client = try await AEPStreamingClient(configuration: configuration, outbox: outbox, deadLetters: FileDeadLetterStore(directory: state.deadLetters))
        let mapper = try XDMMapper(configuration: .init(tenantID: "acme"))
        let relay = try ChatlioRelay(mapper: mapper, sink: client, quarantine: quarantine)
        let token = "an-admin-token-long-enough"
        let admin = try ChatlioAdminRoutes(
            administration: ChatlioStateAdministration(client: client, outbox: outbox, quarantine: quarantine, mapper: mapper), token: token)
        let port = Port()
        let app = makeChatlioApplication(relay: relay, client: client, admin: admin, port: 0) { await port.set($0) }
        let group = ServiceGroup(configuration: .init(services: [app], logger: Logger(label: "test")))
        let server = Task { try await group.run() }
        var bound: Int?
        for _ in 0..<200 where bound == nil {
            bound = await port.value
            if bound == nil { try await Task.sleep(for: .milliseconds(25)) }
        }
        let serverPort = try #require(bound)

        func call(_ method: String, _ path: String, body: String? = nil, token presented: String? = token) async throws -> (Int, JSONValue?) {
            var request = URLRequest(url: try #require(URL(string: "http://127.0.0.1:\(serverPort)\(path)")))
            request.httpMethod = method
            if let presented { request.setValue("Bearer \(presented)", forHTTPHeaderField: "Authorization") }
            if let body {
                request.httpBody = Data(body.utf8)
                request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            }
            let (data, response) = try await URLSession.shared.data(for: request)
            return ((response as? HTTPURLResponse)?.statusCode ?? 0, try? JSONValue(parsing: data))
        }

        #expect(try await call("GET", "/admin/status", token: nil).0 == 401)
        #expect(try await call("GET", "/admin/status", token: "an-admin-token-long-enougH").0 == 401)
        let (statusCode, status) = try await call("GET", "/admin/status")
        #expect(statusCode == 200)
        #expect(status?.value(at: "/deadLetters/count")?.int64Value == 1)
        #expect(status?.value(at: "/quarantine/count")?.int64Value == 1)

        let (_, listing) = try await call("GET", "/admin/dead-letters")
        #expect(listing?.value(at: "/deadLetters/0/id") == "evt-dl-1")
        #expect(listing?.value(at: "/deadLetters/0/payload/eventType") == "chat.conversationStarted")
        #expect(try await call("GET", "/admin/dead-letters/evt-dl-1").1?["reason"] == "invalid")
        #expect(try await call("GET", "/admin/dead-letters/nope").0 == 404)
        #expect(try await call("POST", "/admin/dead-letters/purge", body: #"{"olderThan":"7"}"#).0 == 400)
        #expect(try await call("POST", "/admin/dead-letters/redrive", body: #"{"every":true}"#).0 == 400)

        let (redriveCode, redriven) = try await call("POST", "/admin/dead-letters/redrive", body: #"{"ids":["evt-dl-1"]}"#)
        #expect(redriveCode == 200)
        #expect(redriven?["count"]?.int64Value == 1)
        let (replayCode, replayed) = try await call("POST", "/admin/quarantine/replay", body: #"{"all":true}"#)
        #expect(replayCode == 200)
        let eventID = try #require(replayed?.value(at: "/replayed/0/eventID")?.stringValue)

        #expect(await client.flush(timeout: .seconds(20)))
        #expect(emulator.record.message(withID: "evt-dl-1") != nil)
        #expect(emulator.record.message(withID: eventID)?.xdmEntity?.value(at: "/_acme/chatlio/message") == "Replayed")
        let (_, after) = try await call("GET", "/admin/status")
        #expect(after?.value(at: "/deadLetters/count")?.int64Value == 0)
        #expect(after?.value(at: "/quarantine/count")?.int64Value == 0)

        await group.triggerGracefulShutdown()
        try await server.value
    }
}
