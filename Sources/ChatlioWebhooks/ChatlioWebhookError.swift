import ChatlioJSON
/// Why a body is not an acceptable Chatlio webhook, and where.
///
/// Every failure to decode a webhook is one of these, never a crash: compare
/// ``code`` with the static constants, read ``pointer`` (RFC 6901) for the
/// offending field. Messages name fields and JSON types, never field values,
/// so they are safe to log.
///
/// ```swift
/// do {
///     _ = try ChatlioWebhook.decode(body, kind: .offlineMessage)
/// } catch let error as ChatlioWebhookError where error.code == .missingField {
///     log("\(error.pointer): \(error.reason)")   // "/visitor/UUID: …"
/// }
/// ```
public struct ChatlioWebhookError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The class of problem. New codes may be added; switch with a default.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case invalidJSON = "invalid JSON"
            case invalidUTF8 = "invalid UTF-8"
            case notAnObject = "not a JSON object"
            case missingField = "missing field"
            case typeMismatch = "type mismatch"
            case invalidValue = "invalid value"
            case payloadTooLarge = "payload too large"
            case nestingTooDeep = "nesting too deep"
            case ambiguousKind = "ambiguous kind"
            case unrecognizedShape = "unrecognized shape"
            case wrongShape = "wrong shape"
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The body is not JSON (syntax error, duplicate member name, trailing data).
        public static let invalidJSON = Code(.invalidJSON)
        /// A string in the body is not valid UTF-8.
        public static let invalidUTF8 = Code(.invalidUTF8)
        /// The body, or a field that must be an object, is JSON of another type.
        public static let notAnObject = Code(.notAnObject)
        /// A structurally essential field is absent, `null` or empty.
        public static let missingField = Code(.missingField)
        /// A known field has the wrong JSON type.
        public static let typeMismatch = Code(.typeMismatch)
        /// A known field has the right type but an unusable value (a timestamp
        /// that is not RFC 3339).
        public static let invalidValue = Code(.invalidValue)
        /// The body is longer than ``ChatlioWebhook/DecodingOptions/maxBytes``.
        public static let payloadTooLarge = Code(.payloadTooLarge)
        /// Containers nest deeper than ``ChatlioWebhook/DecodingOptions/maxDepth``.
        public static let nestingTooDeep = Code(.nestingTooDeep)
        /// The body has the conversation-event shape, which three kinds share;
        /// ``ChatlioWebhookError/candidates`` lists them. Route each webhook to
        /// its own URL and decode with an explicit kind.
        public static let ambiguousKind = Code(.ambiguousKind)
        /// The body is a JSON object that matches none of Chatlio's shapes.
        public static let unrecognizedShape = Code(.unrecognizedShape)
        /// The body has the shape of other webhooks than the kind it is decoded
        /// as: a conversation-event or offline-message body given as a chat
        /// transcript, which Chatlio never sends to the transcript's URL.
        public static let wrongShape = Code(.wrongShape)

        public var description: String { base.rawValue }
    }

    /// The class of problem.
    public let code: Code
    /// The webhook kind being decoded, when known.
    public let kind: WebhookKind?
    /// JSON Pointer to the offending value; `""` is the whole body.
    public let pointer: String
    /// What exactly was wrong.
    public let reason: String
    /// For ``Code/ambiguousKind``, the kinds the body could be.
    public let candidates: [WebhookKind]
    /// For JSON syntax problems, the offset of the offending byte.
    public let byteOffset: Int?

    init(
        _ code: Code,
        kind: WebhookKind?,
        pointer: String,
        _ reason: String,
        candidates: [WebhookKind] = [],
        byteOffset: Int? = nil
    ) {
        self.code = code
        self.kind = kind
        self.pointer = pointer
        self.reason = reason
        self.candidates = candidates
        self.byteOffset = byteOffset
    }

    public var description: String {
        let subject = kind.map { "\($0) webhook" } ?? "webhook"
        let location = pointer.isEmpty ? "the body" : pointer
        return "\(subject): \(code) at \(location): \(reason)"
    }
}

extension ChatlioWebhookError {
    /// Translates a parser error, keeping its pointer and byte offset.
    init(_ error: JSONParsingError, kind: WebhookKind?, under pointer: String = "") {
        let code: Code =
            switch error.code {
            case .invalidUTF8: .invalidUTF8
            case .nestingTooDeep: .nestingTooDeep
            case .inputTooLarge: .payloadTooLarge
            default: .invalidJSON
            }
        self.init(code, kind: kind, pointer: pointer + error.pointer, error.reason, byteOffset: error.byteOffset)
    }
}
