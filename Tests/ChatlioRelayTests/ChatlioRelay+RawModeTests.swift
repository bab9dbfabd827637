import AEPStreamingClient
import ChatlioAEPTestSupport
import ChatlioRelay
import ChatlioWebhooks
import ChatlioXDMMapper
import Foundation
import Testing

/// Raw mode for AEP's Chatlio source: one dataflow, one URL in every Chatlio
/// webhook field, all five kinds mixed.
@Suite struct ChatlioRelayRawModeTests {
    static let now = Date(timeIntervalSince1970: 1_767_225_600)

    /// Every sample of every kind through one raw relay: each body carries its
    /// kind, the `_id` XDM mode would give it and its event time, and is
    /// otherwise Chatlio's JSON unchanged.
    @Test func allFiveKindsCarryTheirKindIDAndTime() async throws {
        let sink = RecordingSink()
        let mapper = try XDMMapper(configuration: .init(tenantID: "acme"))
        let relay = try ChatlioRelay(configuration: .init(mode: .raw), mapper: mapper, sink: sink, quarantine: InMemoryQuarantineStore(), now: { Self.now })
        for sample in SamplePayloads.all {
            #expect(await relay.handle(WebhookRequest(route: sample.kind.rawValue, body: sample.data)).status == 202, "\(sample)")
        }
        #expect(sink.accepted.count == SamplePayloads.all.count)
        for (sample, event) in zip(SamplePayloads.all, sink.accepted) {
            let webhook = try ChatlioWebhook.decode(sample.data, kind: sample.kind)
            let xdm = try mapper.map(webhook, receivedAt: Self.now)
            // `value` is computed (parsed from the bytes); bound once, as #expect's
            // decomposition of `xdm.value[…]` against an optional compared nil.
            let entity = xdm.value
            var sent = try #require(JSONValue(parsing: Data(event.body)).objectValue)
            let removed = sent.removeValue(forKey: "chatlioAEP")
            let added = try #require(removed)
            #expect(added["kind"]?.stringValue == sample.kind.rawValue, "\(sample)")
            #expect(added["id"]?.stringValue == xdm.id && event.id == xdm.id, "\(sample)")
            #expect(added["eventType"] == entity["eventType"], "\(sample)")
            #expect(added["timestamp"] == entity["timestamp"], "\(sample)")
            #expect(sent == (try JSONValue(parsing: sample.data).objectValue), "\(sample): the rest is Chatlio's JSON")
        }
    }

    /// A transcript names no visitor; the relay's mapper store remembers the
    /// visitor UUID of the conversation's earlier webhook, the primary identity.
    @Test func aTranscriptGetsTheVisitorUUIDOfItsConversation() async throws {
        let sink = RecordingSink()
        let mapper = try XDMMapper(configuration: .init(tenantID: "acme"), identityStore: InMemoryConversationIdentityStore(capacity: 10))
        let relay = try ChatlioRelay(configuration: .init(mode: .raw), mapper: mapper, sink: sink, quarantine: InMemoryQuarantineStore())
        #expect(await relay.handle(WebhookRequest(route: "conversation-started", body: try SamplePayloads.named(.conversationStarted, "basic"))).status == 202)
        #expect(await relay.handle(WebhookRequest(route: "chat-transcript", body: try SamplePayloads.named(.chatTranscript, "basic"))).status == 202)
        let transcript = try #require(sink.accepted.last)
        let added = try JSONValue(parsing: Data(transcript.body))["chatlioAEP"]
        #expect(added?["visitorUUID"] == "2d3f4260-2235-903b-0a82-a23d326cc257")
    }

    @Test func aBodyCarryingTheReservedMemberIsQuarantined() async throws {
        let sink = RecordingSink()
        let quarantine = InMemoryQuarantineStore()
        let relay = try ChatlioRelay(configuration: .init(mode: .raw), mapper: nil, sink: sink, quarantine: quarantine)
        let forged = Data(#"{"chatlioAEP":{"id":"forged"},"visitor":{"UUID":"v-1"},"message":"hi"}"#.utf8)
        let response = await relay.handle(WebhookRequest(route: "conversation-started", body: forged))
        #expect(response.status == 400)
        let answer = try JSONValue(parsing: response.body)
        #expect(answer["error"]?["code"] == "reserved key")
        #expect(answer["quarantined"] == true)
        #expect(sink.accepted.isEmpty)
    }

    static func client(_ format: MessageFormat) async throws -> AEPStreamingClient {
        let configuration = AEPStreamingClient.Configuration(
            inletURL: try #require(URL(string: "http://127.0.0.1:9/collection/format-check")), format: format, flowID: "flow-1")
        return try await AEPStreamingClient(configuration: configuration, outbox: InMemoryOutbox())
    }

    /// A raw relay before an XDM client would send Chatlio's JSON as the
    /// xdmEntity; an XDM relay before a raw client would feed XDM to Data Prep.
    @Test func aModeThatDoesNotMatchTheSinksFormatIsRefused() async throws {
        let mapper = try XDMMapper(configuration: .init(tenantID: "acme"))
        let xdmClient = try await Self.client(.xdm(schemaID: "s", datasetID: "d"))
        let rawClient = try await Self.client(.raw)
        #expect(xdmClient.payloadFormat == .xdm && rawClient.payloadFormat == .raw)

        for (mode, client) in [(ChatlioRelay.Mode.raw, xdmClient), (.xdm, rawClient)] {
            do {
                _ = try ChatlioRelay(configuration: .init(mode: mode), mapper: mapper, sink: client, quarantine: InMemoryQuarantineStore())
                Issue.record("a \(mode) relay was created before a \(client.configuration.format) client")
            } catch {
                #expect(error.code == .formatMismatch)
                #expect(error.reason.contains("\(mode) mode") && error.reason.contains("XDM entities") && error.reason.contains("raw JSON"), "\(error.reason)")
            }
        }
        _ = try ChatlioRelay(configuration: .init(mode: .xdm), mapper: mapper, sink: xdmClient, quarantine: InMemoryQuarantineStore())
        _ = try ChatlioRelay(configuration: .init(mode: .raw), mapper: nil, sink: rawClient, quarantine: InMemoryQuarantineStore())
        // A sink that does not say is not checked.
        #expect(RecordingSink().payloadFormat == .unknown)
        _ = try ChatlioRelay(configuration: .init(mode: .raw), mapper: nil, sink: RecordingSink(), quarantine: InMemoryQuarantineStore())
        _ = await xdmClient.shutdown(timeout: .seconds(2))
        _ = await rawClient.shutdown(timeout: .seconds(2))
    }
}
