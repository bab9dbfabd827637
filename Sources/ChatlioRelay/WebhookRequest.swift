package import ChatlioWebhooks
public import Foundation

/// One webhook POST as any Swift HTTP framework sees it.
///
/// ```swift
/// // Hummingbird, Vapor, a raw socket server…: hand over what arrived.
/// let request = WebhookRequest(route: "conversation-started", body: bodyBytes,
///                              headers: [("content-type", "application/json")],
///                              query: ["token": "s3cr3t"])
/// let response = await relay.handle(request)
/// ```
public struct WebhookRequest: Sendable {
    /// The kind's route name (`chat-transcript`, …), from the URL path.
    public var route: String
    /// The raw body, exactly as received.
    public var body: Data
    /// Request headers (names are compared case-insensitively).
    public var headers: [(name: String, value: String)]
    /// Decoded query parameters.
    public var query: [String: String]
    /// A token from the URL path (for routes such as `/chatlio/{token}/{kind}`), if the server uses one.
    public var pathToken: String?

    public init(route: String, body: Data, headers: [(name: String, value: String)] = [], query: [String: String] = [:], pathToken: String? = nil) {
        self.route = route
        self.body = body
        self.headers = headers
        self.query = query
        self.pathToken = pathToken
    }

    /// The first header with this name, compared case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}

extension WebhookRequest: CustomStringConvertible, CustomReflectable {
    /// Route, body size, header names and query parameter names only: the
    /// URL token travels in the query or the path, and headers or the body may
    /// carry other secrets, so no value is shown.
    public var description: String {
        "WebhookRequest(route: \(route), body: \(body.count) bytes, headers: [\(headers.map(\.name).joined(separator: ", "))], "
            + "query: [\(query.keys.sorted().joined(separator: ", "))], pathToken: \(pathToken == nil ? "none" : "<redacted>"))"
    }

    /// What `dump` and debuggers show: the same, no values.
    public var customMirror: Mirror {
        Mirror(self, children: [
            "route": route, "body": "\(body.count) bytes", "headers": headers.map(\.name),
            "query": query.keys.sorted(), "pathToken": pathToken == nil ? "none" : "<redacted>",
        ], displayStyle: .struct)
    }
}

/// The HTTP response to give Chatlio.
///
/// ```swift
/// let response = await relay.handle(request)
/// respond(status: response.status, headers: response.headers, body: response.body)
/// ```
public struct WebhookResponse: Sendable, Hashable {
    /// The HTTP status: 202 accepted, 200 duplicate, 400, 401, 404, 413, 503, 500.
    public var status: Int
    /// Response headers (`content-type`, and `retry-after` on 503).
    public var headers: [String: String]
    /// A small JSON document saying what happened.
    public var body: Data

    public init(status: Int, headers: [String: String], body: Data) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The body parsed, for this package's tests and executables (not API:
    /// a server passes ``body`` on as it is).
    package var json: JSONValue? { try? JSONValue(parsing: body) }
}
