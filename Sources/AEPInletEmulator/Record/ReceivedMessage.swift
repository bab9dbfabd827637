public import ChatlioJSON

/// One message the emulated inlet took in, as the record keeps it.
///
/// ```swift
/// let first = emulator.record.messages[0]
/// first.sequence        // 0: arrival order across all requests
/// first.id              // xdmEntity._id
/// first.xdmEntity?["eventType"]
/// ```
public struct ReceivedMessage: Sendable, Hashable {
    /// Arrival order among the messages of this list, from 0.
    public let sequence: Int
    /// The whole message as sent: the XDM envelope, or the raw JSON object in raw mode.
    public let message: JSONValue
    /// `body.xdmEntity` (XDM mode), `nil` in raw mode.
    public let xdmEntity: JSONValue?
    /// `xdmEntity._id` (XDM mode) or the top-level `_id` (raw mode), when a string.
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

    func withSequence(_ sequence: Int) -> ReceivedMessage {
        ReceivedMessage(
            sequence: sequence, message: message, xdmEntity: xdmEntity, id: id, schemaID: schemaID, datasetID: datasetID,
            flowID: flowID, endpoint: endpoint, xactionID: xactionID, receivedTimeMs: receivedTimeMs,
            requestNumber: requestNumber, indexInRequest: indexInRequest, violations: violations
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
        return .object(object)
    }
}
