/// The website visitor, as carried by offline messages and conversation events.
///
/// Only ``uuid`` is required: it is Chatlio's visitor id and the identity every
/// event is keyed on. Every text field is `nil` when Chatlio sends `""`, the
/// key is missing, or the value is `null`; the original is kept in
/// ``jsonObject``.
///
/// ```swift
/// let visitor = webhook.visitor!
/// visitor.uuid                       // "2d3f4260-2235-903b-0a82-a23d326cc257"
/// visitor.identifyTraits?.object     // ["custom stuff": "things"]
/// visitor.createdAt?.nanoseconds     // 839_766_000
/// ```
public struct Visitor: ChatlioModel {
    /// The object as received: a tape entry, built into a tree only when asked for.
    let source: PayloadObject
    /// The object exactly as received; built from the body's bytes on each access.
    public var jsonObject: JSONObject { source.jsonObject }
    /// Whether ``jsonObject`` has keys this model does not know, noted while
    /// reading it, so ``additionalFields`` costs nothing when there are none.
    let hasAdditionalFields: Bool

    /// `UUID`: Chatlio's visitor id. Required. Kept as text: it is not a valid
    /// RFC 4122 UUID and `Foundation.UUID` would upper-case it.
    public let uuid: String
    /// `email`, when the visitor gave one.
    public let email: String?
    /// `name`, when the visitor gave one.
    public let name: String?
    /// `identUserId`: the user id the site passed to `_chatlio.identify`.
    public let identUserId: String?
    /// `identTraits`: the traits passed to `_chatlio.identify`, JSON inside a string.
    public let identifyTraits: Traits?
    /// `userAgent`: the browser's user agent.
    public let userAgent: String?
    /// `handle`: Chatlio's generated name for the visitor, such as `united-states-27`.
    public let handle: String?
    /// `currentPage`: the URL the visitor was on.
    public let currentPage: String?
    /// `referrerURL`: the page that referred the visitor.
    public let referrerURL: String?
    /// `createdAt`: when Chatlio first saw the visitor.
    public let createdAt: RFC3339Timestamp?
    /// `IPAddress`: the visitor's address as Chatlio saw it (IPv4 or IPv6 text, unchecked).
    public let ipAddress: String?
    /// `location`: free text such as `Los Angeles, California, United States`.
    /// Missing from some payloads.
    public let location: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case uuid = "UUID"
        case email, name, identUserId
        case identifyTraits = "identTraits"
        case userAgent, handle, currentPage, referrerURL, createdAt
        case ipAddress = "IPAddress"
        case location
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
        uuid = try reader.requiredText("UUID")
        email = try reader.text("email")
        name = try reader.text("name")
        identUserId = try reader.text("identUserId")
        identifyTraits = try reader.traits("identTraits", allowObject: false)
        userAgent = try reader.text("userAgent")
        handle = try reader.text("handle")
        currentPage = try reader.text("currentPage")
        referrerURL = try reader.text("referrerURL")
        createdAt = try reader.timestamp("createdAt")
        ipAddress = try reader.text("IPAddress")
        location = try reader.text("location")
        hasAdditionalFields = reader.hasUnreadMembers
    }
}
