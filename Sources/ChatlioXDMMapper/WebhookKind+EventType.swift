public import ChatlioWebhooks

extension WebhookKind {
    /// The XDM `eventType` the mapper writes for this kind. XDM's `eventType`
    /// is an extensible enum and has no chat values, so these are ours.
    ///
    /// | Kind | eventType |
    /// |---|---|
    /// | chat-transcript | `chat.transcript` |
    /// | offline-message | `chat.offlineMessage` |
    /// | conversation-started | `chat.conversationStarted` |
    /// | unanswered-message | `chat.unansweredMessage` |
    /// | visitor-feedback | `chat.feedback` |
    ///
    /// ```swift
    /// WebhookKind.visitorFeedback.xdmEventType   // "chat.feedback"
    /// ```
    public var xdmEventType: String {
        switch self {
        case .chatTranscript: "chat.transcript"
        case .offlineMessage: "chat.offlineMessage"
        case .conversationStarted: "chat.conversationStarted"
        case .unansweredMessage: "chat.unansweredMessage"
        case .visitorFeedback: "chat.feedback"
        }
    }
}
