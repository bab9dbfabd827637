import ChatlioJSON

/// The XDM envelope checks DCS applies to each message before accepting it
/// (aep-streaming.md §2.1): `header.schemaRef.id`, `header.datasetId`,
/// `body.xdmMeta.schemaRef.id` equal to the header's, `body.xdmEntity`, and
/// `header.imsOrgId` and `header.flowId` when present (``FlowIDCheck`` decides whether the flow is right).
///
/// The checks read ``EnvelopeFields`` only, so a tree and the byte scanner get the same answers.
struct EnvelopeCheck: Sendable {
    /// What an accepted envelope says about itself.
    struct Checked: Sendable, Hashable {
        var schemaID: String
        var datasetID: String
        var flowID: String?
        var sourceName: String?
        var id: String?
    }

    struct Envelope: Sendable, Hashable {
        var schemaID: String
        var datasetID: String
        var flowID: String?
        var xdmEntity: JSONValue
        var id: String?
    }

    var inletID: String
    var imsOrgID: String

    /// `inletId: [...] imsOrgId: [...]`, the prefix of DCS messages.
    var prefix: String { "inletId: [\(inletID)] imsOrgId: [\(imsOrgID)]" }

    /// The checks on a parsed message, with its `xdmEntity` tree.
    func check(_ message: JSONValue) -> Result<Envelope, EnvelopeFailure> {
        check(EnvelopeFields(tree: message)).map { checked in
            Envelope(
                schemaID: checked.schemaID, datasetID: checked.datasetID, flowID: checked.flowID,
                xdmEntity: message["body"]?["xdmEntity"] ?? .null, id: checked.id
            )
        }
    }

    func check(_ fields: EnvelopeFields) -> Result<Checked, EnvelopeFailure> {
        guard fields.isObject else {
            return .failure(unknownFormat("the message is not a JSON object"))
        }
        guard fields.header.isObject else {
            return .failure(EnvelopeFailure(message: "The 'header' field is mandatory. Please provide a header and resend the message."))
        }
        guard let schemaID = fields.schemaRefID.stringValue, !schemaID.isEmpty else {
            return .failure(unknownFormat("header.schemaRef.id is missing"))
        }
        if fields.contentType.isPresent, fields.contentType.stringValue == nil {
            return .failure(unknownFormat("header.schemaRef.contentType is not a string"))
        }
        if fields.imsOrgID.isPresent, fields.imsOrgID.stringValue != imsOrgID {
            return .failure(EnvelopeFailure(message: "\(prefix) Message has an absent or wrong ims org in the header"))
        }
        guard let datasetID = fields.datasetID.stringValue, !datasetID.isEmpty else {
            return .failure(EnvelopeFailure(message: "\(prefix) Message has an absent or invalid dataset id (emulator: header.datasetId must be a non-empty string)"))
        }
        if fields.flowID.isPresent, fields.flowID.stringValue?.isEmpty ?? true {
            return .failure(EnvelopeFailure(message: "\(prefix) Message has an absent or wrong flow id in the header (emulator: header.flowId is not a non-empty string)"))
        }
        guard fields.body.isObject else {
            return .failure(unknownFormat("body is missing"))
        }
        guard let metaSchemaID = fields.metaSchemaRefID.stringValue else {
            return .failure(unknownFormat("body.xdmMeta.schemaRef.id is missing"))
        }
        guard metaSchemaID == schemaID else {
            return .failure(unknownFormat("body.xdmMeta.schemaRef.id differs from header.schemaRef.id"))
        }
        guard fields.xdmEntity.isObject else {
            return .failure(unknownFormat("body.xdmEntity is missing or not an object"))
        }
        return .success(Checked(
            schemaID: schemaID, datasetID: datasetID, flowID: fields.flowID.stringValue,
            sourceName: fields.sourceName.stringValue, id: fields.entityID.stringValue
        ))
    }

    private func unknownFormat(_ detail: String) -> EnvelopeFailure {
        EnvelopeFailure(message: "\(prefix) Message has unknown xdm format (emulator: \(detail))")
    }
}

/// Why a message failed the envelope checks: the per-message text DCS returns.
struct EnvelopeFailure: Error, Sendable, Hashable {
    var message: String
}
