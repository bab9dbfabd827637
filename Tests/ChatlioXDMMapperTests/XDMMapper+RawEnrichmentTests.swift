@testable import ChatlioXDMMapper
import ChatlioAEPTestSupport
import ChatlioWebhooks
import Foundation
import Testing
import XDMSchemaRegistry

@Suite struct XDMMapperRawEnrichmentTests {
    @Test func chatliosBytesAreKeptAndTheMemberComesFirst() throws {
        let body = Data(#"  {"visitor": {"UUID": "v-1", "n": 1.50}, "message": "h\u00e9"}"#.utf8)
        let webhook = try ChatlioWebhook.decode(body, kind: .visitorFeedback)
        let added = XDMMapper.rawEnrichment(of: webhook, receivedAt: MapperFixtures.receivedAt)
        let sent = try XDMMapper.enrichedRawBody(body, of: webhook, adding: added)
        let member = #""chatlioAEP":"# + JSONValue.object(added).jsonString(sortedKeys: true) + ","
        #expect(String(decoding: sent, as: UTF8.self) == #"  {"# + member + #""visitor": {"UUID": "v-1", "n": 1.50}, "message": "h\u00e9"}"#)
        #expect(added == [
            "kind": "visitor-feedback", "id": .string(webhook.eventID), "eventType": "chat.feedback",
            "timestamp": "2026-01-01T00:00:00.000Z", "visitorUUID": "v-1",
        ])
        // The enriched body still decodes as the same webhook kind, the member aside.
        let reparsed = try #require(JSONValue(parsing: Data(sent)).objectValue)
        #expect(reparsed["chatlioAEP"] == .object(added))
    }

    @Test func theIDAndTimeAreXDMModes() throws {
        for sample in SamplePayloads.all {
            let webhook = try ChatlioWebhook.decode(sample.data, kind: sample.kind)
            let event = try MapperFixtures.mapper().map(webhook, receivedAt: MapperFixtures.receivedAt)
            let added = XDMMapper.rawEnrichment(of: webhook, receivedAt: MapperFixtures.receivedAt)
            #expect(added["id"]?.stringValue == event.id, "\(sample)")
            #expect(added["timestamp"] == event.value["timestamp"], "\(sample)")
            #expect(added["eventType"] == event.value["eventType"], "\(sample)")
        }
    }

    /// The source schemas (Data Prep's input) describe the member: every
    /// enriched sample is as valid as Chatlio's body, and a malformed member is caught.
    @Test func theSourceSchemasDescribeTheMember() throws {
        #expect(XDMMapper.rawEnrichmentKey == ChatlioXDM.relayEnrichmentKey)
        for sample in SamplePayloads.all {
            let validator = try ChatlioXDM.sourceValidator(for: sample.kind, options: .init(maxViolations: 50))
            let webhook = try ChatlioWebhook.decode(sample.data, kind: sample.kind)
            let enriched = try XDMMapper.enrichedRawBody(sample.data, of: webhook, adding: XDMMapper.rawEnrichment(of: webhook, receivedAt: MapperFixtures.receivedAt))
            let plain = try validator.validate(json: sample.data).violations
            #expect(try validator.validate(json: Data(enriched)).violations == plain, "\(sample)")
        }
        let validator = try ChatlioXDM.sourceValidator(for: .conversationStarted)
        let forged = Data(#"{"chatlioAEP":{"kind":"chat","id":"x","eventType":"e"},"visitor":{"UUID":"v"}}"#.utf8)
        #expect(try validator.validate(json: forged).violations.map(\.pointer).allSatisfy { $0.hasPrefix("/chatlioAEP") })
        #expect(try !validator.validate(json: forged).violations.isEmpty)
    }

    @Test func aBodyCarryingTheReservedKeyIsRefused() throws {
        let body = Data(#"{"chatlioAEP": {"id": "forged"}, "visitor": {"UUID": "v-1"}, "message": "hi"}"#.utf8)
        let webhook = try ChatlioWebhook.decode(body, kind: .conversationStarted)
        #expect(throws: XDMMapperError.self) {
            try XDMMapper.enrichedRawBody(body, of: webhook, adding: [:])
        }
        do {
            _ = try XDMMapper.enrichedRawBody(body, of: webhook, adding: [:])
        } catch {
            #expect(error.code == .reservedKey)
        }
    }

    /// Exactly one primary identity in every XDM-mode event, and for every
    /// event with a visitor it is the visitor UUID the identity descriptor names.
    @Test func everySampleEventHasOnePrimaryTheVisitorUUID() throws {
        for sample in SamplePayloads.all {
            let webhook = try ChatlioWebhook.decode(sample.data, kind: sample.kind)
            let event = try MapperFixtures.mapper().map(webhook, receivedAt: MapperFixtures.receivedAt).value
            let primaries = XDMMapperIdentityTests.primaries(event)
            #expect(primaries.count <= 1, "\(sample): \(primaries)")
            if let uuid = webhook.visitor?.uuid {
                #expect(primaries == ["ChatlioVisitor:\(uuid)"], "\(sample)")
                #expect(event["_acme"]?["chatlio"]?["visitor"]?["uuid"]?.stringValue == uuid)
            }
        }
    }
}
