import ChatlioWebhooks
import ChatlioAEPTestSupport
import Foundation
import Testing

@Suite struct ChatTranscriptTests {
    @Test func readsTheDocumentedExample() throws {
        let transcript = try ChatTranscript(jsonObject: SamplePayloads.object(.chatTranscript, "basic"))
        #expect(transcript.conversationUUID == "e3d1800d-2d9e-4966-4500-9ff986cfa197")
        #expect(transcript.archiveURL == "https://yourcompany.slack.com/archives/cl-tiger128")
        #expect(transcript.extraData == ["extra", "stuff", "here"])
        #expect(transcript.visitorEmail == nil)
        #expect(transcript.endedAt?.fractionDigits == 9)
        #expect(transcript.endedAt?.nanoseconds == 26_941)
        #expect(transcript.startedAt?.fractionDigits == 6)
        #expect(transcript.visitorTraits?.object?["current_page"] == "https://shop.example.com/pricing")
        #expect(transcript.messages.count == 2)
        let agent = transcript.messages[1]
        #expect(agent.userId == "U0N2GKA2G" && agent.isVisitorMessage == false && agent.username == "Some O.")
        let visitor = transcript.messages[0]
        #expect(visitor.userId == nil && visitor.isVisitorMessage == true)
    }

    @Test func otherShapesAreRefusedAndAMinimalTranscriptIsNot() throws {
        for kind in [WebhookKind.conversationStarted, .unansweredMessage, .visitorFeedback, .offlineMessage] {
            let body = try SamplePayloads.named(kind, "basic")
            #expect {
                _ = try ChatlioWebhook.decode(body, kind: .chatTranscript)
            } throws: { error in
                guard let error = error as? ChatlioWebhookError else { return false }
                return error.code == .wrongShape && error.kind == .chatTranscript && error.pointer == "" && error.reason.contains(kind.payloadShape.rawValue)
            }
            #expect(throws: ChatlioWebhookError.self) { try ChatTranscript(jsonObject: SamplePayloads.object(kind, "basic")) }
        }
        // Every transcript field but conversationUUID is optional: a body with none of the other shapes' marks reads.
        let minimal = try ChatlioWebhook.decode(Data(#"{"conversationUUID":"c-1"}"#.utf8), kind: .chatTranscript)
        #expect(minimal.kind == .chatTranscript)
        // A transcript field next to a visitor object keeps it a transcript.
        _ = try ChatlioWebhook.decode(Data(#"{"conversationUUID":"c-1","visitor":{"UUID":"v"},"messages":[]}"#.utf8), kind: .chatTranscript)
    }

    @Test func slackTimestampStaysText() throws {
        let transcript = try ChatTranscript(jsonObject: SamplePayloads.object(.chatTranscript, "basic"))
        #expect(transcript.messages[0].ts == "1716135209.000005")
        #expect(transcript.messages[0].sentAt?.text == "2024-05-19T18:13:29.000005006+02:00")
    }

    @Test func slackTimestampMustBeAString() {
        #expect {
            _ = try ChatTranscript(jsonObject: ["conversationUUID": "c", "messages": [["ts": 1469725409.000005, "text": "hi"]]])
        } throws: { error in
            guard let error = error as? ChatlioWebhookError else { return false }
            return error.code == .typeMismatch && error.pointer == "/messages/0/ts" && error.kind == .chatTranscript
        }
    }

    @Test func fiftyMessages() throws {
        let transcript = try ChatTranscript(jsonObject: SamplePayloads.object(.chatTranscript, "fifty-messages"))
        #expect(transcript.messages.count == 50)
        #expect(transcript.extraData.isEmpty)  // null in the sample
        #expect(transcript.slackTeamID == "T024BE7LD")
        #expect(Set(transcript.messages.map(\.ts)).count == 50)
    }

    @Test func nullOrAbsentArraysAreEmpty() throws {
        let absent = try ChatTranscript(jsonObject: ["conversationUUID": "c"])
        #expect(absent.messages.isEmpty && absent.extraData.isEmpty)
        let null = try ChatTranscript(jsonObject: ["conversationUUID": "c", "messages": nil, "extraData": nil])
        #expect(null.messages.isEmpty && null.extraData.isEmpty)
        #expect(null.jsonObject["messages"] == .null)
    }

    @Test func visitorTraitsMayBeAStringHoldingJSON() throws {
        let transcript = try ChatTranscript(jsonObject: SamplePayloads.object(.chatTranscript, "string-traits-unknown-keys"))
        #expect(transcript.visitorTraits?.rawText != nil)
        #expect(transcript.visitorTraits?.object?["visits"]?.int64Value == 3)
        #expect(transcript.additionalFields.keys.sorted() == ["rating", "tags"])
        #expect(transcript.endedAt?.utcOffsetSeconds == -19_800)
    }

    @Test func visitorTraitsOfAnotherTypeAreRefused() {
        #expect {
            _ = try ChatTranscript(jsonObject: ["conversationUUID": "c", "visitorTraits": [1, 2]])
        } throws: { error in
            (error as? ChatlioWebhookError).map { $0.code == .typeMismatch && $0.pointer == "/visitorTraits" && $0.reason == "expected an object or a string, found array" } ?? false
        }
    }

    @Test func extraDataElementsMustBeStrings() {
        #expect {
            _ = try ChatTranscript(jsonObject: ["conversationUUID": "c", "extraData": ["a", 2]])
        } throws: { error in
            (error as? ChatlioWebhookError).map { $0.code == .typeMismatch && $0.pointer == "/extraData/1" } ?? false
        }
    }

    @Test func messagesMustBeObjects() {
        #expect {
            _ = try ChatTranscript(jsonObject: ["conversationUUID": "c", "messages": [["ts": "1.2"], "hi"]])
        } throws: { error in
            (error as? ChatlioWebhookError).map { $0.code == .typeMismatch && $0.pointer == "/messages/1" } ?? false
        }
    }

    @Test func trimmedTranscript() throws {
        let transcript = try ChatTranscript(jsonObject: SamplePayloads.object(.chatTranscript, "trimmed"))
        #expect(transcript.agentName == nil && transcript.textBody == nil && transcript.messages.isEmpty)
        #expect(transcript.endedAt?.secondsSince1970 == 1_717_243_200)
    }
}
