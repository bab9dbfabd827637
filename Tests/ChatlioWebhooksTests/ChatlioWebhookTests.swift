import ChatlioWebhooks
import ChatlioAEPTestSupport
import Foundation
import Testing

@Suite struct ChatlioWebhookTests {
    @Test func everyKindHasAtLeastThreeSamples() {
        for kind in WebhookKind.allCases {
            #expect(SamplePayloads.all.filter { $0.kind == kind }.count >= 3, "\(kind)")
        }
    }

    @Test(arguments: SamplePayloads.all)
    func decodesAndRoundTripsEverySample(sample: SamplePayloads.Sample) throws {
        let webhook = try ChatlioWebhook.decode(sample.data, kind: sample.kind)
        #expect(webhook.kind == sample.kind)
        let original = try JSONValue(parsing: sample.data)
        // Our writer: exact, numbers included.
        #expect(try JSONValue(parsing: webhook.serialized()) == original)
        // Foundation's coders: the payload itself, no wrapper.
        let encoded = try JSONEncoder().encode(webhook)
        let reparsed = try JSONValue(parsing: encoded)
        #expect(reparsed.objectValue?.keys.sorted() == original.objectValue?.keys.sorted())
        let decoder = JSONDecoder()
        decoder.userInfo[.chatlioWebhookKind] = sample.kind
        #expect(try decoder.decode(ChatlioWebhook.self, from: encoded).kind == sample.kind)
    }

    /// Raw mode looks up single members; a decoded body answers without building the tree, as the tree would.
    @Test(arguments: SamplePayloads.all)
    func topLevelMembersAreTheTreesMembers(sample: SamplePayloads.Sample) throws {
        let webhook = try ChatlioWebhook.decode(sample.data, kind: sample.kind)
        let rebuilt = try ChatlioWebhook(kind: sample.kind, jsonObject: webhook.jsonObject)
        for name in webhook.jsonObject.keys.sorted() + ["conversationUUID", "_chatlioRelay", "absent"] {
            #expect(webhook.topLevelMember(name) == webhook.jsonObject[name], "\(name)")
            #expect(rebuilt.topLevelMember(name) == webhook.jsonObject[name], "\(name)")
        }
    }

    @Test func foundationRoundTripKeepsLargeIntegersAndDecimals() throws {
        let data = try SamplePayloads.named(.conversationStarted, "emoji-unknown-keys")
        let webhook = try ChatlioWebhook.decode(data, kind: .conversationStarted)
        let encoded = try JSONEncoder().encode(webhook)
        #expect(try JSONValue(parsing: encoded) == (try JSONValue(parsing: data)))
    }

    @Test(arguments: SamplePayloads.all)
    func infersTranscriptAndOfflineButNeverGuessesConversationEvents(sample: SamplePayloads.Sample) throws {
        switch sample.kind.payloadShape {
        case .transcript, .offlineMessage:
            #expect(try ChatlioWebhook.decode(sample.data).kind == sample.kind)
        case .conversationEvent:
            #expect {
                _ = try ChatlioWebhook.decode(sample.data)
            } throws: { error in
                guard let error = error as? ChatlioWebhookError else { return false }
                return error.code == .ambiguousKind
                    && error.candidates == [.conversationStarted, .unansweredMessage, .visitorFeedback]
                    && error.description.contains("conversation-started, unanswered-message, visitor-feedback")
            }
        }
    }

    @Test func foundationDecoderWithoutKindInfersOrRefuses() throws {
        let transcript = try SamplePayloads.named(.chatTranscript, "basic")
        #expect(try JSONDecoder().decode(ChatlioWebhook.self, from: transcript).kind == .chatTranscript)
        let started = try SamplePayloads.named(.conversationStarted, "basic")
        #expect(throws: ChatlioWebhookError.self) { try JSONDecoder().decode(ChatlioWebhook.self, from: started) }
    }

    @Test func shapeRules() throws {
        #expect(try ChatlioWebhook.inferShape(of: ["messages": []]) == .transcript)
        #expect(try ChatlioWebhook.inferShape(of: ["textBody": "x"]) == .transcript)
        #expect(try ChatlioWebhook.inferShape(of: ["emailPretty": "x"]) == .offlineMessage)
        #expect(try ChatlioWebhook.inferShape(of: ["name": "Bob", "visitor": ["UUID": "u"]]) == .offlineMessage)
        #expect(try ChatlioWebhook.inferShape(of: ["visitor": ["UUID": "u"], "message": "hi"]) == .conversationEvent)
        #expect(throws: ChatlioWebhookError.self) { try ChatlioWebhook.inferShape(of: ["name": "Bob"]) }
        do {
            _ = try ChatlioWebhook.decode(Data(#"{"event":"ping"}"#.utf8))
            Issue.record("expected unrecognizedShape")
        } catch {
            #expect(error.code == .unrecognizedShape && error.pointer == "")
        }
    }

    @Test func kindNamesAreTheRouteNames() {
        #expect(WebhookKind.allCases.map(\.rawValue) == ["chat-transcript", "offline-message", "conversation-started", "unanswered-message", "visitor-feedback"])
        #expect(WebhookKind.PayloadShape.conversationEvent.kinds == [.conversationStarted, .unansweredMessage, .visitorFeedback])
    }

    @Test func visitorIsReachableForEveryKindThatHasOne() throws {
        for sample in SamplePayloads.all {
            let webhook = try ChatlioWebhook.decode(sample.data, kind: sample.kind)
            #expect((webhook.visitor != nil) == (sample.kind != .chatTranscript), "\(sample.testDescription)")
        }
    }

    @Test func sameBodyDecodesAsEachConversationKindDistinctly() throws {
        let data = try SamplePayloads.named(.conversationStarted, "basic")
        let started = try ChatlioWebhook.decode(data, kind: .conversationStarted)
        let feedback = try ChatlioWebhook.decode(data, kind: .visitorFeedback)
        #expect(started != feedback)
        guard case .visitorFeedback(let payload) = feedback else {
            Issue.record("expected visitorFeedback")
            return
        }
        #expect(payload.message == "Thanks, that solved it!" || payload.message == "Hi, I am having trouble signing up")
        #expect(type(of: payload).kind == .visitorFeedback)
    }
}
