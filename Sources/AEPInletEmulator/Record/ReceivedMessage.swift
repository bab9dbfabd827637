public import ChatlioJSON
public import XDMSchemaRegistry

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
    /// How the message is kept: an XDM envelope as the bytes it arrived as
    /// (trees are built from them when asked), a raw message as its tree
    /// (its Data Prep mapping needs one anyway).
    enum Payload: Sendable, Hashable {
        case tree(message: JSONValue, xdmEntity: JSONValue?)
        /// The request body the message came in, where the message lies in it and where its
        /// `body.xdmEntity` does. The messages of one request share the body (no copy per message);
        /// equality and hashing look at the message's own bytes only.
        case bytes(body: [UInt8], message: Range<Int>, entity: Range<Int>?)

        static func == (lhs: Payload, rhs: Payload) -> Bool {
            switch (lhs, rhs) {
            case (.tree(let first, let firstEntity), .tree(let second, let secondEntity)):
                return first == second && firstEntity == secondEntity
            case (.bytes(let first, let firstRange, let firstEntity), .bytes(let second, let secondRange, let secondEntity)):
                let shift = { (range: Range<Int>?, base: Int) in range.map { ($0.lowerBound - base)..<($0.upperBound - base) } }
                return first[firstRange].elementsEqual(second[secondRange])
                    && shift(firstEntity, firstRange.lowerBound) == shift(secondEntity, secondRange.lowerBound)
            default:
                return false
            }
        }

        func hash(into hasher: inout Hasher) {
            switch self {
            case .tree(let message, let entity):
                hasher.combine(0)
                hasher.combine(message)
                hasher.combine(entity)
            case .bytes(let body, let range, let entity):
                hasher.combine(1)
                body.withUnsafeBytes { hasher.combine(bytes: UnsafeRawBufferPointer(rebasing: $0[range])) }
                hasher.combine(entity.map { $0.count })
            }
        }
    }

    /// How the transaction id is kept: whole, or (for a batch) as the request's shared
    /// prefix and the message's index, written out only when asked.
    enum TransactionID: Sendable, Hashable {
        case whole(String)
        case indexed(prefix: String, index: Int)

        var text: String {
            switch self {
            case .whole(let text): text
            case .indexed(let prefix, let index): prefix + String(index)
            }
        }

        static func == (lhs: TransactionID, rhs: TransactionID) -> Bool { lhs.text == rhs.text }
        func hash(into hasher: inout Hasher) { hasher.combine(text) }
    }

    /// Arrival order among the messages of this list, from 0.
    public internal(set) var sequence: Int
    let payload: Payload
    /// `xdmEntity._id` (XDM mode) or, in raw mode, ``mappedEntity``'s `_id`
    /// when a mapping set wrote one, else the top-level `_id`; when a string.
    public private(set) var id: String?
    /// `header.schemaRef.id`, in XDM mode.
    public let schemaID: String?
    /// `header.datasetId`, in XDM mode.
    public let datasetID: String?
    /// `header.source.name`, in XDM mode, when a string.
    public let sourceName: String?
    /// The flow id from the `x-adobe-flow-id` header or query parameter, else `header.flowId`.
    public let flowID: String?
    /// The endpoint that received it.
    public let endpoint: InletEndpoint
    /// The transaction id the response carried for it.
    public var xactionID: String { transaction.text }
    let transaction: TransactionID
    /// When the request arrived, epoch milliseconds.
    public let receivedTimeMs: Int64
    /// The request's number in ``InletRecord/requests`` order.
    public let requestNumber: Int
    /// Position inside its batch (0 for the single endpoint).
    public let indexInRequest: Int
    /// Schema violations found by the validator (only in ``InletRecord/failedValidation``).
    public private(set) var violations: [XDMViolation]
    /// In raw mode with a mapping set (``AEPInletEmulator/Configuration/dataPrepMapping``):
    /// the XDM entity the set makes of ``message``, what AEP would store. `nil`
    /// without a mapping set, and when the entity failed the inlet's validator
    /// (AEP does not ingest such a row; ``mappingErrors`` says why).
    public private(set) var mappedEntity: JSONValue?
    /// The mapping's transformation errors (each destination left out of
    /// ``mappedEntity``), and an ``DataPrepError/Code/invalidXDM`` error when
    /// the entity failed the validator. Empty when the mapping went cleanly.
    public private(set) var mappingErrors: [DataPrepError]

    /// A raw message, kept as its tree.
    init(
        sequence: Int, message: JSONValue, xdmEntity: JSONValue?, id: String?, schemaID: String?, datasetID: String?,
        flowID: String?, endpoint: InletEndpoint, xactionID: String, receivedTimeMs: Int64, requestNumber: Int,
        indexInRequest: Int, violations: [XDMViolation], mappedEntity: JSONValue? = nil, mappingErrors: [DataPrepError] = []
    ) {
        self.init(
            sequence: sequence, payload: .tree(message: message, xdmEntity: xdmEntity), id: id, schemaID: schemaID,
            datasetID: datasetID, sourceName: nil, flowID: flowID, endpoint: endpoint, transaction: .whole(xactionID),
            receivedTimeMs: receivedTimeMs, requestNumber: requestNumber, indexInRequest: indexInRequest,
            violations: violations, mappedEntity: mappedEntity, mappingErrors: mappingErrors
        )
    }

    init(
        sequence: Int, payload: Payload, id: String?, schemaID: String?, datasetID: String?, sourceName: String?,
        flowID: String?, endpoint: InletEndpoint, transaction: TransactionID, receivedTimeMs: Int64, requestNumber: Int,
        indexInRequest: Int, violations: [XDMViolation], mappedEntity: JSONValue? = nil, mappingErrors: [DataPrepError] = []
    ) {
        self.sequence = sequence
        self.payload = payload
        self.id = id
        self.schemaID = schemaID
        self.datasetID = datasetID
        self.sourceName = sourceName
        self.flowID = flowID
        self.endpoint = endpoint
        self.transaction = transaction
        self.receivedTimeMs = receivedTimeMs
        self.requestNumber = requestNumber
        self.indexInRequest = indexInRequest
        self.violations = violations
        self.mappedEntity = mappedEntity
        self.mappingErrors = mappingErrors
    }

    /// The whole message as sent: the XDM envelope, or the raw JSON object in raw mode.
    /// For an XDM message it is parsed from ``messageBytes`` on each access.
    public var message: JSONValue {
        switch payload {
        case .tree(let message, _): message
        case .bytes(let body, let range, _): Self.parse(body[range])
        }
    }

    /// `body.xdmEntity` (XDM mode), `nil` in raw mode. For an XDM message it is
    /// parsed from ``messageBytes`` on each access.
    public var xdmEntity: JSONValue? {
        switch payload {
        case .tree(_, let entity): entity
        case .bytes(let body, _, let entity?): Self.parse(body[entity])
        case .bytes(_, _, nil): nil
        }
    }

    /// The message's bytes as they arrived, for an XDM message; `nil` for a raw one (kept as its tree).
    ///
    /// ```swift
    /// let sizes = emulator.record.messages.compactMap { $0.messageBytes?.count }
    /// ```
    public var messageBytes: [UInt8]? {
        if case .bytes(let body, let range, _) = payload { return Array(body[range]) }
        return nil
    }

    /// What the record counts against its byte limit (``InletRecord/Limits``): the message's
    /// bytes, or for a raw message (kept as a tree) the size of the body it came in. The messages
    /// of a batch share its body, which lives while any of them is kept: over the limit the record
    /// holds at most one partly dropped batch body more than it counts.
    var byteCount: Int {
        if case .bytes(_, let range, _) = payload { return range.count }
        return rawByteCount
    }

    /// A raw message's body size, set by the handler.
    var rawByteCount = 0

    /// The bytes were checked when the message was accepted, so parsing does not fail; `.null` keeps the
    /// API non-throwing if it ever did.
    private static func parse(_ bytes: ArraySlice<UInt8>) -> JSONValue {
        (try? JSONValue(parsing: bytes, options: JSONParsingOptions(maxBytes: Int.max, maxDepth: 128))) ?? .null
    }

    func withSequence(_ sequence: Int) -> ReceivedMessage {
        var copy = self
        copy.sequence = sequence
        return copy
    }

    func withViolations(_ violations: [XDMViolation]) -> ReceivedMessage {
        var copy = self
        copy.violations = violations
        return copy
    }

    /// This message with what its mapping set made of it.
    func withMapping(_ entity: JSONValue?, errors: [DataPrepError]) -> ReceivedMessage {
        var copy = self
        copy.id = entity?["_id"]?.stringValue ?? id
        copy.mappedEntity = entity
        copy.mappingErrors = errors
        return copy
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
