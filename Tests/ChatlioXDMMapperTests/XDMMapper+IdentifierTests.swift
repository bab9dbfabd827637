import ChatlioAEPSupport
@testable import ChatlioXDMMapper
@_spi(ChatlioAEPInternal) import ChatlioWebhooks
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
        #expect(try ChatlioWebhook.decode(compact, kind: .conversationStarted).eventID
            == (try ChatlioWebhook.decode(spaced, kind: .conversationStarted)).eventID)
    }

    @Test func anyChangeOfContentOrKindChangesTheID() throws {
        let base: JSONObject = ["visitor": ["UUID": "u", "email": ""], "message": "hi", "conversationUUID": "c"]
        var ids: Set<String> = [try MapperFixtures.webhook(.conversationStarted, base).eventID]
        let variants: [JSONObject] = [
            base.merging(["message": "hi!"]) { $1 },
            base.merging(["conversationUUID": "d"]) { $1 },
            base.merging(["visitor": ["UUID": "u", "email": "a@example.com"]]) { $1 },
            base.merging(["visitor": ["UUID": "u"]]) { $1 },  // "" vs absent is a change of content too
            base.merging(["extra": 1]) { $1 },
            base.merging(["extra": .number(JSONNumber(text: "1.0") ?? JSONNumber(0))]) { $1 },  // 1.0 is not 1
        ]
        for variant in variants { ids.insert(try MapperFixtures.webhook(.conversationStarted, variant).eventID) }
        for kind in [WebhookKind.unansweredMessage, .visitorFeedback] { ids.insert(try MapperFixtures.webhook(kind, base).eventID) }
        #expect(ids.count == variants.count + 3)
    }

    @Test func idsOfAllSamplesAreDistinct() throws {
        var ids: Set<String> = []
        for sample in SamplePayloads.all {
            ids.insert(try ChatlioWebhook.decode(sample.data, kind: sample.kind).eventID)
        }
        #expect(ids.count == SamplePayloads.all.count)
    }

    @Test func idIsSHA256OfKindAndCanonicalPayload() throws {
        let webhook = try MapperFixtures.webhook(.visitorFeedback, ["visitor": ["UUID": "u"], "message": "ok"])
        let expected = SHA256.hexDigest(of: "visitor-feedback\n" + #"{"message":"ok","visitor":{"UUID":"u"}}"#)
        #expect(webhook.eventID == expected)
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
        let id = webhook.eventID
        #expect(id == Self.pinnedIDs[sample.description])
        // The previous, pure-Swift SHA-256 over the same canonical bytes.
        #expect(id == ReferenceSHA256.hexDigest(of: Array(sample.kind.rawValue.utf8) + [0x0A] + webhook.serialized(sortedKeys: true)))
    }

    @Test func everyBundledSampleHasAPinnedID() {
        #expect(Set(SamplePayloads.all.map(\.description)) == Set(Self.pinnedIDs.keys))
    }
}

/// `_id` over streamed canonical bytes against its old definition: SHA-256 of
/// the kind, a newline and the payload re-serialised as a sorted copy, written
/// by the byte-at-a-time escaper the writer had before (kept here, not shared
/// with the library, so a change to the library's writer cannot move both).
extension XDMMapperIdentifierTests {
    enum OldCanonicalForm {
        static func bytes(of value: JSONValue) -> [UInt8] {
            var out: [UInt8] = []
            write(value, into: &out)
            return out
        }

        static func write(_ value: JSONValue, into out: inout [UInt8]) {
            switch value {
            case .null: out += Array("null".utf8)
            case .bool(let bool): out += Array((bool ? "true" : "false").utf8)
            case .number(let number): out += Array(number.text.utf8)
            case .string(let string): writeString(string, into: &out)
            case .array(let array):
                out.append(UInt8(ascii: "["))
                for (offset, element) in array.enumerated() {
                    if offset > 0 { out.append(UInt8(ascii: ",")) }
                    write(element, into: &out)
                }
                out.append(UInt8(ascii: "]"))
            case .object(let object):
                out.append(UInt8(ascii: "{"))
                for (offset, member) in object.sorted(by: { $0.key < $1.key }).enumerated() {
                    if offset > 0 { out.append(UInt8(ascii: ",")) }
                    writeString(member.key, into: &out)
                    out.append(UInt8(ascii: ":"))
                    write(member.value, into: &out)
                }
                out.append(UInt8(ascii: "}"))
            }
        }

        static func writeString(_ string: String, into out: inout [UInt8]) {
            let hex = Array("0123456789abcdef".utf8)
            out.append(UInt8(ascii: "\""))
            for byte in string.utf8 {
                switch byte {
                case UInt8(ascii: "\""): out += [0x5C, 0x22]
                case UInt8(ascii: "\\"): out += [0x5C, 0x5C]
                case 0x0A: out += [0x5C, UInt8(ascii: "n")]
                case 0x0D: out += [0x5C, UInt8(ascii: "r")]
                case 0x09: out += [0x5C, UInt8(ascii: "t")]
                case 0x08: out += [0x5C, UInt8(ascii: "b")]
                case 0x0C: out += [0x5C, UInt8(ascii: "f")]
                case ..<0x20: out += [0x5C, UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
                default: out.append(byte)
                }
            }
            out.append(UInt8(ascii: "\""))
        }

        static func eventID(of webhook: ChatlioWebhook) -> String {
            ReferenceSHA256.hexDigest(of: Array(webhook.kind.rawValue.utf8) + [0x0A] + bytes(of: .object(webhook.jsonObject)))
        }
    }

    /// Strings that stress the escaper and the member order: escapes at word
    /// boundaries, control bytes, non-ASCII names (String `<` is not byte order
    /// for them), long runs that cross the 512-byte chunks.
    static let awkwardTexts = [
        "", "a", "1234567\"", "12345678\\", "\u{01}", "tab\there", "é", "e\u{301}x", "Ω", "🚀🚀", "\u{7F}\u{80}",
        String(repeating: "x", count: 511) + "\"", String(repeating: "ü", count: 700), "</script>", "a\u{0}b",
    ]

    static func freeForm(_ random: inout SplitMix64, depth: Int) -> JSONValue {
        switch random.next() % (depth > 3 ? 4 : 6) {
        case 0: return .null
        case 1: return .bool(random.next() % 2 == 0)
        case 2: return .number(XDMMapperContractTests.pick([JSONNumber(0), JSONNumber(-12), JSONNumber(text: "1.50e+3") ?? JSONNumber(1), JSONNumber(text: "123456789012345678901234567890") ?? JSONNumber(2)], &random))
        case 3: return .string(XDMMapperContractTests.pick(awkwardTexts, &random))
        case 4: return .array((0..<Int(random.next() % 5)).map { _ in freeForm(&random, depth: depth + 1) })
        default:
            var object = JSONObject()
            for _ in 0..<Int(random.next() % 7) {
                object[XDMMapperContractTests.pick(awkwardTexts + ["B", "b", "_", "Z9", "aa"], &random)] = freeForm(&random, depth: depth + 1)
            }
            return .object(object)
        }
    }

    @Test func idOfRandomizedPayloadsMatchesTheOldDefinition() throws {
        var random = SplitMix64(seed: 0x1D_CA90)
        for iteration in 0..<2_000 {
            let kind = WebhookKind.allCases[iteration % WebhookKind.allCases.count]
            var object = XDMMapperContractTests.payload(kind, &random)
            for _ in 0..<Int(random.next() % 4) {
                object[XDMMapperContractTests.pick(Self.awkwardTexts, &random) + "key"] = Self.freeForm(&random, depth: 1)
            }
            let webhook = try ChatlioWebhook(kind: kind, jsonObject: object)
            #expect(webhook.eventID == OldCanonicalForm.eventID(of: webhook), "iteration \(iteration)")
            #expect(webhook.serialized(sortedKeys: true) == OldCanonicalForm.bytes(of: .object(webhook.jsonObject)), "iteration \(iteration)")
        }
    }
}
