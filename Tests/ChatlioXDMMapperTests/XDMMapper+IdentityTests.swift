@testable import ChatlioXDMMapper
import ChatlioWebhooks
import Foundation
import Testing

@Suite struct XDMMapperIdentityTests {
    static let identified: JSONObject = ["visitor": ["UUID": "v-1", "email": " Jane.Doe@Example.COM ", "identUserId": "user1234"], "conversationUUID": "conv-1"]

    static func primaries(_ value: JSONValue) -> [String] {
        (value["identityMap"]?.objectValue ?? [:]).flatMap { namespace, items in
            (items.arrayValue ?? []).filter { $0["primary"] == true }.map { "\(namespace):\($0["id"]?.stringValue ?? "")" }
        }
    }

    @Test func exactlyOnePrimaryFollowingTheConfiguration() throws {
        let webhook = try MapperFixtures.webhook(.conversationStarted, Self.identified)
        let byDefault = try MapperFixtures.mapper().map(webhook, receivedAt: MapperFixtures.receivedAt)
        #expect(Self.primaries(byDefault.value) == ["ChatlioVisitor:v-1"])
        #expect(byDefault.value.value(at: "/identityMap/CRMID") == nil)  // identUserId namespace is off by default

        let byEmail = try MapperFixtures.mapper { $0.primaryIdentity = .email }.map(webhook, receivedAt: MapperFixtures.receivedAt)
        #expect(Self.primaries(byEmail.value) == ["Email:jane.doe@example.com"])

        let byUser = try MapperFixtures.mapper { $0.primaryIdentity = .identUserId; $0.namespaces.identUserId = "CRMID" }.map(webhook, receivedAt: MapperFixtures.receivedAt)
        #expect(Self.primaries(byUser.value) == ["CRMID:user1234"])
        #expect(byUser.value.value(at: "/identityMap/CRMID/0/authenticatedState") == "authenticated")

        // Configured primary absent: the first present identity is primary instead.
        let noUser = try MapperFixtures.mapper { $0.primaryIdentity = .identUserId }.map(webhook, receivedAt: MapperFixtures.receivedAt)
        #expect(Self.primaries(noUser.value) == ["ChatlioVisitor:v-1"])
    }

    @Test func customNamespaceCodes() throws {
        let event = try MapperFixtures.mapper { $0.namespaces = .init(email: "WorkEmail", visitorUUID: "ChatlioID") }
            .map(MapperFixtures.webhook(.conversationStarted, Self.identified), receivedAt: MapperFixtures.receivedAt)
        #expect(event.value.value(at: "/identityMap/WorkEmail/0/id") == "jane.doe@example.com")
        #expect(event.value.value(at: "/identityMap/ChatlioID/0/id") == "v-1")
    }

    @Test func transcriptLandsOnTheProfileLearnedFromItsConversation() throws {
        let store = InMemoryConversationIdentityStore(capacity: 10)
        let mapper = try MapperFixtures.mapper(store: store)
        _ = try mapper.map(MapperFixtures.webhook(.conversationStarted, Self.identified), receivedAt: MapperFixtures.receivedAt)
        let transcript = try mapper.map(MapperFixtures.webhook(.chatTranscript, ["conversationUUID": "conv-1", "messages": [["ts": "1.0", "text": "hi"]]]), receivedAt: MapperFixtures.receivedAt)
        #expect(Self.primaries(transcript.value) == ["ChatlioVisitor:v-1"])
        #expect(transcript.value.value(at: "/identityMap/Email/0/id") == "jane.doe@example.com")
        // The transcript's own email is kept and fills nothing it already had.
        let other = try mapper.map(MapperFixtures.webhook(.chatTranscript, ["conversationUUID": "conv-2", "visitorEmail": "x@example.com"]), receivedAt: MapperFixtures.receivedAt)
        #expect(Self.primaries(other.value) == ["Email:x@example.com"])
    }

    @Test func withoutAStoreATranscriptHasOnlyItsOwnIdentities() throws {
        let transcript = try MapperFixtures.mapper().map(MapperFixtures.webhook(.chatTranscript, ["conversationUUID": "conv-1"]), receivedAt: MapperFixtures.receivedAt)
        #expect(transcript.value["identityMap"] == nil)
    }
}
