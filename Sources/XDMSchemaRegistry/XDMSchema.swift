public import ChatlioJSON

/// One JSON Schema document or subschema, in the subset XDM uses.
///
/// The model names every keyword XDM relies on (`$id`, `$ref`, `allOf`,
/// `definitions`, `type`, `properties`, `required`, `items`, `enum`, `format`,
/// `pattern`, `minimum`/`maximum`, `minLength`/`maxLength`,
/// `minItems`/`maxItems`, `additionalProperties`), keeps every `meta:*` key in
/// ``meta`` exactly as written, and keeps any other keyword (`$schema`,
/// `default`, `examples`, `const`, `oneOf`…) in ``otherKeywords`` so a schema
/// read from JSON is written back without loss. Keywords in
/// ``otherKeywords`` are carried, never interpreted: the validator and the
/// composer ignore them.
///
/// Build schemas in code with the factory methods, or read them from JSON:
///
/// ```swift
/// let email = XDMSchema.string(title: "Address", format: "email")
/// var contact = XDMSchema.object(title: "Contact", properties: ["address": email], closed: true)
/// contact.id = "https://ns.adobe.com/acme/datatypes/contact"
/// let again = try XDMSchema(parsing: contact.json.jsonString(sortedKeys: true))
/// assert(again == contact)
/// ```
public struct XDMSchema: Sendable, Hashable {
    /// `$id`: the URI naming this schema. Set on documents, not on subschemas.
    public var id: String?
    /// `$ref`: a URI (absolute, or a `#/…` fragment in the same document) whose
    /// schema applies here.
    public var ref: String?
    /// `title`.
    public var title: String?
    /// `description`.
    public var description: String?
    /// `type`: the JSON types allowed, one or several; `nil` allows any.
    public var types: [JSONType]?
    /// `properties`: member schemas of an object.
    public var properties: [String: XDMSchema]?
    /// `required`: member names that must be present.
    public var required: [String]?
    /// `enum`: the only values allowed.
    public var enumValues: [JSONValue]?
    /// `format`: a named string format (see ``XDMFormat``).
    public var format: String?
    /// `pattern`: an ECMA-262 regular expression a string must contain a match of
    /// (see ``XDMPattern`` for the syntax supported).
    public var pattern: String?
    /// `minimum` (inclusive).
    public var minimum: JSONNumber?
    /// `maximum` (inclusive).
    public var maximum: JSONNumber?
    /// `minLength`, in Unicode scalars.
    public var minLength: Int?
    /// `maxLength`, in Unicode scalars.
    public var maxLength: Int?
    /// `minItems`.
    public var minItems: Int?
    /// `maxItems`.
    public var maxItems: Int?
    /// `additionalProperties`: what members outside ``properties`` may be.
    public var additionalProperties: AdditionalProperties?
    /// `allOf`: schemas this one is composed of.
    public var allOf: [XDMSchema]?
    /// `definitions`: named subschemas, the usual target of `#/definitions/…` references.
    public var definitions: [String: XDMSchema]?
    /// Every `meta:*` key (`meta:intendedToExtend`, `meta:enum`, `meta:xdmType`,
    /// `meta:immutableTags`…), names including the `meta:` prefix, values as written.
    public var meta: JSONObject
    /// Keywords outside the modelled subset, kept verbatim and not interpreted.
    public var otherKeywords: JSONObject

    /// `items` is stored in an array so that the struct can contain itself.
    private var itemsStorage: [XDMSchema]

    /// `items`: the schema every array element must match.
    public var items: XDMSchema? {
        get { itemsStorage.first }
        set { itemsStorage = newValue.map { [$0] } ?? [] }
    }

    /// An empty schema: it accepts every JSON value.
    public init() {
        meta = [:]
        otherKeywords = [:]
        itemsStorage = []
    }

    /// The JSON types JSON Schema names in `type`.
    public enum JSONType: String, Sendable, Hashable, CaseIterable, Comparable {
        case null, boolean, integer, number, string, array, object

        public static func < (lhs: JSONType, rhs: JSONType) -> Bool {
            lhs.rawValue < rhs.rawValue
        }
    }

    /// The value of `additionalProperties`.
    public indirect enum AdditionalProperties: Sendable, Hashable {
        /// `true` (members outside `properties` are allowed) or `false` (the object is closed).
        case allowed(Bool)
        /// Every member outside `properties` must match this schema (XDM maps such as `identityMap`).
        case schema(XDMSchema)

        /// `additionalProperties: false`.
        public static let forbidden = AdditionalProperties.allowed(false)
    }
}

extension XDMSchema {
    /// The single JSON type when ``types`` names exactly one.
    public var type: JSONType? {
        guard let types, types.count == 1 else { return nil }
        return types[0]
    }

    /// `meta:enum`: suggested values and their labels (an extensible enum; XDM
    /// does not enforce it).
    public var metaEnum: [String: String]? {
        guard case .object(let object)? = meta["meta:enum"] else { return nil }
        return object.compactMapValues(\.stringValue)
    }

    /// Whether `additionalProperties` is `false`.
    public var isClosed: Bool {
        additionalProperties == .forbidden
    }
}
