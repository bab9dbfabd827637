@testable import ChatlioXDMMapper
import ChatlioWebhooks
import Foundation
import Testing
import XDMSchemaRegistry

@Suite struct XDMMapperSizeBudgetTests {
    static func bigTranscript(messages: Int, bodyBytes: Int) -> JSONObject {
        [
            "conversationUUID": "c-big", "endedAt": "2024-01-01T00:00:00Z",
            "htmlBody": .string(String(repeating: "<p>h</p>", count: bodyBytes / 8)),
            "textBody": .string(String(repeating: "t", count: bodyBytes)),
            "messages": .array((0..<messages).map { .object(["ts": .string("17000000\($0).000001"), "text": .string("message number \($0) " + String(repeating: "x", count: 200)), "isVisitorMsg": .bool($0 % 2 == 0)]) }),
        ]
    }

    @Test func fitsTheProfileBudgetByTrimmingInTheDocumentedOrder() throws {
        let webhook = try MapperFixtures.webhook(.chatTranscript, Self.bigTranscript(messages: 60, bodyBytes: 6_000))
        let event = try MapperFixtures.mapper().map(webhook, receivedAt: MapperFixtures.receivedAt)
        #expect(event.jsonBytes.count <= 10_000)
        #expect(event.report.trimmed.count == 3)
        #expect(event.report.trimmed.prefix(2) == ["_acme.chatlio.transcript.htmlBody", "_acme.chatlio.transcript.textBody"])
        let dropped = try #require(event.report.trimmed.last)
        #expect(dropped.hasPrefix("_acme.chatlio.transcript.messages[0..<"))
        // The newest messages survive, the count still tells the original size.
        let kept = try #require(event.value.value(at: "/_acme/chatlio/transcript/messages")?.arrayValue)
        #expect(kept.last?["ts"] == "1700000059.000001")
        #expect(event.value.value(at: "/_acme/chatlio/transcript/messageCount") == 60)
        #expect(dropped == "_acme.chatlio.transcript.messages[0..<\(60 - kept.count)]")
        #expect(event.value.value(at: "/_acme/chatlio/mapping/trimmed") == .array(event.report.trimmed.map(JSONValue.string)))
        #expect(try ChatlioXDM(tenantID: "acme").experienceEventValidator().validate(event.value).isValid)
    }

    @Test func trimsOnlyWhatIsNeeded() throws {
        let webhook = try MapperFixtures.webhook(.chatTranscript, Self.bigTranscript(messages: 5, bodyBytes: 7_000))
        let event = try MapperFixtures.mapper().map(webhook, receivedAt: MapperFixtures.receivedAt)
        #expect(event.report.trimmed == ["_acme.chatlio.transcript.htmlBody"])
        #expect(event.value.value(at: "/_acme/chatlio/transcript/textBody") != nil)
    }

    @Test func dataLakeBudgetKeepsEverything() throws {
        let webhook = try MapperFixtures.webhook(.chatTranscript, Self.bigTranscript(messages: 60, bodyBytes: 6_000))
        let event = try MapperFixtures.mapper { $0.sizeBudget = .dataLake }.map(webhook, receivedAt: MapperFixtures.receivedAt)
        #expect(event.report.trimmed.isEmpty && event.jsonBytes.count > 10_000)
    }

    @Test func anEventThatCannotFitIsAnError() throws {
        let webhook = try MapperFixtures.webhook(.conversationStarted, ["visitor": ["UUID": "u"], "message": .string(String(repeating: "m", count: 20_000)), "junk": .string(String(repeating: "j", count: 500))])
        #expect {
            _ = try MapperFixtures.mapper().map(webhook, receivedAt: MapperFixtures.receivedAt)
        } throws: { error in
            guard let error = error as? XDMMapperError else { return false }
            return error.code == .eventTooLarge && error.reason.contains("_acme.chatlio.additionalFieldsJSON") && error.reason.contains("above the budget of 10000")
        }
    }
}

