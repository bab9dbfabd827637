import ChatlioWebhooks
import ChatlioAEPTestSupport
import Foundation
import Testing

@Suite struct ConversationEventTests {
    @Test func threeDistinctTypesShareOneShape() throws {
        let object = try SamplePayloads.object(.conversationStarted, "basic")
        let started = try ConversationStarted(jsonObject: object)
        let missed = try UnansweredMessage(jsonObject: object)
        let feedback = try VisitorFeedback(jsonObject: object)
        #expect(started.event == missed.event && missed.event == feedback.event)
        #expect([ConversationStarted.kind, UnansweredMessage.kind, VisitorFeedback.kind] == [.conversationStarted, .unansweredMessage, .visitorFeedback])
        #expect(started.conversationUUID == "e3d1800d-2d9e-4966-4500-9ff986cfa197")
        #expect(started.channelId == "C1NABCDEF")
        #expect(started.slackChannelName == "live-chat")
        #expect(started.slackChannelId == "C1XPVTNKR")
        #expect(started.message == "Hi, I am having trouble signing up")
    }

    @Test func onlyTheVisitorUUIDIsRequired() throws {
        let minimal = try VisitorFeedback(jsonObject: ["visitor": ["UUID": "u"]])
        #expect(minimal.message == nil && minimal.conversationUUID == nil && minimal.visitor.userAgent == nil)
        #expect {
            _ = try VisitorFeedback(jsonObject: ["visitor": ["email": "a@example.com"]])
        } throws: { error in
            (error as? ChatlioWebhookError).map { $0.code == .missingField && $0.pointer == "/visitor/UUID" && $0.kind == .visitorFeedback } ?? false
        }
        #expect {
            _ = try VisitorFeedback(jsonObject: ["visitor": ["UUID": ""]])
        } throws: { error in
            (error as? ChatlioWebhookError).map { $0.code == .missingField && $0.pointer == "/visitor/UUID" && $0.reason.contains("must not be null or empty") } ?? false
        }
    }

    @Test func unicodeAndEmojiSurvive() throws {
        let data = try SamplePayloads.named(.visitorFeedback, "emoji")
        guard case .visitorFeedback(let feedback) = try ChatlioWebhook.decode(data, kind: .visitorFeedback) else {
            Issue.record("wrong case")
            return
        }
        #expect(feedback.message == "最高でした！⭐⭐⭐⭐⭐")
        #expect(feedback.visitor.name == "Zoë 🚀 Łukasiewicz")
        #expect(feedback.visitor.createdAt?.utcOffsetSeconds == 0)
    }
}
