import ChatlioAEPSupport
import ChatlioWebhooks
import ChatlioAEPTestSupport
import Foundation
import Testing

/// `additionalFields` is noted while decoding (members found versus members present): it must
/// still be exactly the members the model does not know, whatever mix of known, unknown and
/// `null` members an object has, at every level and through `payload` (the existential).
@Suite struct ChatlioModelTests {
    static func unknown(_ object: JSONObject, _ known: Set<String>) -> JSONObject {
        object.filter { !known.contains($0.key) }
    }

    static func maybe(_ key: String, _ value: JSONValue, into object: inout JSONObject, _ random: inout SplitMix64) {
        if random.next() % 3 != 0 { object[key] = random.next() % 7 == 0 ? .null : value }
    }

    static func visitor(_ random: inout SplitMix64) -> JSONObject {
        var visitor: JSONObject = ["UUID": "v-1"]
        for key in ["email", "name", "identUserId", "userAgent", "handle", "currentPage", "referrerURL", "IPAddress", "location"] {
            Self.maybe(key, "x", into: &visitor, &random)
        }
        Self.maybe("createdAt", "2024-11-01T00:00:00Z", into: &visitor, &random)
        for key in ["favoriteColor", "uuid", "Email", ""] { Self.maybe(key, 1, into: &visitor, &random) }
        return visitor
    }

    @Test func additionalFieldsAreTheUnknownMembersOfRandomizedPayloads() throws {
        var random = SplitMix64(seed: 0xADD_F1E1D)
        for iteration in 0..<1_000 {
            let kind = WebhookKind.allCases[iteration % WebhookKind.allCases.count]
            var object = JSONObject()
            switch kind {
            case .chatTranscript:
                object["conversationUUID"] = "c"
                for key in ["agentEmail", "agentName", "archiveUrl", "channelId", "channelName", "htmlBody", "textBody", "visitorEmail", "replyToEmail", "visitorName", "slackTeamID"] {
                    Self.maybe(key, "x", into: &object, &random)
                }
                Self.maybe("extraData", ["a"], into: &object, &random)
                Self.maybe("visitorTraits", ["k": 1], into: &object, &random)
                var messages: [JSONValue] = []
                for _ in 0..<Int(random.next() % 4) {
                    var message: JSONObject = ["ts": "1"]
                    for key in ["text", "userId", "username"] { Self.maybe(key, "x", into: &message, &random) }
                    Self.maybe("isVisitorMsg", true, into: &message, &random)
                    Self.maybe("reactions", [1], into: &message, &random)
                    messages.append(.object(message))
                }
                Self.maybe("messages", .array(messages), into: &object, &random)
            case .offlineMessage:
                object["visitor"] = .object(Self.visitor(&random))
                for key in ["name", "email", "emailPretty", "message", "subject"] { Self.maybe(key, "x", into: &object, &random) }
            default:
                object["visitor"] = .object(Self.visitor(&random))
                for key in ["message", "conversationUUID", "channelId", "slackChannelName", "slackChannelId"] { Self.maybe(key, "x", into: &object, &random) }
            }
            for key in ["formVersion", "rating", "Message"] { Self.maybe(key, "new", into: &object, &random) }

            let webhook = try ChatlioWebhook(kind: kind, jsonObject: object)
            let payload = webhook.payload
            #expect(payload.additionalFields == Self.unknown(object, type(of: payload).knownFieldNames), "iteration \(iteration)")
            if let visitor = webhook.visitor, case .object(let visitorObject)? = object["visitor"] {
                #expect(visitor.additionalFields == Self.unknown(visitorObject, Visitor.knownFieldNames), "iteration \(iteration)")
            }
            if case .chatTranscript(let transcript) = webhook {
                for message in transcript.messages {
                    #expect(message.additionalFields == Self.unknown(message.jsonObject, TranscriptMessage.knownFieldNames), "iteration \(iteration)")
                }
            }
        }
    }
}
