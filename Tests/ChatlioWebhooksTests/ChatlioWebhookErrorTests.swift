import ChatlioWebhooks
import Foundation
import Testing

@Suite struct ChatlioWebhookErrorTests {
    private func decodeError(_ body: Data, kind: WebhookKind = .conversationStarted, options: ChatlioWebhook.DecodingOptions = .default) -> ChatlioWebhookError? {
        do {
            _ = try ChatlioWebhook.decode(body, kind: kind, options: options)
            return nil
        } catch {
            return error
        }
    }

    @Test func notJSON() throws {
        let error = try #require(decodeError(Data("visitor=1&message=hi".utf8)))
        #expect(error.code == .invalidJSON && error.pointer == "" && error.byteOffset == 0 && error.kind == .conversationStarted)
        let truncated = try #require(decodeError(Data(#"{"visitor":{"UUID":"u","email":"#.utf8)))
        #expect(truncated.code == .invalidJSON && truncated.pointer == "/visitor/email")
    }

    @Test func commentsAreNotJSON() throws {
        let error = try #require(decodeError(Data("{\"replyToEmail\": \"a@example.com\", // We use the visitor email here\n \"conversationUUID\": \"c\"}".utf8), kind: .chatTranscript))
        #expect(error.code == .invalidJSON)
    }

    @Test(arguments: ["[]", "\"text\"", "42", "null", "true"])
    func jsonButNotAnObject(body: String) throws {
        let error = try #require(decodeError(Data(body.utf8)))
        #expect(error.code == .notAnObject && error.pointer == "")
    }

    @Test func invalidUTF8() throws {
        var body = Data(#"{"visitor":{"UUID":"u","name":"Zo"#.utf8)
        body.append(contentsOf: [0xFF, 0xFE])
        body.append(contentsOf: Data(#""}}"#.utf8))
        let error = try #require(decodeError(body))
        #expect(error.code == .invalidUTF8 && error.pointer == "/visitor/name")
    }

    @Test func missingEssentialField() throws {
        let visitor = try #require(decodeError(Data(#"{"message":"hi"}"#.utf8)))
        #expect(visitor.code == .missingField && visitor.pointer == "/visitor")
        let uuid = try #require(decodeError(Data(#"{"visitor":{"email":""}}"#.utf8), kind: .offlineMessage))
        #expect(uuid.code == .missingField && uuid.pointer == "/visitor/UUID" && uuid.kind == .offlineMessage)
        let conversation = try #require(decodeError(Data(#"{"messages":[]}"#.utf8), kind: .chatTranscript))
        #expect(conversation.code == .missingField && conversation.pointer == "/conversationUUID")
        let ts = try #require(decodeError(Data(#"{"conversationUUID":"c","messages":[{"ts":"1.1"},{"text":"x"}]}"#.utf8), kind: .chatTranscript))
        #expect(ts.code == .missingField && ts.pointer == "/messages/1/ts")
    }

    @Test func wrongType() throws {
        let visitor = try #require(decodeError(Data(#"{"visitor":"2d3f"}"#.utf8)))
        #expect(visitor.code == .typeMismatch && visitor.pointer == "/visitor" && visitor.reason == "expected an object, found string")
        let uuid = try #require(decodeError(Data(#"{"visitor":{"UUID":12}}"#.utf8)))
        #expect(uuid.code == .typeMismatch && uuid.pointer == "/visitor/UUID" && uuid.reason == "expected a string, found integer")
        let flag = try #require(decodeError(Data(#"{"conversationUUID":"c","messages":[{"ts":"1","isVisitorMsg":"true"}]}"#.utf8), kind: .chatTranscript))
        #expect(flag.code == .typeMismatch && flag.pointer == "/messages/0/isVisitorMsg")
        let messages = try #require(decodeError(Data(#"{"conversationUUID":"c","messages":{}}"#.utf8), kind: .chatTranscript))
        #expect(messages.code == .typeMismatch && messages.pointer == "/messages")
    }

    @Test func invalidTimestamp() throws {
        let error = try #require(decodeError(Data(#"{"visitor":{"UUID":"u","createdAt":"07/02/2016 11:02"}}"#.utf8)))
        #expect(error.code == .invalidValue && error.pointer == "/visitor/createdAt")
    }

    @Test func aboveTheSizeLimit() throws {
        let body = Data(#"{"visitor":{"UUID":"u"},"message":""#.utf8) + Data(repeating: UInt8(ascii: "a"), count: 1 << 20) + Data(#""}"#.utf8)
        let error = try #require(decodeError(body))
        #expect(error.code == .payloadTooLarge && error.pointer == "")
        let small = try #require(decodeError(Data(#"{"visitor":{"UUID":"u"}}"#.utf8), options: .init(maxBytes: 10)))
        #expect(small.code == .payloadTooLarge)
        #expect(throws: Never.self) { try ChatlioWebhook.decode(body, kind: .conversationStarted, options: .init(maxBytes: 2 << 20)) }
    }

    @Test func nestingTooDeepInFreeFormParts() throws {
        let deep = String(repeating: "[", count: 70) + String(repeating: "]", count: 70)
        let object = try #require(decodeError(Data(#"{"conversationUUID":"c","visitorTraits":{"a":\#(deep)}}"#.utf8), kind: .chatTranscript))
        #expect(object.code == .nestingTooDeep && object.pointer.hasPrefix("/visitorTraits/a/0/0"))

        let inString = String(repeating: "[", count: 63) + String(repeating: "]", count: 63)
        let escaped = JSONValue.string(inString).jsonString()
        let string = try #require(decodeError(Data(#"{"visitor":{"UUID":"u","identTraits":\#(escaped)}}"#.utf8)))
        #expect(string.code == .nestingTooDeep && string.pointer == "/visitor/identTraits")

        let shallow = String(repeating: "[", count: 10) + String(repeating: "]", count: 10)
        let fine = JSONValue.string(shallow).jsonString()
        #expect(throws: Never.self) { try ChatlioWebhook.decode(Data(#"{"visitor":{"UUID":"u","identTraits":\#(fine)}}"#.utf8), kind: .conversationStarted) }
        let limited = try #require(decodeError(Data(#"{"visitor":{"UUID":"u","identTraits":\#(fine)}}"#.utf8), options: .init(maxDepth: 8)))
        #expect(limited.code == .nestingTooDeep)
    }

    @Test func descriptionsNameKindPointerAndProblemButNoValues() throws {
        let error = try #require(decodeError(Data(#"{"visitor":{"UUID":12345,"email":"secret@example.com"}}"#.utf8), kind: .visitorFeedback))
        #expect(error.description == "visitor-feedback webhook: type mismatch at /visitor/UUID: expected a string, found integer")
        #expect(!error.description.contains("12345"))
    }
}
