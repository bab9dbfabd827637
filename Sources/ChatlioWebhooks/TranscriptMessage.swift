@_spi(ChatlioAEPInternal) package import ChatlioJSON

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
    /// The body the fields' entries index, for readers that copy its bytes.
    package var tape: JSONTape { source.tape }
    /// The object exactly as received; built from the body's bytes on each access.
    public var jsonObject: JSONObject { source.jsonObject }
    /// Whether ``jsonObject`` has keys this model does not know, noted while
    /// reading it, so ``additionalFields`` costs nothing when there are none.
    let hasAdditionalFields: Bool

    /// `ts`: the Slack timestamp, `seconds.microseconds`, kept as text. Required.
    public var ts: String { source.text(tsEntry) ?? "" }
    package let tsEntry: Int32
    /// `text`: the message, in Slack's formatting.
    public var text: String? { source.text(textEntry) }
    package let textEntry: Int32
    /// `sentAt`: when the message was sent.
    public var sentAt: RFC3339Timestamp? { source.timestamp(sentAtEntry) }
    package var sentAtInstant: RFC3339Instant? { source.instant(sentAtEntry) }
    package let sentAtEntry: Int32
    /// `userId`: the Slack user id of an agent; `nil` for visitor messages.
    public var userId: String? { source.text(userIdEntry) }
    package let userIdEntry: Int32
    /// `username`: the agent's or visitor's display name.
    public var username: String? { source.text(usernameEntry) }
    package let usernameEntry: Int32
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

    // Equal objects have equal fields, which are read from them.
    public static func == (lhs: TranscriptMessage, rhs: TranscriptMessage) -> Bool { lhs.source == rhs.source }

    public func hash(into hasher: inout Hasher) { hasher.combine(ts) }

    init(reader: PayloadReader) throws(ChatlioWebhookError) {
        var reader = reader
        source = reader.source
        // Fields in the order Chatlio sends them: each look-up finds its key at the reader's cursor.
        textEntry = try reader.text("text")
        tsEntry = try reader.requiredText("ts")
        sentAtEntry = try reader.timestamp("sentAt")
        userIdEntry = try reader.text("userId")
        usernameEntry = try reader.text("username")
        isVisitorMessage = try reader.bool("isVisitorMsg")
        hasAdditionalFields = reader.hasUnreadMembers
    }
}
