import AEPInletEmulator
import AEPStreamingClient
import ChatlioRelay
import ChatlioRelayServer
import ChatlioVapor
import ChatlioWebhooks
import ChatlioXDMMapper
import Foundation
import Testing

/// The admin endpoints over real loopback TCP, through the live client: a kept dead letter is
/// listed and redriven and a quarantined body replayed, both arriving in the inlet, with no restart.
@Suite struct ChatlioVaporAdminRoutesTests {
    static let adminToken = "an-admin-token-long-enough"

    @Test func adminEndpointsRedriveAndReplayThroughTheLiveClient() async throws {
        let emulator = try AEPInletEmulator(configuration: .init(inletId: "vapor-admin-test"))
        _ = try emulator.start()
        defer { emulator.stop() }
        let state = ChatlioStateDirectory(Fixture.temporaryDirectory("vapor-state"))
        defer { try? FileManager.default.removeItem(at: state.root) }
        let letterPayload = #"{"_id":"evt-dl-1","timestamp":"2026-01-01T00:00:00Z","eventType":"chat.conversationStarted"}"#
        do {
            let store = try FileDeadLetterStore(directory: state.deadLetters)
            try await store.add(DeadLetter(
                entry: DeadLetterEntry(id: "evt-dl-1", status: 400, reason: "invalid", attempts: 1, enqueuedAt: Date(), firstSentAt: Date(), deadLetteredAt: Date()),
                payload: Data(letterPayload.utf8)))
        }
        let quarantine = try FileQuarantineStore(directory: state.quarantine)
        let webhookBody = Data(#"{"visitor":{"UUID":"vapor-visitor-2"},"message":"Replayed","conversationUUID":"vapor-2"}"#.utf8)
        try await quarantine.quarantine(QuarantinedWebhook(
            receivedAt: Date(), route: "conversation-started", code: "invalid event", pointer: nil, reason: "an older mapper", body: webhookBody))

        let outbox = try FileOutbox(directory: state.outbox)
        var configuration = AEPStreamingClient.Configuration(inletURL: emulator.inletURL, format: .xdm(schemaID: Fixture.schemaID, datasetID: "d"), flowID: "flow-1")
        configuration.batching.linger = .milliseconds(10)
        let client = try await AEPStreamingClient(configuration: configuration, outbox: outbox, deadLetters: FileDeadLetterStore(directory: state.deadLetters))
        let mapper = try XDMMapper(configuration: .init(tenantID: "acme"))
        let relay = try ChatlioRelay(mapper: mapper, sink: client, quarantine: quarantine)
        let adminToken = Self.adminToken
        #expect(throws: ChatlioStateAdministrationError.self) {
            _ = try RelayAdminAnswers(administration: ChatlioStateAdministration(client: client, outbox: outbox, quarantine: quarantine, mapper: mapper), token: "short")
        }
        let admin = try RelayAdminAnswers(
            administration: ChatlioStateAdministration(client: client, outbox: outbox, quarantine: quarantine, mapper: mapper), token: adminToken)
        try await LoopbackRelay.with(relay: relay, client: client, admin: admin) { server in

            func call(_ method: String, _ path: String, body: String? = nil, token presented: String? = Self.adminToken) async throws -> (Int, JSONValue?) {
                let headers = presented.map { ["Authorization": "Bearer \($0)"] } ?? [:]
                let (status, data, _) = try await server.send(path, method: method, body: body.map { Data($0.utf8) }, headers: headers)
                return (status, try? JSONValue(parsing: data))
            }

            let (noToken, refusal) = try await call("GET", "/admin/status", token: nil)
            #expect(noToken == 401 && refusal?["status"] == "unauthorized")
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
            #expect(try await call("GET", "/admin/quarantine").1?["count"]?.int64Value == 1)
            #expect(try await call("POST", "/admin/dead-letters/purge", body: #"{"olderThan":"7"}"#).0 == 400)
            #expect(try await call("POST", "/admin/dead-letters/redrive", body: #"{"every":true}"#).0 == 400)
            #expect(try await call("POST", "/admin/dead-letters/redrive", body: "not json").1?["status"] == "bad request")

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
        }
    }
}
