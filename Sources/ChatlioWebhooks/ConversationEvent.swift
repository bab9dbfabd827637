@_spi(ChatlioAEPInternal) package import ChatlioJSON

/// The body Chatlio posts for three webhooks: a new conversation started, a
/// visitor got no answer in time, a visitor left feedback.
///
/// The three bodies are identical in shape, so this type holds the fields and
/// ``ConversationStarted``, ``UnansweredMessage`` and ``VisitorFeedback`` wrap
/// it, keeping the kind in the type system. Only ``visitor`` (with its `UUID`)
/// is required.
///
/// ```swift
/// let started = try ConversationStarted(jsonObject: object)
/// started.message            // the visitor's first message
/// started.conversationUUID   // joins the transcript sent later
/// ```
public struct ConversationEvent: Sendable, Hashable {
    /// The object as received: a tape entry, built into a tree only when asked for.
    let source: PayloadObject
    /// The body the fields' entries index, for readers that copy its bytes.
    package var tape: JSONTape { source.tape }
    /// The object exactly as received; built from the body's bytes on each access.
    public var jsonObject: JSONObject { source.jsonObject }
    /// Whether ``jsonObject`` has keys this model does not know, noted while
    /// reading it, so ``additionalFields`` costs nothing when there are none.
    let hasAdditionalFields: Bool

    /// `visitor`: who is chatting. Required.
    public let visitor: Visitor
    /// `message`: the visitor's first message, the unanswered message, or the
    /// feedback, depending on the webhook.
    public var message: String? { source.text(messageEntry) }
    package let messageEntry: Int32
    /// `conversationUUID`: the conversation id, shared with its transcript.
    public var conversationUUID: String? { source.text(conversationUUIDEntry) }
    package let conversationUUIDEntry: Int32
    /// `channelId`: the Slack channel of this conversation.
    public var channelId: String? { source.text(channelIdEntry) }
    package let channelIdEntry: Int32
    /// `slackChannelName`: the widget's Slack channel name.
    public var slackChannelName: String? { source.text(slackChannelNameEntry) }
    package let slackChannelNameEntry: Int32
    /// `slackChannelId`: the widget's Slack channel id.
    public var slackChannelId: String? { source.text(slackChannelIdEntry) }
    package let slackChannelIdEntry: Int32

    enum CodingKeys: String, CodingKey, CaseIterable {
        case visitor, message, conversationUUID, channelId, slackChannelName, slackChannelId
    }

    static let knownFieldNames: Set<String> = CodingKeys.wireNames

    /// Members of ``jsonObject`` the shared fields do not cover.
    var additionalFields: JSONObject {
        hasAdditionalFields ? source.members(notIn: Self.knownFieldNames) : [:]
    }

    // Equal objects have equal fields, which are read from them.
    public static func == (lhs: ConversationEvent, rhs: ConversationEvent) -> Bool { lhs.source == rhs.source }

    public func hash(into hasher: inout Hasher) { hasher.combine(visitor) }

    init(reader: PayloadReader) throws(ChatlioWebhookError) {
        var reader = reader
        source = reader.source
        // Fields in the order Chatlio sends them: each look-up finds its key at the reader's cursor.
        visitor = try reader.requiredNested("visitor", Visitor.init(reader:))
        messageEntry = try reader.text("message")
        conversationUUIDEntry = try reader.text("conversationUUID")
        channelIdEntry = try reader.text("channelId")
        slackChannelNameEntry = try reader.text("slackChannelName")
        slackChannelIdEntry = try reader.text("slackChannelId")
        hasAdditionalFields = reader.hasUnreadMembers
    }
}

/// A payload with the conversation-event shape; its fields are reachable
/// directly (`feedback.visitor`, `feedback.message`) through ``event``.
@dynamicMemberLookup
public protocol ConversationEventPayload: ChatlioWebhookPayload {
    /// The shared fields.
    var event: ConversationEvent { get }
    init(event: ConversationEvent)
}

extension ConversationEventPayload {
    public var jsonObject: JSONObject { event.jsonObject }
    public static var knownFieldNames: Set<String> { ConversationEvent.knownFieldNames }
    public var additionalFields: JSONObject { event.additionalFields }

    public init(jsonObject: JSONObject, options: ChatlioWebhook.DecodingOptions) throws(ChatlioWebhookError) {
        self.init(event: try ConversationEvent(reader: Self.rootReader(given: jsonObject, options: options)))
    }

    public subscript<Value>(dynamicMember keyPath: KeyPath<ConversationEvent, Value>) -> Value {
        event[keyPath: keyPath]
    }
}

/// "New conversation has started". `message` is presumably the visitor's first message.
///
/// ```swift
/// if case .conversationStarted(let started) = webhook { greet(started.visitor) }
/// ```
public struct ConversationStarted: ConversationEventPayload {
    public static var kind: WebhookKind { .conversationStarted }
    public let event: ConversationEvent
    public init(event: ConversationEvent) { self.event = event }
}

/// "Visitor did not get an answer in time". `message` is presumably the unanswered message.
///
/// ```swift
/// if case .unansweredMessage(let missed) = webhook { escalate(missed.conversationUUID) }
/// ```
public struct UnansweredMessage: ConversationEventPayload {
    public static var kind: WebhookKind { .unansweredMessage }
    public let event: ConversationEvent
    public init(event: ConversationEvent) { self.event = event }
}

/// "Visitor left feedback after a chat". Chatlio documents no rating field;
/// `message` presumably holds the feedback.
///
/// ```swift
/// if case .visitorFeedback(let feedback) = webhook { store(feedback.message) }
/// ```
public struct VisitorFeedback: ConversationEventPayload {
    public static var kind: WebhookKind { .visitorFeedback }
    public let event: ConversationEvent
    public init(event: ConversationEvent) { self.event = event }
}
