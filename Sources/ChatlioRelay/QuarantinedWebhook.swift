public import Foundation

/// A webhook the relay refused, kept for people to look at and replay.
public struct QuarantinedWebhook: Sendable, Hashable, Codable {
    /// When it arrived.
    public var receivedAt: Date
    /// The route it arrived on (the kind's name, or what was there).
    public var route: String
    /// The error code (`invalid JSON`, `missing field`, `event too large`, …).
    public var code: String
    /// JSON Pointer of the offending field, when known.
    public var pointer: String?
    /// The reason, as in the 400 response.
    public var reason: String
    /// The raw body, byte for byte.
    public var body: Data

    public init(receivedAt: Date, route: String, code: String, pointer: String?, reason: String, body: Data) {
        self.receivedAt = receivedAt
        self.route = route
        self.code = code
        self.pointer = pointer
        self.reason = reason
        self.body = body
    }
}
