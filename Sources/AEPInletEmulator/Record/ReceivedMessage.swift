public import ChatlioJSON

/// One message the emulated inlet took in, as the record keeps it.
///
/// ```swift
/// let first = emulator.record.messages[0]
/// first.sequence        // 0: arrival order across all requests
/// first.id              // xdmEntity._id
/// first.xdmEntity?["eventType"]
///
/// // Raw mode with a Data Prep mapping set (an AEPPlatformEmulator Chatlio flow):
/// first.mappedEntity?["eventType"]   // what AEP would store
/// first.mappingErrors               // the transformation errors, if any
/// ```
public struct ReceivedMessage: Sendable, Hashable {
    /// Arrival order among the messages of this list, from 0.
    public let sequence: Int
    /// The whole message as sent: the XDM envelope, or the raw JSON object in raw mode.
    public let message: JSONValue
    /// `body.xdmEntity` (XDM mode), `nil` in raw mode.
    public let xdmEntity: JSONValue?
    /// `xdmEntity._id` (XDM mode) or, in raw mode, ``mappedEntity``'s `_id`
    /// when a mapping set wrote one, else the top-level `_id`; when a string.
    public let id: String?
    /// `header.schemaRef.id`, in XDM mode.
    public let schemaID: String?
    /// `header.datasetId`, in XDM mode.
    public let datasetID: String?
    /// The flow id from the `x-adobe-flow-id` header or query parameter, else `header.flowId`.
    public let flowID: String?
    /// The endpoint that received it.
    public let endpoint: InletEndpoint
    /// The transaction id the response carried for it.
    public let xactionID: String
    /// When the request arrived, epoch milliseconds.
    public let receivedTimeMs: Int64
    /// The request's number in ``InletRecord/requests`` order.
    public let requestNumber: Int
    /// Position inside its batch (0 for the single endpoint).
    public let indexInRequest: Int
    /// Schema violations found by the validator (only in ``InletRecord/failedValidation``).
    public let violations: [SchemaViolation]
    /// In raw mode with a mapping set (``AEPInletEmulator/Configuration/dataPrepMapping``):
    /// the XDM entity the set makes of ``message``, what AEP would store. `nil`
    /// without a mapping set, and when the entity failed the inlet's validator
    /// (AEP does not ingest such a row; ``mappingErrors`` says why).
    public let mappedEntity: JSONValue?
    /// The mapping's transformation errors (each destination left out of
    /// ``mappedEntity``), and an ``DataPrepError/Code/invalidXDM`` error when
    /// the entity failed the validator. Empty when the mapping went cleanly.
    public let mappingErrors: [DataPrepError]

    init(
        sequence: Int, message: JSONValue, xdmEntity: JSONValue?, id: String?, schemaID: String?, datasetID: String?,
        flowID: String?, endpoint: InletEndpoint, xactionID: String, receivedTimeMs: Int64, requestNumber: Int,
        indexInRequest: Int, violations: [SchemaViolation], mappedEntity: JSONValue? = nil, mappingErrors: [DataPrepError] = []
    ) {
        self.sequence = sequence
        self.message = message
        self.xdmEntity = xdmEntity
        self.id = id
        self.schemaID = schemaID
        self.datasetID = datasetID
        self.flowID = flowID
        self.endpoint = endpoint
        self.xactionID = xactionID
        self.receivedTimeMs = receivedTimeMs
        self.requestNumber = requestNumber
        self.indexInRequest = indexInRequest
        self.violations = violations
        self.mappedEntity = mappedEntity
        self.mappingErrors = mappingErrors
    }

    func withSequence(_ sequence: Int) -> ReceivedMessage {
        ReceivedMessage(
            sequence: sequence, message: message, xdmEntity: xdmEntity, id: id, schemaID: schemaID, datasetID: datasetID,
            flowID: flowID, endpoint: endpoint, xactionID: xactionID, receivedTimeMs: receivedTimeMs,
            requestNumber: requestNumber, indexInRequest: indexInRequest, violations: violations,
            mappedEntity: mappedEntity, mappingErrors: mappingErrors
        )
    }

    /// This message with what its mapping set made of it.
    func withMapping(_ entity: JSONValue?, errors: [DataPrepError]) -> ReceivedMessage {
        ReceivedMessage(
            sequence: sequence, message: message, xdmEntity: xdmEntity, id: entity?["_id"]?.stringValue ?? id, schemaID: schemaID, datasetID: datasetID,
            flowID: flowID, endpoint: endpoint, xactionID: xactionID, receivedTimeMs: receivedTimeMs,
            requestNumber: requestNumber, indexInRequest: indexInRequest, violations: violations,
            mappedEntity: entity, mappingErrors: errors
        )
    }

    /// One NDJSON line describing this message.
    var recordLine: JSONValue {
        var object: JSONObject = [
            "sequence": .number(JSONNumber(sequence)),
            "endpoint": .string(endpoint.description),
            "xactionId": .string(xactionID),
            "receivedTimeMs": .number(JSONNumber(receivedTimeMs)),
            "requestNumber": .number(JSONNumber(requestNumber)),
            "indexInRequest": .number(JSONNumber(indexInRequest)),
            "message": message,
        ]
        if let id { object["id"] = .string(id) }
        if let flowID { object["flowId"] = .string(flowID) }
        if let mappedEntity { object["mappedEntity"] = mappedEntity }
        if !mappingErrors.isEmpty { object["mappingErrors"] = .array(mappingErrors.map { .string($0.description) }) }
        return .object(object)
    }
}
