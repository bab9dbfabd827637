@testable import ChatlioXDMMapper
import ChatlioWebhooks
import ChatlioAEPTestSupport
import Foundation
import Testing
import XDMSchemaRegistry

@Suite struct XDMMapperTests {
    static let validator: XDMValidator? = try? ChatlioXDM(tenantID: "acme").experienceEventValidator(options: .init(maxViolations: 20))

    @Test(arguments: SamplePayloads.all)
    func everySampleMapsToAValidEvent(sample: SamplePayloads.Sample) throws {
        let validator = try #require(Self.validator)
        let event = try MapperFixtures.mapper().map(ChatlioWebhook.decode(sample.data, kind: sample.kind), receivedAt: MapperFixtures.receivedAt)
        let report = validator.validate(event.value)
        #expect(report.isValid, "\(sample.testDescription): \(report.violations)")
        #expect(MapperFixtures.emptyValues(in: event.value).isEmpty, "\(MapperFixtures.emptyValues(in: event.value))")
        #expect(try JSONValue(parsing: event.jsonBytes) == event.value)
        #expect(try JSONValue(parsing: JSONEncoder().encode(event)) == event.value)
        #expect(event.value["_id"] == .string(event.id))
        #expect(event.value["eventType"] == .string(sample.kind.xdmEventType))
        #expect(event.jsonBytes.count <= XDMMapper.SizeBudget.profile.maxBytes)
    }

    @Test func conversationStartedMapsEveryField() throws {
        let event = try MapperFixtures.mapper().map(MapperFixtures.webhook(.conversationStarted, "identified-ipv6"), receivedAt: MapperFixtures.receivedAt)
        let value = event.value
        #expect(value["eventType"] == "chat.conversationStarted")
        #expect(value["timestamp"] == "2026-01-01T00:00:00.000Z")
        #expect(value["producedBy"] == "self")
        #expect(value.value(at: "/identityMap/ChatlioVisitor/0") == ["id": "9b1c7d20-7e41-4f0a-8c3e-5d2f1a6b9e01", "primary": true, "authenticatedState": "ambiguous"])
        #expect(value.value(at: "/identityMap/Email/0") == ["id": "jane.doe@example.com", "primary": false, "authenticatedState": "ambiguous"])
        #expect(value.value(at: "/personalEmail/address") == "jane.doe@example.com")
        #expect(value.value(at: "/person/name/fullName") == "Jane Doe")
        #expect(value.value(at: "/environment/type") == "browser")
        #expect(value.value(at: "/environment/ipV6") == "2001:db8:85a3::8a2e:370:7334")
        #expect(value.value(at: "/environment/ipV4") == nil)
        #expect(value.value(at: "/environment/browserDetails/userAgent")?.stringValue?.hasPrefix("Mozilla/5.0") == true)
        #expect(value.value(at: "/web/webPageDetails/URL") == "https://shop.example.com/signup")
        #expect(value.value(at: "/web/webReferrer/URL") == "https://www.google.com/")
        #expect(value.value(at: "/placeContext/geo") == ["city": "München", "stateProvince": "DE-BY", "countryCode": "DE"])
        let chatlio = try #require(value.value(at: "/_acme/chatlio"))
        #expect(chatlio["webhookKind"] == "conversation-started")
        #expect(chatlio["conversationId"] == "6a1f0c2e-9d44-4b3a-9e1f-2a7c5d8e0f11")
        #expect(chatlio["channelId"] == "C1NABCDEF")
        #expect(chatlio["slackChannelName"] == "live-chat")
        #expect(chatlio["slackChannelId"] == "C1XPVTNKR")
        #expect(chatlio["message"] == "Hallo! Können Sie mir bei der Rechnung helfen?")
        #expect(chatlio.value(at: "/visitor/uuid") == "9b1c7d20-7e41-4f0a-8c3e-5d2f1a6b9e01")
        #expect(chatlio.value(at: "/visitor/identUserId") == "user1234")
        #expect(chatlio.value(at: "/visitor/handle") == "united-states-27")
        #expect(chatlio.value(at: "/visitor/location") == "München, Bayern, Germany")
        #expect(chatlio.value(at: "/visitor/createdAt") == "2024-05-19T18:14:32.000026941+02:00")
        let traits = try JSONValue(parsing: #require(chatlio.value(at: "/visitor/identifyTraitsJSON")?.stringValue))
        #expect(traits["company"]?["size"] == 250)
        #expect(chatlio.value(at: "/mapping") == ["mapperVersion": "1.0", "timestampSource": "received"])
        #expect(event.report.isClean)
    }

    @Test func transcriptMapsMessagesAndItsOwnTime() throws {
        let event = try MapperFixtures.mapper().map(MapperFixtures.webhook(.chatTranscript, "basic"), receivedAt: MapperFixtures.receivedAt)
        let value = event.value
        #expect(value["timestamp"] == "2024-05-19T16:14:32.000Z")
        #expect(event.report.timestampSource == .payload)
        #expect(value["identityMap"] == nil)  // no visitor UUID, no visitor email, no store
        #expect(value["environment"] == nil)
        let transcript = try #require(value.value(at: "/_acme/chatlio/transcript"))
        #expect(transcript["messageCount"] == 2)
        #expect(transcript["extraData"] == ["extra", "stuff", "here"])
        #expect(transcript["visitorEmail"] == nil)
        #expect(transcript.value(at: "/messages/0") == ["ts": "1716135209.000005", "sentAt": "2024-05-19T18:13:29.000005006+02:00", "text": "Hi! I love your webhooks!", "username": "costa-mesa-california-us", "isVisitorMsg": true])
        #expect(transcript.value(at: "/messages/1/userId") == "U0N2GKA2G")
        #expect(try JSONValue(parsing: #require(transcript["visitorTraitsJSON"]?.stringValue))["utm_source"] == "newsletter")
        #expect(value.value(at: "/_acme/chatlio/agent") == ["name": "Some One", "email": "some.one@example.com"])
    }

    @Test func offlineMessagePrefersTheTypedContact() throws {
        let event = try MapperFixtures.mapper().map(MapperFixtures.webhook(.offlineMessage, "ipv6-subject-extra"), receivedAt: MapperFixtures.receivedAt)
        let value = event.value
        #expect(value.value(at: "/identityMap/Email/0/id") == "amelie.dupont@example.fr")
        #expect(value.value(at: "/person/name/fullName") == "Amélie Dupont")
        #expect(value.value(at: "/_acme/chatlio/subject") == "Connexion impossible")
        #expect(value.value(at: "/_acme/chatlio/emailPretty") == "\"Amélie Dupont\" <amelie.dupont@example.fr>")
        #expect(value.value(at: "/_acme/chatlio/visitor/identifyTraitsJSON") == "{not json: this site passes a bare string}")
        #expect(value.value(at: "/_acme/chatlio/additionalFieldsJSON") == #"{"formVersion":2}"#)
        #expect(value.value(at: "/placeContext/geo") == ["city": "Paris", "stateProvince": "FR-IDF", "countryCode": "FR"])
    }

    @Test func unknownKeysAtEveryLevelAreKeptAsJSONText() throws {
        let event = try MapperFixtures.mapper().map(
            MapperFixtures.webhook(.chatTranscript, ["conversationUUID": "c", "tags": ["vip"], "messages": [["ts": "1.0", "reaction": "👍"]]]),
            receivedAt: MapperFixtures.receivedAt)
        #expect(event.value.value(at: "/_acme/chatlio/additionalFieldsJSON") == #"{"messages":{"0":{"reaction":"👍"}},"tags":["vip"]}"#)
    }

    @Test func invalidEmailAndIPAreOmittedAndReported() throws {
        let webhook = try MapperFixtures.webhook(.conversationStarted, ["visitor": ["UUID": "u", "email": "not-an-email", "IPAddress": "999.1.1.1"]])
        let event = try MapperFixtures.mapper().map(webhook, receivedAt: MapperFixtures.receivedAt)
        #expect(event.value["personalEmail"] == nil)
        #expect(event.value.value(at: "/identityMap/Email") == nil)
        #expect(event.value.value(at: "/environment/ipV4") == nil)
        #expect(event.value.value(at: "/_acme/chatlio/visitor/email") == "not-an-email")
        #expect(event.value.value(at: "/_acme/chatlio/visitor/ipAddress") == "999.1.1.1")
        #expect(event.report.omitted == ["personalEmail.address: not a valid email address", "environment.ipV4: not a valid IPv4 or IPv6 address"])
        #expect(event.value.value(at: "/_acme/chatlio/mapping/omitted") == .array(event.report.omitted.map(JSONValue.string)))
        let validator = try #require(Self.validator)
        #expect(validator.validate(event.value).isValid)
    }

    @Test func unparseableLocationGivesNoGeo() throws {
        let webhook = try MapperFixtures.webhook(.conversationStarted, ["visitor": ["UUID": "u", "location": "the moon"]])
        let event = try MapperFixtures.mapper().map(webhook, receivedAt: MapperFixtures.receivedAt)
        #expect(event.value["placeContext"] == nil)
        #expect(event.value.value(at: "/_acme/chatlio/visitor/location") == "the moon")
    }

    @Test func rejectsBadConfiguration() {
        #expect(throws: XDMMapperError.self) { try XDMMapper(configuration: .init(tenantID: "_acme")) }
        #expect(throws: XDMMapperError.self) { try MapperFixtures.mapper { $0.namespaces.email = "" } }
        #expect(throws: XDMMapperError.self) { try MapperFixtures.mapper { $0.sizeBudget = .init(maxBytes: 0) } }
    }
}
