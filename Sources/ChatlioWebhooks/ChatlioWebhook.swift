@_spi(ChatlioAEPInternal) package import ChatlioJSON
public import Foundation

/// One Chatlio webhook, typed by kind.
///
/// Decode a body with the kind from its route (Chatlio posts no type field,
/// so the URL is the only reliable signal), or let the shape decide where it
/// can. Encoding writes the payload JSON itself, without a wrapper.
///
/// ```swift
/// let webhook = try ChatlioWebhook.decode(body, kind: .chatTranscript)
/// switch webhook {
/// case .chatTranscript(let transcript): archive(transcript.messages)
/// default: break
/// }
/// let same = try JSONEncoder().encode(webhook)   // the payload, unchanged
/// ```
public enum ChatlioWebhook: Sendable, Hashable {
    case chatTranscript(ChatTranscript)
    case offlineMessage(OfflineMessage)
    case conversationStarted(ConversationStarted)
    case unansweredMessage(UnansweredMessage)
    case visitorFeedback(VisitorFeedback)

    /// The webhook's kind.
    public var kind: WebhookKind {
        switch self {
        case .chatTranscript: .chatTranscript
        case .offlineMessage: .offlineMessage
        case .conversationStarted: .conversationStarted
        case .unansweredMessage: .unansweredMessage
        case .visitorFeedback: .visitorFeedback
        }
    }

    /// The payload as a value of its own type.
    public var payload: any ChatlioWebhookPayload {
        switch self {
        case .chatTranscript(let payload): payload
        case .offlineMessage(let payload): payload
        case .conversationStarted(let payload): payload
        case .unansweredMessage(let payload): payload
        case .visitorFeedback(let payload): payload
        }
    }

    /// The top-level members the payload's model does not know; a switch rather
    /// than `payload.additionalFields`, which boxes the payload to reach it.
    package var additionalFields: JSONObject {
        switch self {
        case .chatTranscript(let payload): payload.additionalFields
        case .offlineMessage(let payload): payload.additionalFields
        case .conversationStarted(let payload): payload.additionalFields
        case .unansweredMessage(let payload): payload.additionalFields
        case .visitorFeedback(let payload): payload.additionalFields
        }
    }

    /// Whether the body, its visitor or any of its messages has keys the
    /// models do not know (noted while reading), so the mapper looks for
    /// them only when there are some.
    package var hasUnknownKeys: Bool {
        switch self {
        case .chatTranscript(let payload): payload.hasAdditionalFields || payload.messages.contains { $0.hasAdditionalFields }
        case .offlineMessage(let payload): payload.hasAdditionalFields || payload.visitor.hasAdditionalFields
        case .conversationStarted(let payload): payload.event.hasAdditionalFields || payload.event.visitor.hasAdditionalFields
        case .unansweredMessage(let payload): payload.event.hasAdditionalFields || payload.event.visitor.hasAdditionalFields
        case .visitorFeedback(let payload): payload.event.hasAdditionalFields || payload.event.visitor.hasAdditionalFields
        }
    }

    /// The body exactly as received.
    public var jsonObject: JSONObject {
        // Directly per case: through `payload` every read would box the model in an existential.
        switch self {
        case .chatTranscript(let payload): payload.jsonObject
        case .offlineMessage(let payload): payload.jsonObject
        case .conversationStarted(let payload): payload.event.jsonObject
        case .unansweredMessage(let payload): payload.event.jsonObject
        case .visitorFeedback(let payload): payload.event.jsonObject
        }
    }

    /// The visitor, for the kinds that carry one (all but transcripts).
    /// The body's tape, which every model of the webhook reads.
    package var tape: JSONTape {
        switch self {
        case .chatTranscript(let payload): payload.tape
        case .offlineMessage(let payload): payload.tape
        case .conversationStarted(let payload): payload.event.tape
        case .unansweredMessage(let payload): payload.event.tape
        case .visitorFeedback(let payload): payload.event.tape
        }
    }

    public var visitor: Visitor? {
        switch self {
        case .chatTranscript: nil
        case .offlineMessage(let offline): offline.visitor
        case .conversationStarted(let event): event.visitor
        case .unansweredMessage(let event): event.visitor
        case .visitorFeedback(let event): event.visitor
        }
    }

    /// Reads a parsed body as the given kind.
    public init(kind: WebhookKind, jsonObject: JSONObject, options: DecodingOptions = .default) throws(ChatlioWebhookError) {
        switch kind {
        case .chatTranscript: self = .chatTranscript(try ChatTranscript(jsonObject: jsonObject, options: options))
        case .offlineMessage: self = .offlineMessage(try OfflineMessage(jsonObject: jsonObject, options: options))
        case .conversationStarted: self = .conversationStarted(try ConversationStarted(jsonObject: jsonObject, options: options))
        case .unansweredMessage: self = .unansweredMessage(try UnansweredMessage(jsonObject: jsonObject, options: options))
        case .visitorFeedback: self = .visitorFeedback(try VisitorFeedback(jsonObject: jsonObject, options: options))
        }
    }

    /// Decodes a webhook body whose kind the receiver knows from its route.
    ///
    /// - Throws: ``ChatlioWebhookError``: too large, not UTF-8, not JSON, not
    ///   an object, too deep, a missing essential field or a field of the
    ///   wrong type, each with the field's JSON Pointer.
    public static func decode(_ data: Data, kind: WebhookKind, options: DecodingOptions = .default) throws(ChatlioWebhookError) -> ChatlioWebhook {
        try ChatlioWebhook(kind: kind, source: parseBody(data, kind: kind, options: options), options: options)
    }

    /// Reads a body's tape as the given kind.
    init(kind: WebhookKind, source: PayloadObject, options: DecodingOptions) throws(ChatlioWebhookError) {
        switch kind {
        case .chatTranscript: self = .chatTranscript(try ChatTranscript(reader: ChatTranscript.rootReader(source, options: options)))
        case .offlineMessage: self = .offlineMessage(try OfflineMessage(reader: OfflineMessage.rootReader(source, options: options)))
        case .conversationStarted:
            self = .conversationStarted(ConversationStarted(event: try ConversationEvent(reader: ConversationStarted.rootReader(source, options: options))))
        case .unansweredMessage:
            self = .unansweredMessage(UnansweredMessage(event: try ConversationEvent(reader: UnansweredMessage.rootReader(source, options: options))))
        case .visitorFeedback:
            self = .visitorFeedback(VisitorFeedback(event: try ConversationEvent(reader: VisitorFeedback.rootReader(source, options: options))))
        }
    }

    /// Where the payload's object lives.
    var source: PayloadObject {
        switch self {
        case .chatTranscript(let payload): payload.source
        case .offlineMessage(let payload): payload.source
        case .conversationStarted(let payload): payload.event.source
        case .unansweredMessage(let payload): payload.event.source
        case .visitorFeedback(let payload): payload.event.source
        }
    }

    /// Streams the payload's canonical bytes: exactly those of
    /// `JSONValue.streamCanonicalBytes(of: jsonObject)` (members sorted, compact,
    /// numbers as written), read from the body's bytes when the webhook was
    /// decoded from them, without building ``jsonObject``.
    ///
    /// ```swift
    /// var hasher = SHA256()
    /// webhook.streamCanonicalBytes { hasher.update($0) }
    /// ```
    package func streamCanonicalBytes(_ consume: (UnsafeRawBufferPointer) -> Void) {
        source.streamCanonicalBytes(consume)
    }

    /// The same bytes into a consumer that allocates nothing to be called
    /// (``eventID`` hashes every webhook this way).
    package func streamCanonicalBytes(into consumer: CanonicalBytesConsumer) {
        source.streamCanonicalBytes(into: consumer)
    }

    /// The payload's top-level member `name`, or `nil`: as
    /// `jsonObject[name]`, but building only that member's value.
    package func topLevelMember(_ name: String) -> JSONValue? {
        source.member(name)
    }

    /// Decodes a webhook body, inferring its kind from its shape.
    ///
    /// Transcripts and offline messages are recognisable; the three
    /// conversation-event kinds are not, and raise
    /// ``ChatlioWebhookError/Code/ambiguousKind`` listing them. Prefer
    /// ``decode(_:kind:options:)`` with one URL per webhook.
    public static func decode(_ data: Data, options: DecodingOptions = .default) throws(ChatlioWebhookError) -> ChatlioWebhook {
        let source = try parseBody(data, kind: nil, options: options)
        return try ChatlioWebhook(kind: kind(of: shape(of: source)), source: source, options: options)
    }

    /// The kind a body's shape implies, or ``ChatlioWebhookError/Code/ambiguousKind``
    /// with the candidates when the shape is shared.
    public static func inferKind(of object: JSONObject) throws(ChatlioWebhookError) -> WebhookKind {
        try kind(of: inferShape(of: object))
    }

    private static func kind(of shape: WebhookKind.PayloadShape) throws(ChatlioWebhookError) -> WebhookKind {
        guard let kind = shape.kinds.first, shape.kinds.count == 1 else {
            throw ChatlioWebhookError(
                .ambiguousKind, kind: nil, pointer: "",
                "the body has the \(shape.rawValue) shape, which \(shape.kinds.map(\.rawValue).joined(separator: ", ")) all share; route each webhook to its own URL and decode with an explicit kind",
                candidates: shape.kinds)
        }
        return kind
    }

    /// Tells the payload shape from the keys Chatlio uses.
    ///
    /// A `messages` array or `startedAt`, `endedAt` or `textBody` means a
    /// transcript; `emailPretty`, or `name` beside `visitor`, means an offline
    /// message; a `visitor` object otherwise means a conversation event.
    public static func inferShape(of object: JSONObject) throws(ChatlioWebhookError) -> WebhookKind.PayloadShape {
        if object["messages"]?.arrayValue != nil || ["startedAt", "endedAt", "textBody"].contains(where: { object[$0] != nil }) {
            return .transcript
        }
        let hasVisitor = object["visitor"]?.objectValue != nil
        if object["emailPretty"] != nil || (hasVisitor && object["name"] != nil) {
            return .offlineMessage
        }
        if hasVisitor { return .conversationEvent }
        throw unrecognizedShape
    }

    /// ``inferShape(of:)`` over a body's tape.
    static func shape(of source: PayloadObject) throws(ChatlioWebhookError) -> WebhookKind.PayloadShape {
        let (tape, object) = (source.tape, source.index)
        func has(_ name: StaticString) -> Bool { tape.member(name, inObjectAt: object) != nil }
        func kind(of name: StaticString) -> JSONTape.Entry.Kind? { tape.member(name, inObjectAt: object).map { tape.entries[$0].kind } }
        if kind(of: "messages") == .array || has("startedAt") || has("endedAt") || has("textBody") {
            return .transcript
        }
        let hasVisitor = kind(of: "visitor") == .object
        if has("emailPretty") || (hasVisitor && has("name")) {
            return .offlineMessage
        }
        if hasVisitor { return .conversationEvent }
        throw unrecognizedShape
    }

    private static var unrecognizedShape: ChatlioWebhookError {
        ChatlioWebhookError(
            .unrecognizedShape, kind: nil, pointer: "",
            "the object has neither transcript fields (messages, startedAt, endedAt, textBody) nor a visitor object, so it is not a Chatlio webhook")
    }

    /// Indexes a body (no tree is built) and checks that it is an object.
    static func parseBody(_ data: Data, kind: WebhookKind?, options: DecodingOptions) throws(ChatlioWebhookError) -> PayloadObject {
        guard data.count <= options.maxBytes else {
            throw ChatlioWebhookError(.payloadTooLarge, kind: kind, pointer: "", "the body is \(data.count) bytes, above the limit of \(options.maxBytes)")
        }
        let tape: JSONTape
        do {
            tape = try JSONTape(parsing: data, options: JSONParsingOptions(maxBytes: options.maxBytes, maxDepth: options.maxDepth))
        } catch {
            throw ChatlioWebhookError(error, kind: kind)
        }
        guard tape.entries[0].kind == .object else {
            throw ChatlioWebhookError(.notAnObject, kind: kind, pointer: "", "a webhook body must be a JSON object, found \(tape.typeName(at: 0))")
        }
        return PayloadObject(tape: tape, index: 0)
    }
}

extension CodingUserInfoKey {
    /// Set to a ``WebhookKind`` in a decoder's `userInfo` to decode
    /// ``ChatlioWebhook`` as that kind instead of inferring it.
    public static let chatlioWebhookKind: CodingUserInfoKey = {
        guard let key = CodingUserInfoKey(rawValue: "ChatlioWebhooks.kind") else { preconditionFailure("valid key") }
        return key
    }()
}

extension ChatlioWebhook: Codable {
    /// Decodes the payload; the kind comes from `userInfo[.chatlioWebhookKind]`
    /// or, failing that, from the shape.
    public init(from decoder: any Decoder) throws {
        let value = try JSONValue(from: decoder)
        let kind = decoder.userInfo[.chatlioWebhookKind] as? WebhookKind
        guard case .object(let object) = value else {
            throw ChatlioWebhookError(.notAnObject, kind: kind, pointer: "", "a webhook body must be a JSON object, found \(value.typeName)")
        }
        try self.init(kind: kind ?? Self.inferKind(of: object), jsonObject: object)
    }

    /// Encodes the payload itself, no wrapper.
    public func encode(to encoder: any Encoder) throws {
        try payload.encode(to: encoder)
    }

    /// The payload as compact JSON bytes.
    public func serialized(sortedKeys: Bool = false) -> [UInt8] {
        JSONValue.object(jsonObject).serialized(sortedKeys: sortedKeys)
    }
}
