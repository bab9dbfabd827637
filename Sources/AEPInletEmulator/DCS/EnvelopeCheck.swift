import ChatlioJSON

/// The XDM envelope checks DCS applies to each message before accepting it
/// (aep-streaming.md §2.1): `header.schemaRef.id`, `header.datasetId`,
/// `body.xdmMeta.schemaRef.id` equal to the header's, `body.xdmEntity`, and
/// `header.imsOrgId` and `header.flowId` when present (``FlowIDCheck`` decides whether the flow is right).
struct EnvelopeCheck: Sendable {
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

    func check(_ message: JSONValue) -> Result<Envelope, EnvelopeFailure> {
        guard case .object(let object) = message else {
            return .failure(unknownFormat("the message is not a JSON object"))
        }
        guard let header = object["header"]?.objectValue else {
            return .failure(EnvelopeFailure(message: "The 'header' field is mandatory. Please provide a header and resend the message."))
        }
        guard let schemaID = header["schemaRef"]?["id"]?.stringValue, !schemaID.isEmpty else {
            return .failure(unknownFormat("header.schemaRef.id is missing"))
        }
        if let contentType = header["schemaRef"]?["contentType"], contentType.stringValue == nil {
            return .failure(unknownFormat("header.schemaRef.contentType is not a string"))
        }
        if let org = header["imsOrgId"], org.stringValue != imsOrgID {
            return .failure(EnvelopeFailure(message: "\(prefix) Message has an absent or wrong ims org in the header"))
        }
        guard let datasetID = header["datasetId"]?.stringValue, !datasetID.isEmpty else {
            return .failure(EnvelopeFailure(message: "\(prefix) Message has an absent or invalid dataset id (emulator: header.datasetId must be a non-empty string)"))
        }
        if let flowID = header["flowId"], flowID.stringValue?.isEmpty ?? true {
            return .failure(EnvelopeFailure(message: "\(prefix) Message has an absent or wrong flow id in the header (emulator: header.flowId is not a non-empty string)"))
        }
        guard let body = object["body"]?.objectValue else {
            return .failure(unknownFormat("body is missing"))
        }
        guard let metaSchemaID = body["xdmMeta"]?["schemaRef"]?["id"]?.stringValue else {
            return .failure(unknownFormat("body.xdmMeta.schemaRef.id is missing"))
        }
        guard metaSchemaID == schemaID else {
            return .failure(unknownFormat("body.xdmMeta.schemaRef.id differs from header.schemaRef.id"))
        }
        guard let entity = body["xdmEntity"], entity.objectValue != nil else {
            return .failure(unknownFormat("body.xdmEntity is missing or not an object"))
        }
        return .success(Envelope(
            schemaID: schemaID, datasetID: datasetID, flowID: header["flowId"]?.stringValue,
            xdmEntity: entity, id: entity["_id"]?.stringValue
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
