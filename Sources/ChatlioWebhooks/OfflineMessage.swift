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
    /// The object exactly as received; built from the body's bytes on each access.
    public var jsonObject: JSONObject { source.jsonObject }
    /// Whether ``jsonObject`` has keys this model does not know, noted while
    /// reading it, so ``additionalFields`` costs nothing when there are none.
    let hasAdditionalFields: Bool

    /// `visitor`: who left the message. Required.
    public let visitor: Visitor
    /// `name`: the name typed into the offline form.
    public let name: String?
    /// `email`: the address typed into the offline form.
    public let email: String?
    /// `emailPretty`: the display address, `"Name" <address>`.
    public let emailPretty: String?
    /// `message`: the message itself.
    public let message: String?
    /// `subject`: a subject line, seen only in older payloads.
    public let subject: String?

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

    init(reader: PayloadReader) throws(ChatlioWebhookError) {
        var reader = reader
        source = reader.source
        visitor = try reader.requiredNested("visitor", Visitor.init(reader:))
        name = try reader.text("name")
        email = try reader.text("email")
        emailPretty = try reader.text("emailPretty")
        message = try reader.text("message")
        subject = try reader.text("subject")
        hasAdditionalFields = reader.hasUnreadMembers
    }
}
