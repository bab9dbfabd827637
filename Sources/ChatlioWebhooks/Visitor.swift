@_spi(ChatlioAEPInternal) package import ChatlioJSON

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
    /// The body the fields' entries index, for readers that copy its bytes.
    package var tape: JSONTape { source.tape }
    /// The object exactly as received; built from the body's bytes on each access.
    public var jsonObject: JSONObject { source.jsonObject }
    /// Whether ``jsonObject`` has keys this model does not know, noted while
    /// reading it, so ``additionalFields`` costs nothing when there are none.
    let hasAdditionalFields: Bool

    /// `UUID`: Chatlio's visitor id. Required. Kept as text: it is not a valid
    /// RFC 4122 UUID and `Foundation.UUID` would upper-case it.
    public var uuid: String { source.text(uuidEntry) ?? "" }
    package let uuidEntry: Int32
    /// `email`, when the visitor gave one.
    public var email: String? { source.text(emailEntry) }
    package let emailEntry: Int32
    /// `name`, when the visitor gave one.
    public var name: String? { source.text(nameEntry) }
    package let nameEntry: Int32
    /// `identUserId`: the user id the site passed to `_chatlio.identify`.
    public var identUserId: String? { source.text(identUserIdEntry) }
    package let identUserIdEntry: Int32
    /// `identTraits`: the traits passed to `_chatlio.identify`, JSON inside a string.
    public let identifyTraits: Traits?
    /// `userAgent`: the browser's user agent.
    public var userAgent: String? { source.text(userAgentEntry) }
    package let userAgentEntry: Int32
    /// `handle`: Chatlio's generated name for the visitor, such as `united-states-27`.
    public var handle: String? { source.text(handleEntry) }
    package let handleEntry: Int32
    /// `currentPage`: the URL the visitor was on.
    public var currentPage: String? { source.text(currentPageEntry) }
    package let currentPageEntry: Int32
    /// `referrerURL`: the page that referred the visitor.
    public var referrerURL: String? { source.text(referrerURLEntry) }
    package let referrerURLEntry: Int32
    /// `createdAt`: when Chatlio first saw the visitor.
    public var createdAt: RFC3339Timestamp? { source.timestamp(createdAtEntry) }
    package let createdAtEntry: Int32
    /// `IPAddress`: the visitor's address as Chatlio saw it (IPv4 or IPv6 text, unchecked).
    public var ipAddress: String? { source.text(ipAddressEntry) }
    package let ipAddressEntry: Int32
    /// `location`: free text such as `Los Angeles, California, United States`.
    /// Missing from some payloads.
    public var location: String? { source.text(locationEntry) }
    package let locationEntry: Int32

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

    // Equal objects have equal fields, which are read from them.
    public static func == (lhs: Visitor, rhs: Visitor) -> Bool { lhs.source == rhs.source }

    public func hash(into hasher: inout Hasher) { hasher.combine(uuid) }

    init(reader: PayloadReader) throws(ChatlioWebhookError) {
        var reader = reader
        source = reader.source
        // Fields in the order Chatlio sends them: each look-up finds its key at the reader's cursor.
        emailEntry = try reader.text("email")
        uuidEntry = try reader.requiredText("UUID")
        nameEntry = try reader.text("name")
        identUserIdEntry = try reader.text("identUserId")
        identifyTraits = try reader.traits("identTraits", allowObject: false)
        userAgentEntry = try reader.text("userAgent")
        handleEntry = try reader.text("handle")
        currentPageEntry = try reader.text("currentPage")
        referrerURLEntry = try reader.text("referrerURL")
        createdAtEntry = try reader.timestamp("createdAt")
        ipAddressEntry = try reader.text("IPAddress")
        locationEntry = try reader.text("location")
        hasAdditionalFields = reader.hasUnreadMembers
    }
}
