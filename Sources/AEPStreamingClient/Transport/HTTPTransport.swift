public import Foundation

/// Sends one HTTP request: the client's only way to the network, so tests and
/// embedders can substitute their own (a proxy, another HTTP stack, a fake).
///
/// Implementation requirements:
/// - return every HTTP answer (any status) as a ``HTTPTransportResponse``;
///   throw ``AEPStreamingClientError/Code/transport`` only when no answer
///   arrived (connection refused or dropped, timeout, TLS);
/// - never follow a redirect: return the 3xx with its `Location` header (a
///   followed redirect sends the token to another origin, and that origin's
///   200 would pass for AEP's);
/// - keep at most a bounded prefix of the body and set
///   ``HTTPTransportResponse/bodyTruncated`` when the rest was dropped;
/// - end the request by its ``HTTPTransportRequest/timeout`` and at once on
///   task cancellation, whatever the other side sends.
///
/// ```swift
/// struct RecordingTransport: HTTPTransport {
///     let inner: any HTTPTransport
///     func send(_ request: HTTPTransportRequest) async throws(AEPStreamingClientError) -> HTTPTransportResponse {
///         try await inner.send(request)
///     }
/// }
/// ```
public protocol HTTPTransport: Sendable {
    /// Sends the request and returns the answer.
    func send(_ request: HTTPTransportRequest) async throws(AEPStreamingClientError) -> HTTPTransportResponse
}

/// A request for ``HTTPTransport``.
///
/// ```swift
/// let request = HTTPTransportRequest(url: url, headers: [("Content-Type", "application/json")], body: body, timeout: .seconds(30))
/// ```
public struct HTTPTransportRequest: Sendable {
    /// The absolute URL.
    public var url: URL
    /// `POST` for everything the client sends.
    public var method: String
    /// Header fields, in order.
    public var headers: [(name: String, value: String)]
    /// The body.
    public var body: Data
    /// The longest the whole exchange may take.
    public var timeout: Duration

    /// Creates a request.
    public init(url: URL, method: String = "POST", headers: [(name: String, value: String)], body: Data, timeout: Duration) {
        self.url = url
        self.method = method
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }

    /// The first value of a header field (case-insensitive name).
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}

/// An answer for ``HTTPTransport``.
///
/// ```swift
/// let response = HTTPTransportResponse(status: 207, headers: ["content-type": "application/json"], body: body)
/// response.header("Retry-After")
/// if response.bodyTruncated { /* the body is only a prefix: not JSON to trust */ }
/// ```
public struct HTTPTransportResponse: Sendable, Hashable {
    /// The status code.
    public var status: Int
    /// Header fields with lower-cased names.
    public var headers: [String: String]
    /// The body, or its first bytes when ``bodyTruncated``.
    public var body: Data
    /// Whether the answer's body was longer than the transport keeps
    /// (``URLSessionTransport/maxResponseBytes``) and ``body`` is only its
    /// beginning: an unreadable answer, whatever that beginning says.
    public var bodyTruncated: Bool

    /// Creates a response; header names are lower-cased.
    public init(status: Int, headers: [String: String] = [:], body: Data = Data(), bodyTruncated: Bool = false) {
        self.status = status
        var lowered: [String: String] = [:]
        for (name, value) in headers { lowered[name.lowercased()] = value }
        self.headers = lowered
        self.body = body
        self.bodyTruncated = bodyTruncated
    }

    /// A header value (case-insensitive name).
    public func header(_ name: String) -> String? {
        headers[name.lowercased()]
    }
}
