@testable import ChatlioXDMMapper
@_spi(ChatlioAEPInternal) import ChatlioWebhooks
import Foundation
import Testing
import XDMSchemaRegistry

@Suite struct XDMMapperPrivacyTests {
    static let offline: JSONObject = [
        "name": "Bob Smith", "email": " Bob@Example.com", "emailPretty": "\"Bob Smith\" <bob@example.com>", "message": "call me", "subject": "help",
        "visitor": ["UUID": "v-9", "name": "Bob Smith", "email": "bob@example.com", "IPAddress": "203.0.113.9", "userAgent": "Mozilla/5.0 Test"],
    ]

    static func text(_ event: XDMExperienceEvent) -> String { String(decoding: event.jsonBytes, as: UTF8.self) }

    @Test func hashingAnEmailUsesTheLowerCaseSHA256Namespace() throws {
        let event = try MapperFixtures.mapper { $0.privacy.email = .hash }.map(MapperFixtures.webhook(.offlineMessage, Self.offline), receivedAt: MapperFixtures.receivedAt)
        let expected = SHA256.hexDigest(of: "bob@example.com")
        #expect(expected == "5ff860bf1190596c7188ab851db691f0f3169c453936e9e1eba2f9a47f7a0018")
        #expect(event.value.value(at: "/identityMap/Email_LC_SHA256") == [["id": .string(expected), "primary": false, "authenticatedState": "ambiguous"]])
        #expect(event.value.value(at: "/identityMap/Email") == nil)
        #expect(event.value["personalEmail"] == nil)
        #expect(!Self.text(event).lowercased().contains("bob@example.com"))
    }

    @Test func droppingRemovesEveryTrace() throws {
        let policy = XDMMapper.PrivacyPolicy(email: .drop, name: .drop, ipAddress: .drop, userAgent: .drop, messageText: .drop)
        let event = try MapperFixtures.mapper { $0.privacy = policy }.map(MapperFixtures.webhook(.offlineMessage, Self.offline), receivedAt: MapperFixtures.receivedAt)
        let text = Self.text(event).lowercased()
        for secret in ["bob@example.com", "bob smith", "203.0.113.9", "mozilla", "call me", "\"help\""] {
            #expect(!text.contains(secret), "\(secret) leaked")
        }
        #expect(event.value.value(at: "/identityMap/ChatlioVisitor/0/id") == "v-9")
    }

    @Test func hashingNamesIPsAgentsAndText() throws {
        let policy = XDMMapper.PrivacyPolicy(email: .hash, name: .hash, ipAddress: .hash, userAgent: .hash, messageText: .hash)
        let mapper = try MapperFixtures.mapper { $0.privacy = policy }
        let offline = try mapper.map(MapperFixtures.webhook(.offlineMessage, Self.offline), receivedAt: MapperFixtures.receivedAt)
        #expect(offline.value.value(at: "/_acme/chatlio/visitor/name") == .string(SHA256.hexDigest(of: "bob smith")))
        #expect(offline.value.value(at: "/_acme/chatlio/visitor/ipAddress") == .string(SHA256.hexDigest(of: "203.0.113.9")))
        #expect(offline.value.value(at: "/environment/browserDetails/userAgent") == .string(SHA256.hexDigest(of: "Mozilla/5.0 Test")))
        #expect(offline.value.value(at: "/_acme/chatlio/message") == .string(SHA256.hexDigest(of: "call me")))
        #expect(offline.value["person"] == nil && offline.value.value(at: "/environment/ipV4") == nil)
        #expect(offline.value.value(at: "/_acme/chatlio/emailPretty") == nil)

        let transcript = try mapper.map(MapperFixtures.webhook(.chatTranscript, "basic"), receivedAt: MapperFixtures.receivedAt)
        #expect(transcript.value.value(at: "/_acme/chatlio/agent/email") == .string(SHA256.hexDigest(of: "some.one@example.com")))
        #expect(transcript.value.value(at: "/_acme/chatlio/transcript/messages/0/text") == .string(SHA256.hexDigest(of: "Hi! I love your webhooks!")))
        let validator = try ChatlioXDM(tenantID: "acme").experienceEventValidator()
        #expect(validator.validate(offline.value).isValid)
        #expect(validator.validate(transcript.value).isValid)
    }
}
