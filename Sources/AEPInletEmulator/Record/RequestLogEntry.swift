/// One HTTP request the emulator saw on a collection path, and what it did.
///
/// ```swift
/// let statuses = emulator.record.requests.map(\.status)   // [503, 503, 200]
/// ```
public struct RequestLogEntry: Sendable, Hashable {
    /// 1-based, in the order requests finished parsing (shared with ``FaultRule/Request/number``).
    public let number: Int
    /// The endpoint, when the path named one.
    public let endpoint: InletEndpoint?
    /// `POST`, usually.
    public let method: String
    /// The request target, with the query.
    public let target: String
    /// The status sent; `nil` when the connection was dropped without a response.
    public let status: Int?
    /// The fault applied, if any (its ``Fault/description``).
    public let fault: String?
    /// Messages in the request (1 for the single endpoint, 0 when unparsable).
    public let messageCount: Int
    /// Messages accepted into the record.
    public let acceptedCount: Int
}
