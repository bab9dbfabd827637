import ChatlioAEPSupport
import ChatlioJSON
import XDMSchemaRegistry
import Foundation

/// The DCS protocol as a pure function of a parsed request: routing and the
/// token check (``admit(_:requestID:)``), then envelope checks, validation and
/// the AEP-shaped response (``process(_:route:context:)``). No sockets, no
/// clocks, no shared state: everything variable comes in through ``Context``.
struct DCSRequestHandler: Sendable {
    struct Settings: Sendable {
        var inletID: String
        var dataMode: AEPInletEmulator.DataMode
        var failureShape: AEPInletEmulator.FailureShape
        var requiredToken: String?
        var flowID: String?
        var imsOrgID: String
        var validator: (any XDMEntityValidator)?
        var maxBodyBytes: Int
        /// Tokens taken besides `requiredToken` (the platform emulator's issued ones); when set, a token is required.
        var acceptsToken: (@Sendable (String) -> Bool)? = nil
    }

    /// A per-message failure to force: `nil` indices means every message.
    struct ForcedFailure: Sendable, Hashable {
        var indices: Set<Int>?
        var status: Int
        var message: String
    }

    struct Context: Sendable {
        var receivedTimeMs: Int64
        var requestNumber: Int
        /// A fresh UUID string, for `status`-shape transaction ids.
        var transactionID: String
        var forcedFailure: ForcedFailure?
        /// A per-message fault rule's failure, given the message's tree on demand (built only when a rule asks);
        /// `nil` when no rule is set.
        var messageFailure: (@Sendable (() -> JSONValue) -> (status: Int, message: String)?)? = nil
    }

    struct Outcome: Sendable {
        var response: HTTPResponse
        var accepted: [ReceivedMessage]
        var failedValidation: [ReceivedMessage]
        var messageCount: Int
    }

    let settings: Settings
    /// Made once: their message prefix is an interpolated string, too dear to build per message.
    private let envelopeCheck: EnvelopeCheck
    private let flowIDCheck: FlowIDCheck

    init(settings: Settings) {
        self.settings = settings
        envelopeCheck = EnvelopeCheck(inletID: settings.inletID, imsOrgID: settings.imsOrgID)
        flowIDCheck = FlowIDCheck(expected: settings.flowID, dataMode: settings.dataMode, prefix: envelopeCheck.prefix)
    }

    // MARK: - Admission

    /// Routes the request to an endpoint of this inlet (a raw inlet has no batch
    /// endpoint) and checks the bearer token; the error is the response to send.
    func admit(_ request: HTTPRequest, requestID: String) -> Result<DCSRoute, HTTPResponseBox> {
        let path = request.path
        guard path.hasPrefix("/collection/") else {
            return .failure(HTTPResponseBox(DCSResponses.notFound("No collection endpoint at \(path); use /collection/{inletId} or /collection/batch/{inletId}")))
        }
        var rest = path.dropFirst("/collection/".count)
        var endpoint = InletEndpoint.single
        if rest.hasPrefix("batch/") {
            endpoint = .batch
            rest = rest.dropFirst("batch/".count)
        }
        let inletID = String(rest).removingPercentEncoding ?? String(rest)
        guard !inletID.isEmpty, !inletID.contains("/") else {
            return .failure(HTTPResponseBox(DCSResponses.notFound("No collection endpoint at \(path)")))
        }
        guard inletID == settings.inletID else {
            return .failure(HTTPResponseBox(DCSResponses.notFound("inletId: [\(inletID)] Inlet not found (emulator: this emulator serves \(settings.inletID))")))
        }
        guard request.method == "POST" else {
            return .failure(HTTPResponseBox(DCSResponses.methodNotAllowed(request.method)))
        }
        if settings.requiredToken != nil || settings.acceptsToken != nil {
            let authorization = request.header("Authorization")?.trimmingCharacters(in: .whitespaces) ?? ""
            let parts = authorization.split(separator: " ", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            let presented = parts.count == 2 && parts[0].lowercased() == "bearer" ? parts[1] : ""
            if authorization.isEmpty || (parts.first?.lowercased() == "bearer" && presented.isEmpty) {
                return .failure(HTTPResponseBox(DCSResponses.unauthorized(requestID: requestID)))
            }
            let matchesRequired = settings.requiredToken.map { constantTimeEquals(presented, $0) } ?? false
            guard matchesRequired || settings.acceptsToken?(presented) == true else {
                return .failure(HTTPResponseBox(DCSResponses.forbidden(requestID: requestID)))
            }
        }
        if endpoint == .batch, settings.dataMode == .raw {
            return .failure(HTTPResponseBox(DCSResponses.rawBatchRefused(prefix: envelopeCheck.prefix, inletID: settings.inletID)))
        }
        let query = request.query
        let sync = (query["syncValidation"] ?? query["synchronousValidation"])?.lowercased() == "true"
        let flowID = request.header("x-adobe-flow-id") ?? query["x-adobe-flow-id"]
        return .success(DCSRoute(endpoint: endpoint, syncValidation: sync, flowID: flowID?.isEmpty == true ? nil : flowID))
    }


    // MARK: - Processing

    /// Checks and answers an admitted request.
    func process(_ request: HTTPRequest, route: DCSRoute, context: Context) -> Outcome {
        func refuse(_ response: HTTPResponse, messageCount: Int = 0) -> Outcome {
            Outcome(response: response, accepted: [], failedValidation: [], messageCount: messageCount)
        }
        if let encoding = request.header("Content-Encoding")?.lowercased(), !encoding.isEmpty, encoding != "identity" {
            return refuse(DCSResponses.problem(status: 415, title: "Unsupported Media Type", message: "Content-Encoding \(encoding) is not supported by the emulator; send identity"))
        }
        let mediaType = request.header("Content-Type")?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        guard mediaType == "application/json" else {
            return refuse(DCSResponses.problem(status: 415, title: "Unsupported Media Type", message: "Content-Type must be application/json (got \(mediaType ?? "none"))"))
        }
        if let refusal = flowIDCheck.requestRefusal(requestFlowID: route.flowID) {
            return refuse(DCSResponses.problem(status: 400, title: "Bad Request", message: refusal))
        }
        guard request.body.count <= settings.maxBodyBytes else {
            return refuse(DCSResponses.payloadTooLarge(limit: settings.maxBodyBytes, detail: "\(request.body.count) bytes"))
        }
        if settings.dataMode == .xdm, let outcome = processScanned(request, route: route, context: context) {
            return outcome
        }
        let document: JSONValue
        do {
            document = try JSONValue(parsing: request.body, options: JSONParsingOptions(maxBytes: settings.maxBodyBytes, maxDepth: 128))
        } catch {
            return refuse(DCSResponses.problem(status: 400, title: "Bad Request", message: "\(envelopeCheck.prefix) The payload is not valid JSON: \(error)"))
        }

        let messages: [JSONValue]
        if route.endpoint == .batch {
            guard let list = document["messages"]?.arrayValue else {
                return refuse(DCSResponses.problem(status: 400, title: "Bad Request", message: "\(envelopeCheck.prefix) A batch must be a JSON object with a \"messages\" array"))
            }
            guard !list.isEmpty else {
                return refuse(DCSResponses.problem(status: 400, title: "Bad Request", message: "\(envelopeCheck.prefix) The \"messages\" array is empty"))
            }
            messages = list
        } else {
            messages = [document]
        }

        var results: [MessageResult] = []
        results.reserveCapacity(messages.count)
        for (index, message) in messages.enumerated() {
            results.append(evaluate(message, index: index, bodyByteCount: request.body.count, route: route, context: context))
        }

        if route.endpoint == .single, let result = results.first {
            return singleOutcome(result, route: route, context: context)
        }
        return batchOutcome(results, context: context)
    }

    // MARK: - Per message

    fileprivate enum MessageResult {
        case accepted(ReceivedMessage)
        case failedValidation(ReceivedMessage)
        case failed(status: Int, message: String, violations: [XDMViolation])
    }

    private func evaluate(_ message: JSONValue, index: Int, bodyByteCount: Int, route: DCSRoute, context: Context) -> MessageResult {
        if let forced = context.forcedFailure, forced.indices?.contains(index) ?? true {
            return .failed(status: forced.status, message: forced.message, violations: [])
        }
        let xactionID = transactionID(index: index, endpoint: route.endpoint, context: context)
        var received: ReceivedMessage
        var schemaID: String?
        if settings.dataMode == .raw {
            guard message.objectValue != nil else {
                return .failed(status: 400, message: "\(envelopeCheck.prefix) A raw message must be a JSON object", violations: [])
            }
            received = ReceivedMessage(
                sequence: 0, message: message, xdmEntity: nil, id: message["_id"]?.stringValue, schemaID: nil, datasetID: nil,
                flowID: route.flowID, endpoint: route.endpoint, xactionID: xactionID, receivedTimeMs: context.receivedTimeMs,
                requestNumber: context.requestNumber, indexInRequest: index, violations: []
            )
            received.rawByteCount = bodyByteCount
        } else {
            switch envelopeCheck.check(message) {
            case .failure(let failure):
                return .failed(status: 400, message: failure.message, violations: [])
            case .success(let envelope):
                if let failure = flowIDCheck.envelopeFailure(envelopeFlowID: envelope.flowID, requestFlowID: route.flowID) {
                    return .failed(status: 400, message: failure, violations: [])
                }
                schemaID = envelope.schemaID
                received = ReceivedMessage(
                    sequence: 0, message: message, xdmEntity: envelope.xdmEntity, id: envelope.id, schemaID: envelope.schemaID,
                    datasetID: envelope.datasetID, flowID: route.flowID ?? envelope.flowID, endpoint: route.endpoint,
                    xactionID: xactionID, receivedTimeMs: context.receivedTimeMs, requestNumber: context.requestNumber,
                    indexInRequest: index, violations: []
                )
            }
        }
        return finish(received, messageTree: { message }, schemaID: schemaID, route: route, context: context)
    }

    /// The checks after the envelope's: per-message fault rules, then the validator on `xdmEntity`.
    private func finish(
        _ received: ReceivedMessage, messageTree: () -> JSONValue, schemaID: String?, route: DCSRoute, context: Context
    ) -> MessageResult {
        if let failure = context.messageFailure?(messageTree) {
            return .failed(status: failure.status, message: failure.message, violations: [])
        }
        if let validator = settings.validator, let entity = received.xdmEntity {
            let violations = validator.violations(of: entity, schemaID: schemaID)
            if !violations.isEmpty {
                if route.syncValidation, route.endpoint == .single {
                    return .failed(status: 400, message: "\(envelopeCheck.prefix) Message is invalid", violations: violations)
                }
                return .failedValidation(received.withViolations(violations))
            }
        }
        return .accepted(received)
    }

    // MARK: - Without trees

    /// The XDM path over bytes (``EnvelopeScanner``): `nil` when the body needs the tree path
    /// (not JSON, or not shaped like a batch), whose refusals are the reference answers.
    ///
    /// Every accepted message keeps the request body (shared, not copied), its range in it, and
    /// its transaction id as the batch's prefix and its index; results go straight into the
    /// accepted and failed lists, so no message is copied between them.
    private func processScanned(_ request: HTTPRequest, route: DCSRoute, context: Context) -> Outcome? {
        let body = request.body
        let scanned: [EnvelopeScanner.Message]? = body.withUnsafeBytes { buffer in
            if route.endpoint == .batch { return EnvelopeScanner.scanBatch(buffer) }
            return EnvelopeScanner.scanSingle(buffer).map { [$0] }
        }
        guard let scanned else { return nil }
        guard route.endpoint == .batch else {
            let transaction = ReceivedMessage.TransactionID.whole(transactionID(index: 0, endpoint: .single, context: context))
            return singleOutcome(evaluate(scanned[0], in: body, index: 0, transaction: transaction, route: route, context: context), route: route, context: context)
        }
        let prefix = settings.failureShape == .status ? "\(context.transactionID)-" : "\(batchID(context)):"
        var batch = ScannedBatch(count: scanned.count)
        for (index, message) in scanned.enumerated() {
            switch evaluate(message, in: body, index: index, transaction: .indexed(prefix: prefix, index: index), route: route, context: context) {
            case .accepted(let received): batch.accepted.append(received)
            case .failedValidation(let received): batch.failedValidation.append(received)
            case .failed(let status, let text, _): batch.failures.append((index, status, text))
            }
        }
        return scannedBatchOutcome(batch, prefix: prefix, context: context)
    }

    /// A scanned batch's results: the messages by outcome, the failures with their indices.
    private struct ScannedBatch {
        var count: Int
        var accepted: [ReceivedMessage] = []
        var failedValidation: [ReceivedMessage] = []
        var failures: [(index: Int, status: Int, message: String)] = []

        init(count: Int) {
            self.count = count
            accepted.reserveCapacity(count)
        }
    }

    private func evaluate(
        _ message: EnvelopeScanner.Message, in body: [UInt8], index: Int, transaction: ReceivedMessage.TransactionID,
        route: DCSRoute, context: Context
    ) -> MessageResult {
        if let forced = context.forcedFailure, forced.indices?.contains(index) ?? true {
            return .failed(status: forced.status, message: forced.message, violations: [])
        }
        let checked: EnvelopeCheck.Checked
        switch envelopeCheck.check(message.fields) {
        case .failure(let failure):
            return .failed(status: 400, message: failure.message, violations: [])
        case .success(let envelope):
            checked = envelope
        }
        if let failure = flowIDCheck.envelopeFailure(envelopeFlowID: checked.flowID, requestFlowID: route.flowID) {
            return .failed(status: 400, message: failure, violations: [])
        }
        let received = ReceivedMessage(
            sequence: 0, payload: .bytes(body: body, message: message.range, entity: message.entityRange), id: checked.id,
            schemaID: checked.schemaID, datasetID: checked.datasetID, sourceName: checked.sourceName,
            flowID: route.flowID ?? checked.flowID, endpoint: route.endpoint, transaction: transaction,
            receivedTimeMs: context.receivedTimeMs, requestNumber: context.requestNumber, indexInRequest: index, violations: []
        )
        return finish(received, messageTree: { received.message }, schemaID: checked.schemaID, route: route, context: context)
    }

    /// The 207 for a scanned batch: written straight as bytes when every message got a transaction
    /// id and the ids need no escaping (the bytes `HTTPResponse(status:json:)` would write: keys
    /// sorted, compact); otherwise through a tree, as ``batchOutcome(_:context:)`` does.
    private func scannedBatchOutcome(_ batch: ScannedBatch, prefix: String, context: Context) -> Outcome {
        let batchID = batchID(context)
        let outcome = { (response: HTTPResponse) in
            Outcome(response: response, accepted: batch.accepted, failedValidation: batch.failedValidation, messageCount: batch.count)
        }
        if batch.failures.isEmpty, Self.isPlain(settings.inletID), Self.isPlain(batchID), Self.isPlain(prefix) {
            var body: [UInt8] = []
            let digits = String(batch.count).utf8.count
            body.reserveCapacity(96 + batchID.utf8.count + settings.inletID.utf8.count + batch.count * (prefix.utf8.count + digits + 17))
            body.append(contentsOf: #"{"batchId":""#.utf8)
            body.append(contentsOf: batchID.utf8)
            body.append(contentsOf: #"","inletId":""#.utf8)
            body.append(contentsOf: settings.inletID.utf8)
            body.append(contentsOf: #"","receivedTimeMs":"#.utf8)
            body.append(contentsOf: String(context.receivedTimeMs).utf8)
            body.append(contentsOf: #","responses":["#.utf8)
            let prefixBytes = Array(prefix.utf8)
            for index in 0..<batch.count {
                body.append(contentsOf: index == 0 ? #"{"xactionId":""#.utf8 : #",{"xactionId":""#.utf8)
                body.append(contentsOf: prefixBytes)
                Self.appendDecimal(index, to: &body)
                body.append(contentsOf: #""}"#.utf8)
            }
            body.append(contentsOf: "]}".utf8)
            return outcome(HTTPResponse(
                status: 207, headers: [HTTPResponse.HeaderField(name: "Content-Type", value: "application/json;charset=utf-8")], body: body
            ))
        }
        var entries: [JSONValue] = []
        entries.reserveCapacity(batch.count)
        var failures = batch.failures[...]
        for index in 0..<batch.count {
            if let failure = failures.first, failure.index == index {
                failures.removeFirst()
                if settings.failureShape == .status {
                    entries.append([
                        "xactionId": .string("\(context.transactionID)-\(index)"),
                        "status": .number(JSONNumber(failure.status)),
                        "message": .string(failure.message),
                    ])
                } else {
                    entries.append(["statusCode": .number(JSONNumber(failure.status)), "message": .string(failure.message)])
                }
            } else {
                entries.append(["xactionId": .string(prefix + String(index))])
            }
        }
        let body: JSONValue = [
            "inletId": .string(settings.inletID),
            "batchId": .string(batchID),
            "receivedTimeMs": .number(JSONNumber(context.receivedTimeMs)),
            "responses": .array(entries),
        ]
        return outcome(HTTPResponse(status: 207, json: body))
    }

    /// Whether `text` is written into JSON as it is: digits, letters, `:`, `-`, `_`, `.`, `~`.
    static func isPlain(_ text: String) -> Bool {
        text.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: ":"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                true
            default:
                false
            }
        }
    }

    /// `value` (≥ 0) in decimal, without a `String` in between.
    static func appendDecimal(_ value: Int, to bytes: inout [UInt8]) {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        var count = 0
        var rest = UInt(value)
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                count += 1
                buffer[24 - count] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            } while rest > 0
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[(24 - count)...]))
        }
    }

    private func transactionID(index: Int, endpoint: InletEndpoint, context: Context) -> String {
        if endpoint == .single { return "\(context.receivedTimeMs):\(context.requestNumber):240" }
        if settings.failureShape == .status { return "\(context.transactionID)-\(index)" }
        return "\(batchID(context)):\(index)"
    }

    fileprivate func batchID(_ context: Context) -> String {
        settings.failureShape == .status ? context.transactionID : "\(context.receivedTimeMs):\(context.requestNumber):244"
    }

    // MARK: - Responses

    private func singleOutcome(_ result: MessageResult, route: DCSRoute, context: Context) -> Outcome {
        switch result {
        case .failed(let status, let message, let violations):
            let response = violations.isEmpty
                ? DCSResponses.problem(status: status, title: status == 400 ? "Invalid XDM Message Format" : HTTPResponse.reasonPhrase(status), message: message)
                : DCSResponses.validationFailure(prefix: envelopeCheck.prefix, violations: violations)
            return Outcome(response: response, accepted: [], failedValidation: [], messageCount: 1)
        case .accepted(let message), .failedValidation(let message):
            var body: JSONObject = [
                "inletId": .string(settings.inletID),
                "xactionId": .string(message.xactionID),
                "receivedTimeMs": .number(JSONNumber(context.receivedTimeMs)),
            ]
            if settings.dataMode == .xdm {
                body["syncValidation"] = syncValidationAnswer(requested: route.syncValidation)
            }
            if case .failedValidation = result {
                return Outcome(response: HTTPResponse(status: 200, json: .object(body)), accepted: [], failedValidation: [message], messageCount: 1)
            }
            return Outcome(response: HTTPResponse(status: 200, json: .object(body)), accepted: [message], failedValidation: [], messageCount: 1)
        }
    }

    /// The `syncValidation` member of a single message's 200. AEP's: `{"status":"pass"}` when
    /// `syncValidation=true` was asked for and the message passed, `{"skipped":true}` when it was
    /// not asked for (validation is then asynchronous: 200 means received, and a message that
    /// fails goes to the dataset's failed batch; Adobe, "Streaming ingestion validation",
    /// help/ingestion/quality/streaming-validation.md). Without a ``Configuration/validator``
    /// the emulator has checked nothing, so it never says "pass": it answers skipped and says why.
    private func syncValidationAnswer(requested: Bool) -> JSONValue {
        guard requested else { return ["skipped": true] }
        guard settings.validator != nil else { return ["skipped": true, "emulator": .string(Self.noValidatorNote)] }
        return ["status": "pass"]
    }

    /// Why a requested synchronous validation was skipped: the emulator has no schema.
    static let noValidatorNote =
        "not validated: this emulator has no schema to validate against (aep-inlet-emulator --tenant TENANT, or Configuration.validator)"

    private func batchOutcome(_ results: [MessageResult], context: Context) -> Outcome {
        var entries: [JSONValue] = []
        var accepted: [ReceivedMessage] = []
        var failedValidation: [ReceivedMessage] = []
        for (index, result) in results.enumerated() {
            switch result {
            case .accepted(let message):
                accepted.append(message)
                entries.append(["xactionId": .string(message.xactionID)])
            case .failedValidation(let message):
                failedValidation.append(message)
                entries.append(["xactionId": .string(message.xactionID)])
            case .failed(let status, let message, _):
                if settings.failureShape == .status {
                    entries.append([
                        "xactionId": .string("\(context.transactionID)-\(index)"),
                        "status": .number(JSONNumber(status)),
                        "message": .string(message),
                    ])
                } else {
                    entries.append(["statusCode": .number(JSONNumber(status)), "message": .string(message)])
                }
            }
        }
        let body: JSONValue = [
            "inletId": .string(settings.inletID),
            "batchId": .string(batchID(context)),
            "receivedTimeMs": .number(JSONNumber(context.receivedTimeMs)),
            "responses": .array(entries),
        ]
        return Outcome(response: HTTPResponse(status: 207, json: body), accepted: accepted, failedValidation: failedValidation, messageCount: results.count)
    }
}

/// `HTTPResponse` as an `Error`, so admission can use `Result`.
struct HTTPResponseBox: Error, Sendable {
    var response: HTTPResponse
    init(_ response: HTTPResponse) { self.response = response }
}
