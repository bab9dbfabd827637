@_spi(ChatlioAEPInternal) package import ChatlioJSON

/// "Exporting offline messages": a visitor left a message while no agent was
/// online.
///
/// Only ``visitor`` (with its `UUID`) is required. `name`, `email`,
/// `emailPretty` and `message` are what the visitor typed into the offline
/// form; `subject` is seen only in older payloads.
///
/// ```swift
/// let offline = try OfflineMessage(jsonObject: object)
/// offline.email          // "bob@example.com"
/// offline.emailPretty    // "\"Bob Smith\" <bob@example.com>"
/// offline.visitor.uuid
/// ```
public struct OfflineMessage: ChatlioWebhookPayload {
    public static var kind: WebhookKind { .offlineMessage }

    /// The object as received: a tape entry, built into a tree only when asked for.
    let source: PayloadObject
    /// The body the fields' entries index, for readers that copy its bytes.
    package var tape: JSONTape { source.tape }
    /// The object exactly as received; built from the body's bytes on each access.
    public var jsonObject: JSONObject { source.jsonObject }
    /// Whether ``jsonObject`` has keys this model does not know, noted while
    /// reading it, so ``additionalFields`` costs nothing when there are none.
    let hasAdditionalFields: Bool

    /// `visitor`: who left the message. Required.
    public let visitor: Visitor
    /// `name`: the name typed into the offline form.
    public var name: String? { source.text(nameEntry) }
    package let nameEntry: Int32
    /// `email`: the address typed into the offline form.
    public var email: String? { source.text(emailEntry) }
    package let emailEntry: Int32
    /// `emailPretty`: the display address, `"Name" <address>`.
    public var emailPretty: String? { source.text(emailPrettyEntry) }
    package let emailPrettyEntry: Int32
    /// `message`: the message itself.
    public var message: String? { source.text(messageEntry) }
    package let messageEntry: Int32
    /// `subject`: a subject line, seen only in older payloads.
    public var subject: String? { source.text(subjectEntry) }
    package let subjectEntry: Int32

    enum CodingKeys: String, CodingKey, CaseIterable {
        case visitor, name, email, emailPretty, message, subject
    }

    public static let knownFieldNames: Set<String> = CodingKeys.wireNames

    /// Members of ``jsonObject`` this model does not know; kept and re-encoded.
    public var additionalFields: JSONObject {
        hasAdditionalFields ? source.members(notIn: Self.knownFieldNames) : [:]
    }

    public init(jsonObject: JSONObject, options: ChatlioWebhook.DecodingOptions) throws(ChatlioWebhookError) {
        try self.init(reader: Self.rootReader(given: jsonObject, options: options))
    }

    // Equal objects have equal fields, which are read from them.
    public static func == (lhs: OfflineMessage, rhs: OfflineMessage) -> Bool { lhs.source == rhs.source }

    public func hash(into hasher: inout Hasher) { hasher.combine(visitor) }

    init(reader: PayloadReader) throws(ChatlioWebhookError) {
        var reader = reader
        source = reader.source
        // Fields in the order Chatlio sends them: each look-up finds its key at the reader's cursor.
        nameEntry = try reader.text("name")
        emailEntry = try reader.text("email")
        emailPrettyEntry = try reader.text("emailPretty")
        messageEntry = try reader.text("message")
        visitor = try reader.requiredNested("visitor", Visitor.init(reader:))
        subjectEntry = try reader.text("subject")
        hasAdditionalFields = reader.hasUnreadMembers
    }
}
