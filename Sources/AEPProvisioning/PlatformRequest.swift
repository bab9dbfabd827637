public import ChatlioJSON
public import Foundation

/// One request to a Platform API: the service it belongs to (for error
/// texts), method, path under the platform URL, query, the `Accept` and
/// `Content-Type` that service documents, and a JSON body.
///
/// Built by ``SchemaRegistryAPI``, ``IdentityServiceAPI``, ``CatalogAPI``,
/// ``DataPrepAPI`` and ``FlowServiceAPI``; sent by ``AEPPlatformClient``, which
/// adds `Authorization`, `x-api-key`, `x-gw-ims-org-id` and `x-sandbox-name`.
///
/// ```swift
/// let request = FlowServiceAPI.flow(id: flowID)
/// request.method   // "GET"
/// request.path     // "/data/foundation/flowservice/flows/d947e6a9-…"
/// ```
public struct PlatformRequest: Sendable, Hashable {
    /// The service, named in errors ("Flow Service", "Schema Registry", …).
    public var service: String
    /// The HTTP method.
    public var method: String
    /// The path, already percent-encoded where it carries an id (a schema `$id` is a URL).
    public var path: String
    /// Query items, in order; encoded by ``url(base:)``.
    public var query: [QueryItem]
    /// The `Accept` header, when the endpoint documents one.
    public var accept: String?
    /// The JSON body (sent with ``contentType``).
    public var body: JSONValue?
    /// The `Content-Type` of ``body``.
    public var contentType: String

    /// A query item.
    public struct QueryItem: Sendable, Hashable {
        /// The name.
        public var name: String
        /// The value, unencoded.
        public var value: String
        /// Creates an item.
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    /// Creates a request.
    public init(
        service: String, method: String, path: String, query: [QueryItem] = [], accept: String? = nil, body: JSONValue? = nil,
        contentType: String = "application/json"
    ) {
        self.service = service
        self.method = method
        self.path = path
        self.query = query
        self.accept = accept
        self.body = body
        self.contentType = contentType
    }

    /// The body's bytes, keys sorted (the same request always gives the same bytes).
    public var bodyBytes: Data? { body.map { Data($0.serialized(sortedKeys: true)) } }

    /// `METHOD path`, for error texts (no query: a filter may hold a name, not a secret, but stays short).
    public var summary: String { "\(service) \(method) \(path)" }

    /// The absolute URL under `base` (e.g. `https://platform.adobe.io`).
    public func url(base: URL) -> URL? {
        var text = base.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        text += path
        if !query.isEmpty {
            text += "?" + query.map { Self.encode($0.name) + "=" + Self.encode($0.value) }.joined(separator: "&")
        }
        return URL(string: text)
    }

    /// Percent-encodes everything but RFC 3986's unreserved characters, for a
    /// path segment or a query value (`=`, `&`, `/`, `:` and `+` included).
    ///
    /// ```swift
    /// PlatformRequest.encode("https://ns.adobe.com/acme/schemas/1")   // "https%3A%2F%2Fns.adobe.com%2Facme%2Fschemas%2F1"
    /// ```
    public static func encode(_ text: String) -> String {
        let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        return text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }
}

/// An answer from a Platform API: status, lower-cased headers, the body and
/// its JSON (when it parsed).
///
/// ```swift
/// let response = try await client.send(FlowServiceAPI.flow(id: id))
/// let flow = try FlowServiceAPI.Flow(listing: response)
/// ```
public struct PlatformResponse: Sendable, Hashable {
    /// The status code (2xx: ``AEPPlatformClient/send(_:allowing:)`` throws on anything else it was not told to allow).
    public var status: Int
    /// Header fields with lower-cased names.
    public var headers: [String: String]
    /// The body.
    public var body: Data
    /// The body parsed as JSON, or `nil` when it is empty or not JSON.
    public var json: JSONValue?
    /// The request this answers, for error texts.
    public var request: PlatformRequest

    /// Creates a response.
    public init(status: Int, headers: [String: String] = [:], body: Data = Data(), json: JSONValue? = nil, request: PlatformRequest) {
        self.status = status
        self.headers = headers
        self.body = body
        self.json = json
        self.request = request
    }

    /// An ``AEPProvisioningError/Code/unreadableResponse`` naming the request and what was missing.
    public func unreadable(_ what: String) -> AEPProvisioningError {
        AEPProvisioningError(.unreadableResponse, "\(request.summary) answered \(status) without \(what)", status: status)
    }
}
