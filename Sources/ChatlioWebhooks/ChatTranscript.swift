@_spi(ChatlioAEPInternal) package import ChatlioJSON

/// "Exporting chat transcripts": the whole conversation, posted when a chat
/// ends or when an agent runs `/chatlio send-to-webhook`.
///
/// Only ``conversationUUID`` is required: it is the conversation's identity,
/// joins the transcript to the conversation events, and is how repeated
/// sends of one transcript are recognised. `messages` and `extraData` that
/// are `null` or absent are empty.
///
/// ```swift
/// let transcript = try ChatTranscript(jsonObject: object)
/// transcript.endedAt?.text          // "2018-05-19T18:14:32.000026941+02:00"
/// transcript.messages.count
/// transcript.visitorTraits?.object?["current_page"]
/// ```
public struct ChatTranscript: ChatlioWebhookPayload {
    public static var kind: WebhookKind { .chatTranscript }

    /// The object as received: a tape entry, built into a tree only when asked for.
    let source: PayloadObject
    /// The body the fields' entries index, for readers that copy its bytes.
    package var tape: JSONTape { source.tape }
    /// The object exactly as received; built from the body's bytes on each access.
    public var jsonObject: JSONObject { source.jsonObject }
    /// Whether ``jsonObject`` has keys this model does not know, noted while
    /// reading it, so ``additionalFields`` costs nothing when there are none.
    let hasAdditionalFields: Bool

    /// `conversationUUID`: the conversation id. Required.
    public var conversationUUID: String { source.text(conversationUUIDEntry) ?? "" }
    package let conversationUUIDEntry: Int32
    /// `agentEmail`: the Slack agent's email.
    public var agentEmail: String? { source.text(agentEmailEntry) }
    package let agentEmailEntry: Int32
    /// `agentName`: the Slack agent's name.
    public var agentName: String? { source.text(agentNameEntry) }
    package let agentNameEntry: Int32
    /// `archiveUrl`: the Slack archive of the channel (note Chatlio's `Url` spelling).
    public var archiveURL: String? { source.text(archiveURLEntry) }
    package let archiveURLEntry: Int32
    /// `extraData`: free-form strings; empty when `null` or absent.
    public let extraData: [String]
    /// `channelId`: the per-visitor Slack channel.
    public var channelId: String? { source.text(channelIdEntry) }
    package let channelIdEntry: Int32
    /// `channelName`: that channel's name.
    public var channelName: String? { source.text(channelNameEntry) }
    package let channelNameEntry: Int32
    /// `startedAt`: when the chat began.
    public var startedAt: RFC3339Timestamp? { source.timestamp(startedAtEntry) }
    package var startedAtInstant: RFC3339Instant? { source.instant(startedAtEntry) }
    package let startedAtEntry: Int32
    /// `endedAt`: when the chat ended; the event's own time.
    public var endedAt: RFC3339Timestamp? { source.timestamp(endedAtEntry) }
    package var endedAtInstant: RFC3339Instant? { source.instant(endedAtEntry) }
    package let endedAtEntry: Int32
    /// `htmlBody`: the transcript rendered as HTML. Opaque.
    public var htmlBody: String? { source.text(htmlBodyEntry) }
    package let htmlBodyEntry: Int32
    /// `textBody`: the transcript as plain text. Opaque.
    public var textBody: String? { source.text(textBodyEntry) }
    package let textBodyEntry: Int32
    /// `messages`: the structured messages; empty when `null` or absent.
    public let messages: [TranscriptMessage]
    /// `visitorEmail`: the visitor's email, when known.
    public var visitorEmail: String? { source.text(visitorEmailEntry) }
    package let visitorEmailEntry: Int32
    /// `replyToEmail`: the visitor's email when known, else Chatlio's choice.
    public var replyToEmail: String? { source.text(replyToEmailEntry) }
    package let replyToEmailEntry: Int32
    /// `visitorName`: the visitor's name or handle.
    public var visitorName: String? { source.text(visitorNameEntry) }
    package let visitorNameEntry: Int32
    /// `visitorTraits`: free-form traits with snake_case keys; an object, or a
    /// string as some receivers have seen it.
    public let visitorTraits: Traits?
    /// `slackTeamID`: the Slack team, seen only in older payloads.
    public var slackTeamID: String? { source.text(slackTeamIDEntry) }
    package let slackTeamIDEntry: Int32

    enum CodingKeys: String, CodingKey, CaseIterable {
        case conversationUUID, agentEmail, agentName
        case archiveURL = "archiveUrl"
        case extraData, channelId, channelName, startedAt, endedAt, htmlBody, textBody, messages
        case visitorEmail, replyToEmail, visitorName, visitorTraits
        case slackTeamID
    }

    public static let knownFieldNames: Set<String> = CodingKeys.wireNames

    /// Members of ``jsonObject`` this model does not know; kept and re-encoded.
    public var additionalFields: JSONObject {
        hasAdditionalFields ? source.members(notIn: Self.knownFieldNames) : [:]
    }

    public init(jsonObject: JSONObject, options: ChatlioWebhook.DecodingOptions) throws(ChatlioWebhookError) {
        try self.init(reader: Self.rootReader(given: jsonObject, options: options))
    }

    /// A conversation-event or offline-message body sent to the transcript's URL
    /// has every transcript field optional but `conversationUUID`, so it would
    /// read as an empty transcript with the visitor lost among the additional
    /// fields: refused instead, naming the shape it has.
    private static func refuseOtherShapes(_ source: PayloadObject) throws(ChatlioWebhookError) {
        guard let shape = try? ChatlioWebhook.shape(of: source), shape != .transcript,
            source.tape.member("visitor", inObjectAt: source.index).map({ source.tape.entries[$0].kind == .object }) == true
        else { return }
        throw ChatlioWebhookError(
            .wrongShape, kind: .chatTranscript, pointer: "",
            "the body has the \(shape.rawValue) shape (a visitor object and none of messages, startedAt, endedAt, textBody), "
                + "which \(shape.kinds.map(\.rawValue).joined(separator: ", ")) post; a chat transcript has none: is this webhook pointed at the wrong URL?")
    }

    // Equal objects have equal fields, which are read from them.
    public static func == (lhs: ChatTranscript, rhs: ChatTranscript) -> Bool { lhs.source == rhs.source }

    public func hash(into hasher: inout Hasher) { hasher.combine(conversationUUID) }

    init(reader: PayloadReader) throws(ChatlioWebhookError) {
        var reader = reader
        source = reader.source
        // Fields in the order Chatlio sends them: each look-up finds its key at the reader's cursor.
        try Self.refuseOtherShapes(source)
        agentEmailEntry = try reader.text("agentEmail")
        agentNameEntry = try reader.text("agentName")
        archiveURLEntry = try reader.text("archiveUrl")
        extraData = try reader.stringArray("extraData")
        channelIdEntry = try reader.text("channelId")
        channelNameEntry = try reader.text("channelName")
        conversationUUIDEntry = try reader.requiredText("conversationUUID")
        endedAtEntry = try reader.timestamp("endedAt")
        htmlBodyEntry = try reader.text("htmlBody")
        textBodyEntry = try reader.text("textBody")
        messages = try reader.objectArray("messages", TranscriptMessage.init(reader:))
        startedAtEntry = try reader.timestamp("startedAt")
        visitorEmailEntry = try reader.text("visitorEmail")
        replyToEmailEntry = try reader.text("replyToEmail")
        visitorNameEntry = try reader.text("visitorName")
        visitorTraits = try reader.traits("visitorTraits", allowObject: true)
        slackTeamIDEntry = try reader.text("slackTeamID")
        hasAdditionalFields = reader.hasUnreadMembers
    }
}
