/// One message of a chat transcript.
///
/// Only ``ts`` is required: Slack's message id, and the only exact ordering
/// key (Chatlio derives `sentAt` from it through a `Double`, so `sentAt`
/// carries rounding error).
///
/// ```swift
/// for message in transcript.messages where message.isVisitorMessage == true {
///     print(message.ts, message.text ?? "")
/// }
/// ```
public struct TranscriptMessage: ChatlioModel {
    /// The object as received: a tape entry, built into a tree only when asked for.
    let source: PayloadObject
    /// The object exactly as received; built from the body's bytes on each access.
    public var jsonObject: JSONObject { source.jsonObject }
    /// Whether ``jsonObject`` has keys this model does not know, noted while
    /// reading it, so ``additionalFields`` costs nothing when there are none.
    let hasAdditionalFields: Bool

    /// `ts`: the Slack timestamp, `seconds.microseconds`, kept as text. Required.
    public let ts: String
    /// `text`: the message, in Slack's formatting.
    public let text: String?
    /// `sentAt`: when the message was sent.
    public let sentAt: RFC3339Timestamp?
    /// `userId`: the Slack user id of an agent; `nil` for visitor messages.
    public let userId: String?
    /// `username`: the agent's or visitor's display name.
    public let username: String?
    /// `isVisitorMsg`: whether the visitor wrote it.
    public let isVisitorMessage: Bool?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case ts, text, sentAt, userId, username
        case isVisitorMessage = "isVisitorMsg"
    }

    public static let knownFieldNames: Set<String> = CodingKeys.wireNames

    /// Members of ``jsonObject`` this model does not know; kept and re-encoded.
    public var additionalFields: JSONObject {
        hasAdditionalFields ? source.members(notIn: Self.knownFieldNames) : [:]
    }

    public init(jsonObject: JSONObject, options: ChatlioWebhook.DecodingOptions) throws(ChatlioWebhookError) {
        try self.init(reader: PayloadReader(PayloadObject(given: jsonObject, kind: nil), kind: nil, depth: 1, options: options))
    }

    init(reader: PayloadReader) throws(ChatlioWebhookError) {
        var reader = reader
        source = reader.source
        ts = try reader.requiredText("ts")
        text = try reader.text("text")
        sentAt = try reader.timestamp("sentAt")
        userId = try reader.text("userId")
        username = try reader.text("username")
        isVisitorMessage = try reader.bool("isVisitorMsg")
        hasAdditionalFields = reader.hasUnreadMembers
    }
}
