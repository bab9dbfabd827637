/// The five Chatlio webhooks.
///
/// Chatlio sends no type field or header, so a receiver learns the kind from
/// the URL it configured for each webhook. The raw values are the names used
/// in URLs, file names and command lines throughout ChatlioAEP.
///
/// ```swift
/// let kind = WebhookKind(rawValue: "offline-message")   // .offlineMessage
/// kind?.payloadShape                                     // .offlineMessage
/// ```
public enum WebhookKind: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// "Exporting chat transcripts": the whole conversation, sent when a chat ends
    /// or on `/chatlio send-to-webhook`.
    case chatTranscript = "chat-transcript"
    /// "Exporting offline messages": a visitor left a message while nobody was online.
    case offlineMessage = "offline-message"
    /// "New conversation has started".
    case conversationStarted = "conversation-started"
    /// "Visitor did not get an answer in time".
    case unansweredMessage = "unanswered-message"
    /// "Visitor left feedback after a chat".
    case visitorFeedback = "visitor-feedback"

    public var description: String { rawValue }

    /// The kind whose route is `rawValue`, or `nil`. Told by length first, so one
    /// comparison decides (the synthesised initialiser compared the text with each
    /// route in turn, about 570 instructions for the fourth).
    public init?(rawValue: String) {
        let candidate: WebhookKind
        switch rawValue.utf8.count {
        case 15: candidate = rawValue.utf8.first == UInt8(ascii: "c") ? .chatTranscript : .offlineMessage
        case 16: candidate = .visitorFeedback
        case 18: candidate = .unansweredMessage
        case 20: candidate = .conversationStarted
        default: return nil
        }
        guard rawValue == candidate.rawValue else { return nil }
        self = candidate
    }

    /// The payload shape Chatlio posts for this kind. Three kinds share the
    /// conversation-event shape and cannot be told apart by their bodies.
    public var payloadShape: PayloadShape {
        switch self {
        case .chatTranscript: .transcript
        case .offlineMessage: .offlineMessage
        case .conversationStarted, .unansweredMessage, .visitorFeedback: .conversationEvent
        }
    }

    /// The JSON body layouts Chatlio uses.
    public enum PayloadShape: String, Sendable, Hashable, CaseIterable {
        /// `messages`, `startedAt`, `endedAt`, bodies, agent and channel.
        case transcript
        /// `name`, `email`, `emailPretty`, `message` and `visitor`.
        case offlineMessage = "offline-message"
        /// `visitor`, `message`, `conversationUUID` and Slack channel fields.
        case conversationEvent = "conversation-event"

        /// The kinds that post this shape.
        public var kinds: [WebhookKind] {
            WebhookKind.allCases.filter { $0.payloadShape == self }
        }
    }
}
