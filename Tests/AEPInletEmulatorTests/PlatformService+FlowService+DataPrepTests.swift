@testable import AEPInletEmulator
import ChatlioAEPTestSupport
import ChatlioJSON
import ChatlioWebhooks
import ChatlioXDMMapper
import Foundation
import Testing
import XDMSchemaRegistry

/// A Chatlio flow created on the platform emulator with ChatlioXDMMapper's
/// mapping set: raw bodies posted to its `inletUrl` over loopback are
/// recorded with the XDM entity the set makes of them.
@Suite("Platform emulator: a Chatlio flow applies its mapping set")
struct PlatformChatlioFlowMappingTests {
    static let receivedAt = Date(timeIntervalSince1970: 1_767_225_600)

    /// Every step of the Chatlio tutorial with the mapper's set; the flow id and its inlet URL.
    static func provision(_ client: PlatformClient, mapper: XDMMapper) async throws -> (flow: String, inletURL: String) {
        let schema = try await client.createdSchema()
        let dataSetReply = try await client.post("/data/foundation/catalog/dataSets", PlatformFixture.dataSet(schemaID: schema))
        let dataSet = String(try #require(dataSetReply.json?[0]?.stringValue).dropFirst("@/dataSets/".count))
        let mapping = try await client.created("/data/foundation/conversion/mappingSets", mapper.dataPrepMappingSet(schemaID: schema), key: "id", status: 200)
        let flowService = "/data/foundation/flowservice"
        let source = try await client.created("\(flowService)/sourceConnections", PlatformFixture.chatlioSourceConnection, key: "id")
        let target = try await client.created("\(flowService)/targetConnections", PlatformFixture.targetConnection(schemaID: schema, dataSetID: dataSet), key: "id")
        let flow = try await client.created("\(flowService)/flows", PlatformFixture.chatlioFlow(source: source, target: target, mapping: mapping), key: "id")
        let inletURL = try #require(try await client.get("\(flowService)/flows/\(flow)").json?["items"]?[0]?["options"]?["inletUrl"]?.stringValue)
        return (flow, inletURL)
    }

    /// A body posted as Chatlio's webhook does: to `{inletUrl}?x-adobe-flow-id={flow}`
    /// (help/sources/tutorials/ui/create/marketing-automation/chatlio-webhook.md).
    static func post(_ body: Data, to inletURL: String, flow: String) async throws -> Reply {
        let url = try #require(URL(string: "\(inletURL)?x-adobe-flow-id=\(flow)"))
        return try await Client().post(url, body: body)
    }

    @Test func aRawBodyIsRecordedWithWhatAEPWouldStore() async throws {
        let mapper = try XDMMapper(configuration: .init(tenantID: "acme"))
        let validator = try mapper.validator()
        let platform = try PlatformFixture.started { $0.inlet.validator = validator }
        defer { platform.stop() }
        let client = PlatformClient(platform: platform)
        let (flow, inletURL) = try await Self.provision(client, mapper: mapper)
        let inlet = try #require(platform.inlet(forFlow: flow))
        #expect(inlet.configuration.dataPrepMapping?.count == (mapper.dataPrepMappingSet()["mappings"]?.arrayValue?.count ?? -1))

        // As the relay sends it in raw mode.
        let data = try SamplePayloads.named(.conversationStarted, "basic")
        let webhook = try ChatlioWebhook.decode(data, kind: .conversationStarted)
        let enriched = try XDMMapper.enrichedRawBody(data, of: webhook, adding: mapper.rawEnrichment(of: webhook, receivedAt: Self.receivedAt))
        #expect(try await Self.post(Data(enriched), to: inletURL, flow: flow).status == 200)
        // As Chatlio posts it straight to AEP.
        let transcript = try SamplePayloads.named(.chatTranscript, "basic")
        #expect(try await Self.post(transcript, to: inletURL, flow: flow).status == 200)
        #expect(await inlet.record.waitForCount(2))

        let first = inlet.record.messages[0]
        let entity = try #require(first.mappedEntity)
        #expect(first.mappingErrors.isEmpty, "\(first.mappingErrors)")
        #expect(entity["_id"]?.stringValue == webhook.eventID)
        #expect(first.id == webhook.eventID, "the record finds raw messages by their mapped _id")
        #expect(inlet.record.message(withID: webhook.eventID)?.sequence == 0)
        #expect(entity["eventType"] == "chat.conversationStarted")
        #expect(entity["timestamp"] == (try mapper.map(webhook, receivedAt: Self.receivedAt).value["timestamp"]))
        #expect(entity["_acme"]?["chatlio"]?["visitor"]?["uuid"]?.stringValue == webhook.visitor?.uuid)
        #expect(entity["personalEmail"] == nil, "the anonymous visitor's \"\" is left out")
        #expect(first.message[XDMMapper.rawEnrichmentKey]?["id"]?.stringValue == webhook.eventID, "the raw body is kept as sent")

        let second = inlet.record.messages[1]
        #expect(second.mappingErrors.isEmpty, "\(second.mappingErrors)")
        #expect(second.mappedEntity?["eventType"] == "chat.transcript")
        #expect(second.mappedEntity?["_acme"]?["chatlio"]?["transcript"]?["messages"]?.arrayValue?.count == 2)
        #expect(second.mappedEntity?["timestamp"]?.stringValue?.isEmpty == false)
        #expect(inlet.record.mappingFailures.isEmpty)
    }

    /// help/data-prep/home.md: a row that resolves to invalid XDM is not
    /// ingested, and the error is documented; the raw message is still recorded.
    @Test func aMappedEntityTheValidatorRefusesIsRecordedAsAFailure() async throws {
        let mapper = try XDMMapper(configuration: .init(tenantID: "acme"))
        let validator = try mapper.validator()
        let platform = try PlatformFixture.started { $0.inlet.validator = validator }
        defer { platform.stop() }
        let (flow, inletURL) = try await Self.provision(PlatformClient(platform: platform), mapper: mapper)
        let inlet = try #require(platform.inlet(forFlow: flow))
        // `extraData` is copied as is (ATTRIBUTE), and the schema wants an array of strings.
        let body: JSONValue = ["visitor": ["UUID": "v-1", "email": ""], "message": "hi", "extraData": 5, "subject": ["not": "text"]]
        #expect(try await Self.post(Data(body.serialized()), to: inletURL, flow: flow).status == 200)
        #expect(await inlet.record.waitForCount(1))
        let failed = try #require(inlet.record.mappingFailures.first)
        #expect(inlet.record.mappingFailures.count == 1)
        #expect(failed.mappedEntity == nil)
        #expect(failed.mappingErrors.map(\.code) == [.typeMismatch, .invalidXDM])
        #expect(failed.mappingErrors[0].destination == "_acme.chatlio.subject")
        #expect(failed.mappingErrors[1].reason.contains("/_acme/chatlio/transcript/extraData"), "\(failed.mappingErrors[1])")
        #expect(failed.message["extraData"] == 5, "the accepted raw message is kept")
    }
}
