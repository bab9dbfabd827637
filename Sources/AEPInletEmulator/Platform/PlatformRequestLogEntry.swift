/// One request the platform emulator answered (or dropped), in arrival order.
///
/// ```swift
/// let posts = platform.requests.filter { $0.endpoint == .flows && $0.method == "POST" }
/// #expect(posts.map(\.status) == [500, 201])
/// ```
public struct PlatformRequestLogEntry: Sendable, Hashable {
    /// 1-based, over every request the emulator received.
    public let number: Int
    /// The collection the path named, when it named one.
    public let endpoint: PlatformEndpoint?
    /// `GET`, `POST`, `PATCH`, …
    public let method: String
    /// The request target, with the query.
    public let target: String
    /// The status sent; `nil` when the connection was dropped.
    public let status: Int?
    /// The injected fault, if any.
    public let fault: String?
}
