import ChatlioJSON

/// What the envelope checks look at in one message, however it was read: from a
/// `JSONValue` tree (``init(tree:)``) or straight from the bytes
/// (``EnvelopeScanner``). ``EnvelopeCheck`` decides on these alone, so both
/// readers give the same answers by construction; the tests compare the two
/// readers field by field.
struct EnvelopeFields: Sendable, Hashable {
    /// One looked-up member, as far as the checks care: missing, a string, an
    /// object, or some other JSON value.
    enum Member: Sendable, Hashable {
        case absent
        case string(String)
        case object
        case other

        var stringValue: String? {
            if case .string(let string) = self { return string }
            return nil
        }

        var isPresent: Bool { self != .absent }
        var isObject: Bool { self == .object }
    }

    /// Whether the message itself is a JSON object (every other member is `.absent` when not).
    var isObject = false
    var header = Member.absent
    /// `header.schemaRef.id` (`.absent` when `schemaRef` is missing or not an object).
    var schemaRefID = Member.absent
    /// `header.schemaRef.contentType`.
    var contentType = Member.absent
    var imsOrgID = Member.absent
    var datasetID = Member.absent
    var flowID = Member.absent
    /// `header.source.name`: recorded, not checked.
    var sourceName = Member.absent
    var body = Member.absent
    /// `body.xdmMeta.schemaRef.id`.
    var metaSchemaRefID = Member.absent
    /// `body.xdmEntity`.
    var xdmEntity = Member.absent
    /// `body.xdmEntity._id`.
    var entityID = Member.absent

    /// The fields of a parsed message, read the way the checks always read trees
    /// (`value["a"]?["b"]`: a missing member or a non-object on the way gives `.absent`).
    init(tree message: JSONValue) {
        guard case .object(let object) = message else { return }
        isObject = true
        header = Self.member(object["header"])
        let headerValue = object["header"]
        schemaRefID = Self.member(headerValue?["schemaRef"]?["id"])
        contentType = Self.member(headerValue?["schemaRef"]?["contentType"])
        imsOrgID = Self.member(headerValue?["imsOrgId"])
        datasetID = Self.member(headerValue?["datasetId"])
        flowID = Self.member(headerValue?["flowId"])
        sourceName = Self.member(headerValue?["source"]?["name"])
        let bodyValue = object["body"]
        body = Self.member(bodyValue)
        metaSchemaRefID = Self.member(bodyValue?["xdmMeta"]?["schemaRef"]?["id"])
        xdmEntity = Self.member(bodyValue?["xdmEntity"])
        entityID = Self.member(bodyValue?["xdmEntity"]?["_id"])
    }

    init() {}

    private static func member(_ value: JSONValue?) -> Member {
        switch value {
        case nil: .absent
        case .string(let string)?: .string(string)
        case .object?: .object
        default: .other
        }
    }
}
