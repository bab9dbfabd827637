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
    /// The object exactly as received; built from the body's bytes on each access.
    public var jsonObject: JSONObject { source.jsonObject }
    /// Whether ``jsonObject`` has keys this model does not know, noted while
    /// reading it, so ``additionalFields`` costs nothing when there are none.
    let hasAdditionalFields: Bool

    /// `conversationUUID`: the conversation id. Required.
    public let conversationUUID: String
    /// `agentEmail`: the Slack agent's email.
    public let agentEmail: String?
    /// `agentName`: the Slack agent's name.
    public let agentName: String?
    /// `archiveUrl`: the Slack archive of the channel (note Chatlio's `Url` spelling).
    public let archiveURL: String?
    /// `extraData`: free-form strings; empty when `null` or absent.
    public let extraData: [String]
    /// `channelId`: the per-visitor Slack channel.
    public let channelId: String?
    /// `channelName`: that channel's name.
    public let channelName: String?
    /// `startedAt`: when the chat began.
    public let startedAt: RFC3339Timestamp?
    /// `endedAt`: when the chat ended; the event's own time.
    public let endedAt: RFC3339Timestamp?
    /// `htmlBody`: the transcript rendered as HTML. Opaque.
    public let htmlBody: String?
    /// `textBody`: the transcript as plain text. Opaque.
    public let textBody: String?
    /// `messages`: the structured messages; empty when `null` or absent.
    public let messages: [TranscriptMessage]
    /// `visitorEmail`: the visitor's email, when known.
    public let visitorEmail: String?
    /// `replyToEmail`: the visitor's email when known, else Chatlio's choice.
    public let replyToEmail: String?
    /// `visitorName`: the visitor's name or handle.
    public let visitorName: String?
    /// `visitorTraits`: free-form traits with snake_case keys; an object, or a
    /// string as some receivers have seen it.
    public let visitorTraits: Traits?
    /// `slackTeamID`: the Slack team, seen only in older payloads.
    public let slackTeamID: String?

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

    init(reader: PayloadReader) throws(ChatlioWebhookError) {
        var reader = reader
        source = reader.source
        try Self.refuseOtherShapes(source)
        conversationUUID = try reader.requiredText("conversationUUID")
        agentEmail = try reader.text("agentEmail")
        agentName = try reader.text("agentName")
        archiveURL = try reader.text("archiveUrl")
        extraData = try reader.stringArray("extraData")
        channelId = try reader.text("channelId")
        channelName = try reader.text("channelName")
        startedAt = try reader.timestamp("startedAt")
        endedAt = try reader.timestamp("endedAt")
        htmlBody = try reader.text("htmlBody")
        textBody = try reader.text("textBody")
        messages = try reader.objectArray("messages", TranscriptMessage.init(reader:))
        visitorEmail = try reader.text("visitorEmail")
        replyToEmail = try reader.text("replyToEmail")
        visitorName = try reader.text("visitorName")
        visitorTraits = try reader.traits("visitorTraits", allowObject: true)
        slackTeamID = try reader.text("slackTeamID")
        hasAdditionalFields = reader.hasUnreadMembers
    }
}
