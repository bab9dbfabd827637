import ChatlioWebhooks
import ChatlioAEPTestSupport
import Foundation
import Testing

@Suite struct OfflineMessageTests {
    @Test func readsTheDocumentedExample() throws {
        let offline = try OfflineMessage(jsonObject: SamplePayloads.object(.offlineMessage, "basic"))
        #expect(offline.name == "Bob Smith")
        #expect(offline.email == "bob@example.com")
        #expect(offline.emailPretty == "\"Bob Smith\" <bob@example.com>")
        #expect(offline.message == "I just want to say I love your service!")
        #expect(offline.subject == nil)
        #expect(offline.visitor.location == nil)
        #expect(offline.visitor.identUserId == "user1234")
        #expect(offline.visitor.identifyTraits?.object == ["custom stuff": "things"])
    }

    @Test func subjectAndUnknownKeys() throws {
        let offline = try OfflineMessage(jsonObject: SamplePayloads.object(.offlineMessage, "ipv6-subject-extra"))
        #expect(offline.subject == "Connexion impossible")
        #expect(offline.additionalFields == ["formVersion": 2])
        #expect(offline.visitor.identifyTraits?.isUnparsedText == true)
        #expect(offline.message?.contains("\n") == true)
    }

    @Test func visitorIsRequired() {
        #expect {
            _ = try OfflineMessage(jsonObject: ["name": "Bob", "message": "hi"])
        } throws: { error in
            (error as? ChatlioWebhookError).map { $0.code == .missingField && $0.pointer == "/visitor" && $0.kind == .offlineMessage } ?? false
        }
    }

    @Test func trimmedOfflineMessageHasOnlyTheMessage() throws {
        let offline = try OfflineMessage(jsonObject: SamplePayloads.object(.offlineMessage, "trimmed"))
        #expect(offline.name == nil && offline.email == nil && offline.emailPretty == nil)
        #expect(offline.message == "no contact details")
    }
}
