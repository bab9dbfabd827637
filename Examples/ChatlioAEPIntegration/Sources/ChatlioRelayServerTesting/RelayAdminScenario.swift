public import AEPStreamingClient
public import ChatlioRelay
public import ChatlioRelayServer
public import Testing
import AEPInletEmulator
import ChatlioJSON
import ChatlioXDMMapper
import Foundation

/// The admin endpoints over real loopback TCP, through the live client, the same for every relay
/// server: a kept dead letter is listed and redriven and a quarantined body replayed, both arriving
/// in the inlet, with no restart; a missing or wrong bearer token is refused.
///
/// The server is the caller's: `serve` mounts the answers it is given, runs `requests` against
/// the port it listens on, and stops.
///
/// ```swift
/// @Test func adminEndpoints() async throws {
///     try await RelayAdminScenario.check(name: "vapor") { relay, client, admin, requests in
///         try await LoopbackRelay.with(relay: relay, client: client, admin: admin) { try await requests($0.port) }
///     }
/// }
/// ```
public enum RelayAdminScenario {
    /// The bearer token the scenario's answers take.
    public static let adminToken = "an-admin-token-long-enough"

    /// Mounts `admin` beside `relay` on a loopback port, runs the requests against it, and stops.
    public typealias Serve = (
        _ relay: ChatlioRelay, _ client: AEPStreamingClient, _ admin: RelayAdminAnswers, _ requests: (_ port: Int) async throws -> Void
    ) async throws -> Void

    /// Runs the scenario; `name` tells its emulator, folders and visitor apart from another server's.
    public static func check(name: String, sourceLocation: SourceLocation = #_sourceLocation, serve: Serve) async throws {
        let emulator = try AEPInletEmulator(configuration: .init(inletId: "\(name)-admin-test"))
        _ = try emulator.start()
        defer { emulator.stop() }
        let state = ChatlioStateDirectory(FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-state-\(UUID().uuidString)"))
        defer { try? FileManager.default.removeItem(at: state.root) }
        let letterPayload = #"{"_id":"evt-dl-1","timestamp":"2026-01-01T00:00:00Z","eventType":"chat.conversationStarted"}"#
        do {
            let store = try FileDeadLetterStore(directory: state.deadLetters)
            try await store.add(DeadLetter(
                entry: DeadLetterEntry(id: "evt-dl-1", status: 400, reason: "invalid", attempts: 1, enqueuedAt: Date(), firstSentAt: Date(), deadLetteredAt: Date()),
                payload: Data(letterPayload.utf8)))
        }
        let quarantine = try FileQuarantineStore(directory: state.quarantine)
        let webhookBody = Data(#"{"visitor":{"UUID":"\#(name)-visitor-2"},"message":"Replayed","conversationUUID":"\#(name)-2"}"#.utf8)
        try await quarantine.quarantine(QuarantinedWebhook(
            receivedAt: Date(), route: "conversation-started", code: "invalid event", pointer: nil, reason: "an older mapper", body: webhookBody))

        let outbox = try FileOutbox(directory: state.outbox)
        var configuration = AEPStreamingClient.Configuration(
            inletURL: emulator.inletURL, format: .xdm(schemaID: "https://ns.adobe.com/acme/schemas/chatlio-experienceevent", datasetID: "d"), flowID: "flow-1")
        configuration.batching.linger = .milliseconds(10)
        let client = try await AEPStreamingClient(configuration: configuration, outbox: outbox, deadLetters: FileDeadLetterStore(directory: state.deadLetters))
        let mapper = try XDMMapper(configuration: .init(tenantID: "acme"))
        let relay = try ChatlioRelay(mapper: mapper, sink: client, quarantine: quarantine)
        let administration = ChatlioStateAdministration(client: client, outbox: outbox, quarantine: quarantine, mapper: mapper)
        #expect(throws: ChatlioStateAdministrationError.self, sourceLocation: sourceLocation) {
            _ = try RelayAdminAnswers(administration: administration, token: "short")
        }
        let admin = try RelayAdminAnswers(administration: administration, token: adminToken)

        try await serve(relay, client, admin) { port in
            func call(_ method: String, _ path: String, body: String? = nil, token presented: String? = RelayAdminScenario.adminToken) async throws -> (Int, JSONValue?) {
                let headers = presented.map { ["Authorization": "Bearer \($0)"] } ?? [:]
                let (status, data, _) = try await LoopbackHTTP.send(port: port, path, method: method, body: body.map { Data($0.utf8) }, headers: headers)
                return (status, try? JSONValue(parsing: data))
            }

            let (noToken, refusal) = try await call("GET", "/admin/status", token: nil)
            #expect(noToken == 401 && refusal?["status"] == "unauthorized", sourceLocation: sourceLocation)
            #expect(try await call("GET", "/admin/status", token: "an-admin-token-long-enougH").0 == 401, sourceLocation: sourceLocation)
            let (statusCode, status) = try await call("GET", "/admin/status")
            #expect(statusCode == 200, sourceLocation: sourceLocation)
            #expect(status?.value(at: "/deadLetters/count")?.int64Value == 1, sourceLocation: sourceLocation)
            #expect(status?.value(at: "/quarantine/count")?.int64Value == 1, sourceLocation: sourceLocation)

            let (_, listing) = try await call("GET", "/admin/dead-letters")
            #expect(listing?.value(at: "/deadLetters/0/id") == "evt-dl-1", sourceLocation: sourceLocation)
            #expect(listing?.value(at: "/deadLetters/0/payload/eventType") == "chat.conversationStarted", sourceLocation: sourceLocation)
            #expect(try await call("GET", "/admin/dead-letters/evt-dl-1").1?["reason"] == "invalid", sourceLocation: sourceLocation)
            #expect(try await call("GET", "/admin/dead-letters/nope").0 == 404, sourceLocation: sourceLocation)
            #expect(try await call("GET", "/admin/quarantine").1?["count"]?.int64Value == 1, sourceLocation: sourceLocation)
            #expect(try await call("POST", "/admin/dead-letters/purge", body: #"{"olderThan":"7"}"#).0 == 400, sourceLocation: sourceLocation)
            #expect(try await call("POST", "/admin/dead-letters/redrive", body: #"{"every":true}"#).0 == 400, sourceLocation: sourceLocation)
            #expect(try await call("POST", "/admin/dead-letters/redrive", body: "not json").1?["status"] == "bad request", sourceLocation: sourceLocation)

            let (redriveCode, redriven) = try await call("POST", "/admin/dead-letters/redrive", body: #"{"ids":["evt-dl-1"]}"#)
            #expect(redriveCode == 200, sourceLocation: sourceLocation)
            #expect(redriven?["count"]?.int64Value == 1, sourceLocation: sourceLocation)
            let (replayCode, replayed) = try await call("POST", "/admin/quarantine/replay", body: #"{"all":true}"#)
            #expect(replayCode == 200, sourceLocation: sourceLocation)
            let eventID = try #require(replayed?.value(at: "/replayed/0/eventID")?.stringValue, sourceLocation: sourceLocation)

            #expect(await client.flush(timeout: .seconds(20)), sourceLocation: sourceLocation)
            #expect(emulator.record.message(withID: "evt-dl-1") != nil, sourceLocation: sourceLocation)
            #expect(emulator.record.message(withID: eventID)?.xdmEntity?.value(at: "/_acme/chatlio/message") == "Replayed", sourceLocation: sourceLocation)
            let (_, after) = try await call("GET", "/admin/status")
            #expect(after?.value(at: "/deadLetters/count")?.int64Value == 0, sourceLocation: sourceLocation)
            #expect(after?.value(at: "/quarantine/count")?.int64Value == 0, sourceLocation: sourceLocation)
        }
    }
}
