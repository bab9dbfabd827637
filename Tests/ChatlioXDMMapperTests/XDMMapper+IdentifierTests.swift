@testable import ChatlioXDMMapper
import ChatlioWebhooks
import ChatlioAEPTestSupport
import Foundation
import Testing

@Suite struct XDMMapperIdentifierTests {
    @Test func sameWebhookGivesSameIDWhateverTheReceiveTimeOrConfiguration() throws {
        let data = try SamplePayloads.named(.conversationStarted, "identified-ipv6")
        let first = try MapperFixtures.mapper().map(ChatlioWebhook.decode(data, kind: .conversationStarted), receivedAt: MapperFixtures.receivedAt)
        let again = try MapperFixtures.mapper { $0.privacy.email = .hash }.map(
            ChatlioWebhook.decode(data, kind: .conversationStarted), receivedAt: MapperFixtures.receivedAt.addingTimeInterval(3600))
        #expect(first.id == again.id)
        #expect(first.id.utf8.count == 64 && first.id.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) })
        #expect(first.timestamp != again.timestamp)
    }

    @Test func memberOrderAndWhitespaceDoNotMatter() throws {
        let compact = Data(#"{"visitor":{"UUID":"u","email":""},"message":"hi"}"#.utf8)
        let spaced = Data(#"{ "message" : "hi", "visitor" : { "email":"", "UUID":"u" } }"#.utf8)
        #expect(XDMMapper.eventID(of: try ChatlioWebhook.decode(compact, kind: .conversationStarted))
            == XDMMapper.eventID(of: try ChatlioWebhook.decode(spaced, kind: .conversationStarted)))
    }

    @Test func anyChangeOfContentOrKindChangesTheID() throws {
        let base: JSONObject = ["visitor": ["UUID": "u", "email": ""], "message": "hi", "conversationUUID": "c"]
        var ids: Set<String> = [XDMMapper.eventID(of: try MapperFixtures.webhook(.conversationStarted, base))]
        let variants: [JSONObject] = [
            base.merging(["message": "hi!"]) { $1 },
            base.merging(["conversationUUID": "d"]) { $1 },
            base.merging(["visitor": ["UUID": "u", "email": "a@example.com"]]) { $1 },
            base.merging(["visitor": ["UUID": "u"]]) { $1 },  // "" vs absent is a change of content too
            base.merging(["extra": 1]) { $1 },
            base.merging(["extra": .number(JSONNumber(text: "1.0") ?? JSONNumber(0))]) { $1 },  // 1.0 is not 1
        ]
        for variant in variants { ids.insert(XDMMapper.eventID(of: try MapperFixtures.webhook(.conversationStarted, variant))) }
        for kind in [WebhookKind.unansweredMessage, .visitorFeedback] { ids.insert(XDMMapper.eventID(of: try MapperFixtures.webhook(kind, base))) }
        #expect(ids.count == variants.count + 3)
    }

    @Test func idsOfAllSamplesAreDistinct() throws {
        var ids: Set<String> = []
        for sample in SamplePayloads.all {
            ids.insert(XDMMapper.eventID(of: try ChatlioWebhook.decode(sample.data, kind: sample.kind)))
        }
        #expect(ids.count == SamplePayloads.all.count)
    }

    @Test func idIsSHA256OfKindAndCanonicalPayload() throws {
        let webhook = try MapperFixtures.webhook(.visitorFeedback, ["visitor": ["UUID": "u"], "message": "ok"])
        let expected = SHA256.hexDigest(of: "visitor-feedback\n" + #"{"message":"ok","visitor":{"UUID":"u"}}"#)
        #expect(XDMMapper.eventID(of: webhook) == expected)
    }
}
