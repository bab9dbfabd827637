/// The body of one Chatlio webhook: one conforming type per ``WebhookKind``.
///
/// ```swift
/// func handle<Payload: ChatlioWebhookPayload>(_ payload: Payload) {
///     log("received \(Payload.kind) with \(payload.additionalFields.count) unknown keys")
/// }
/// ```
public protocol ChatlioWebhookPayload: ChatlioModel {
    /// The webhook this payload type models.
    static var kind: WebhookKind { get }
}

extension ChatlioWebhookPayload {
    /// The reader for a payload body, rooted at the body itself.
    static func rootReader(_ source: PayloadObject, options: ChatlioWebhook.DecodingOptions) -> PayloadReader {
        PayloadReader(source, kind: kind, depth: 1, options: options)
    }

    /// The reader for a payload created from a tree.
    static func rootReader(given object: JSONObject, options: ChatlioWebhook.DecodingOptions) throws(ChatlioWebhookError) -> PayloadReader {
        rootReader(try PayloadObject(given: object, kind: kind), options: options)
    }
}
