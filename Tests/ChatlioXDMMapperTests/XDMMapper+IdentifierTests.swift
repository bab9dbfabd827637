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

extension XDMMapperIdentifierTests {
    /// The `_id` of every bundled sample as the mapper gave it before the C SHA-256 (the
    /// `*/basic` ones are also the `_id`s in Tests/Fuzz/Seeds/fuzz-validator): a faster hash or
    /// canonical form must not move them (if one must, `mapperVersion` changes with it).
    static let pinnedIDs: [String: String] = [
        "chat-transcript/basic": "39f5ee88fa8072fd569c857f9d37b3c5d9140f296f3b5e489f5d0b26038b4c8b",
        "chat-transcript/fifty-messages": "d1a759383430665fe9e51e58928f386ac9234659ca8eee15577e7d2fd3acbedc",
        "chat-transcript/string-traits-unknown-keys": "afac9413f8448aa6d19269367d5bd80115f6e9df986a5b63f35dccd5a006e2a1",
        "chat-transcript/trimmed": "dd095d3b9a0bfc076492018bb05635c7d7906b30bd7f5b5fae45dd0bee43bf5f",
        "conversation-started/basic": "f6238e24744101c4248976bc413e9ac545253843fa93db9bc3f719e0b80d71d9",
        "conversation-started/emoji-unknown-keys": "6278f94a80f7e4c8e3d866cae49dc0856299af0792dd1b89605b9df91d6bdad7",
        "conversation-started/identified-ipv6": "6353f1637c757c91d5ff8655c0a64f572678207c5eec7ad90d255aa55b2dedd9",
        "conversation-started/trimmed": "b7433daefec943745f25f3070e585262996149dbcbf0b85ee67ea9be2a42c9d9",
        "offline-message/basic": "2549a2b6fd78c5e6e5d7ffa51e9f3a36ce8a74d7035ac076ecb792510a31ed82",
        "offline-message/emoji-offset": "f674db09d170beb60a6fee1ecdf98a4f8c80fecf5799a4e4aae265a0c0633838",
        "offline-message/ipv6-subject-extra": "5483fb7060de57839a96c25979fdca34ca5a4a254befb2615fc98478b41ec9c2",
        "offline-message/trimmed": "3cc11d38137e9be8c01d3cf2674b984eb858dc07685534512d8096aec44d6653",
        "unanswered-message/basic": "e4ba562720a009031d26fa84ad430d5e59872570c45e216e49714c2a4864392b",
        "unanswered-message/emoji-no-location": "e0817ff07d3f2e6930790c45fef54b115b477cf43e48c333f3d0db9f4812c843",
        "unanswered-message/identified": "cc3cdd440834a80b6d90bfdeb899b2d81ed2a3369e2c36d53dbd2e9faa834dee",
        "unanswered-message/trimmed": "4382ece2d1e331b1d2eaa9c08b6f3a825b9bf22555ec14f0b05c549a173b853a",
        "visitor-feedback/basic": "43c8a62cfb3bc0dfd44240a205a9eab2fe8e68bdadf53de4a1fc2a25f23f829f",
        "visitor-feedback/emoji": "56b955c980d2ea83d1b0109f664736ccb28b4a7159d0b22e67f448a566fee463",
        "visitor-feedback/identified": "80af90d86440e8ad98b839fc198efdf69e62e41dacec7bf1ea901f45400f2889",
        "visitor-feedback/trimmed": "979e54487d8ea7451261f7ac247cb9e5740e333431cf9f64a73537c7d3b137ba",
    ]

    @Test(arguments: SamplePayloads.all)
    func idsOfBundledSamplesArePinned(sample: SamplePayloads.Sample) throws {
        let webhook = try ChatlioWebhook.decode(sample.data, kind: sample.kind)
        let id = XDMMapper.eventID(of: webhook)
        #expect(id == Self.pinnedIDs[sample.description])
        // The previous, pure-Swift SHA-256 over the same canonical bytes.
        #expect(id == ReferenceSHA256.hexDigest(of: Array(sample.kind.rawValue.utf8) + [0x0A] + webhook.serialized(sortedKeys: true)))
    }

    @Test func everyBundledSampleHasAPinnedID() {
        #expect(Set(SamplePayloads.all.map(\.description)) == Set(Self.pinnedIDs.keys))
    }
}
