import ChatlioAEPSupport
@testable import ChatlioXDMMapper
import ChatlioWebhooks
import ChatlioAEPTestSupport
import Foundation
import Testing
import XDMSchemaRegistry

/// The contract with the registry: thousands of randomized valid payloads of
/// every kind map to events the registry's schema accepts, under every
/// privacy policy, and with array caps.
@Suite struct XDMMapperContractTests {
    static let texts = ["", " ", "hi", "Zoë 🚀", "multi\nline\ttext", "\"quoted\" <b>html</b>", "カート", String(repeating: "long ", count: 300)]
    static let emails = ["", "a@example.com", " Mixed.Case@Example.COM ", "not an email", "x@y", "@example.com", "first.last+tag@sub.example.co.uk"]
    static let ips = ["", "203.0.113.9", "255.255.255.255", "256.1.1.1", "2001:db8::1", "::1", "fe80::1%eth0", "localhost", "01.2.3.4"]
    static let locations = ["", "Los Angeles, California, United States", "Paris, France", "the moon", "München, Bayern, Germany", ", , ", "Texas, United States"]
    static let times = ["", "2024-05-19T18:14:32.000026941+02:00", "2016-02-07T11:02:17.839766-08:00", "2024-11-01T00:00:00Z", "2035-01-01T00:00:00.5Z"]

    static func pick<T>(_ values: [T], _ random: inout SplitMix64) -> T { values[Int(random.next() % UInt64(values.count))] }

    static func maybe(_ key: String, _ value: JSONValue, into object: inout JSONObject, _ random: inout SplitMix64) {
        if random.next() % 4 != 0 { object[key] = value }
    }

    static func visitor(_ random: inout SplitMix64) -> JSONObject {
        var visitor: JSONObject = ["UUID": .string("v-\(random.next() % 1000)")]
        maybe("email", .string(pick(emails, &random)), into: &visitor, &random)
        maybe("name", .string(pick(texts, &random)), into: &visitor, &random)
        maybe("identUserId", .string(pick(["", "user1", "42"], &random)), into: &visitor, &random)
        maybe("identTraits", .string(pick(["", #"{"plan":"king","n":[1,{"a":null}]}"#, "not json", "[]"], &random)), into: &visitor, &random)
        maybe("userAgent", .string(pick(texts, &random)), into: &visitor, &random)
        maybe("handle", .string(pick(texts, &random)), into: &visitor, &random)
        maybe("currentPage", .string(pick(["", "https://example.com/a?b=c", "not a url"], &random)), into: &visitor, &random)
        maybe("referrerURL", .string(pick(["", "https://www.google.com/"], &random)), into: &visitor, &random)
        maybe("createdAt", .string(pick(times, &random)), into: &visitor, &random)
        maybe("IPAddress", .string(pick(ips, &random)), into: &visitor, &random)
        maybe("location", .string(pick(locations, &random)), into: &visitor, &random)
        maybe("unknownVisitorKey", .number(JSONNumber(random.next() % 100)), into: &visitor, &random)
        return visitor
    }

    static func payload(_ kind: WebhookKind, _ random: inout SplitMix64) -> JSONObject {
        var object: JSONObject = [:]
        switch kind.payloadShape {
        case .conversationEvent:
            object["visitor"] = .object(visitor(&random))
            for key in ["message", "conversationUUID", "channelId", "slackChannelName", "slackChannelId"] {
                maybe(key, .string(pick(texts, &random)), into: &object, &random)
            }
        case .offlineMessage:
            object["visitor"] = .object(visitor(&random))
            maybe("name", .string(pick(texts, &random)), into: &object, &random)
            maybe("email", .string(pick(emails, &random)), into: &object, &random)
            maybe("emailPretty", .string(pick(texts, &random)), into: &object, &random)
            maybe("message", .string(pick(texts, &random)), into: &object, &random)
            maybe("subject", .string(pick(texts, &random)), into: &object, &random)
        case .transcript:
            object["conversationUUID"] = .string("c-\(random.next() % 50)")
            for key in ["agentEmail", "replyToEmail", "visitorEmail"] { maybe(key, .string(pick(emails, &random)), into: &object, &random) }
            for key in ["agentName", "archiveUrl", "channelId", "channelName", "htmlBody", "textBody", "visitorName", "slackTeamID"] {
                maybe(key, .string(pick(texts, &random)), into: &object, &random)
            }
            for key in ["startedAt", "endedAt"] { maybe(key, .string(pick(times, &random)), into: &object, &random) }
            maybe("extraData", pick([.null, [], ["a", ""], ["x", "y", "z"]], &random), into: &object, &random)
            maybe("visitorTraits", pick([.string(""), ["current_page": "https://example.com"], .string(#"{"a":1}"#), .string("raw")], &random), into: &object, &random)
            let count = Int(random.next() % 25)
            let messages: [JSONValue] = (0..<count).map { index in
                var message: JSONObject = ["ts": .string("17000000\(index).00000\(index % 10)")]
                maybe("text", .string(pick(texts, &random)), into: &message, &random)
                maybe("sentAt", .string(pick(times, &random)), into: &message, &random)
                maybe("userId", .string(pick(["", "U123"], &random)), into: &message, &random)
                maybe("username", .string(pick(texts, &random)), into: &message, &random)
                maybe("isVisitorMsg", .bool(random.next() % 2 == 0), into: &message, &random)
                return .object(message)
            }
            maybe("messages", random.next() % 5 == 0 ? .null : .array(messages), into: &object, &random)
        }
        maybe("someNewChatlioField", pick([1, "x", ["nested": [true]]], &random), into: &object, &random)
        return object
    }

    @Test func randomizedPayloadsMapToValidEvents() throws {
        let validator = try ChatlioXDM(tenantID: "acme").experienceEventValidator(options: .init(maxViolations: 10))
        let policies: [XDMMapper.PrivacyPolicy] = [
            .init(),
            .init(email: .hash, name: .hash, ipAddress: .hash, userAgent: .hash, messageText: .hash),
            .init(email: .drop, name: .drop, ipAddress: .drop, userAgent: .drop, messageText: .drop),
        ]
        let store = InMemoryConversationIdentityStore(capacity: 20)
        let mappers = try policies.map { policy in
            try MapperFixtures.mapper({ $0.privacy = policy; $0.namespaces.identUserId = "CRMID" }, store: store)
        } + [MapperFixtures.mapper({ $0.arrayCaps = .init(transcriptMessages: 3, extraData: 2) }, store: store)]
        var random = SplitMix64(seed: 0x5EED_0004)
        var trimmed = 0
        var tooLarge = 0
        for iteration in 0..<3_000 {
            let kind = WebhookKind.allCases[iteration % WebhookKind.allCases.count]
            let webhook = try ChatlioWebhook(kind: kind, jsonObject: Self.payload(kind, &random))
            do {
                let event = try mappers[iteration % mappers.count].map(webhook, receivedAt: MapperFixtures.receivedAt)
                let report = validator.validate(event.value)
                #expect(report.isValid, "iteration \(iteration): \(report.violations)")
                #expect(MapperFixtures.emptyValues(in: event.value).isEmpty, "iteration \(iteration)")
                #expect(event.jsonBytes.count <= 10_000)
                let primaries = (event.value["identityMap"]?.objectValue?.values.flatMap { $0.arrayValue ?? [] } ?? []).filter { $0["primary"] == true }
                #expect(primaries.count == (event.value["identityMap"] == nil ? 0 : 1), "iteration \(iteration)")
                if !event.report.trimmed.isEmpty { trimmed += 1 }
            } catch {
                #expect(error.code == .eventTooLarge)
                tooLarge += 1
            }
        }
        #expect(tooLarge == 0)
        #expect(trimmed > 0, "the generator must exercise trimming")
    }
}
