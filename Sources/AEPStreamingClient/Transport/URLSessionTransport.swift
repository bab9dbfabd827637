import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// ``HTTPTransport`` over `URLSession` (FoundationNetworking on Linux), with
/// an ephemeral session: no cookies, no cache, no credentials on disk.
///
/// ```swift
/// let transport = URLSessionTransport(maxConnections: 4)
/// let client = try await AEPStreamingClient(configuration: configuration, outbox: outbox, transport: transport)
/// ```
public final class URLSessionTransport: HTTPTransport {
    private let session: URLSession

    /// Creates a transport with its own session.
    ///
    /// - Parameter maxConnections: connections per host at most.
    public init(maxConnections: Int = 4) {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = max(1, maxConnections)
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.urlCache = nil
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        session = URLSession(configuration: configuration)
    }

    deinit {
        session.invalidateAndCancel()
    }

    public func send(_ request: HTTPTransportRequest) async throws(AEPStreamingClientError) -> HTTPTransportResponse {
        var urlRequest = URLRequest(url: request.url)
        urlRequest.httpMethod = request.method
        urlRequest.timeoutInterval = max(0.001, request.timeout.seconds)
        for header in request.headers {
            urlRequest.addValue(header.value, forHTTPHeaderField: header.name)
        }
        urlRequest.httpBody = request.body
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await session.data(for: urlRequest)
        } catch is CancellationError {
            throw AEPStreamingClientError(.transport, "\(request.method) \(Self.describe(request.url)) cancelled")
        } catch {
            throw AEPStreamingClientError(.transport, "\(request.method) \(Self.describe(request.url)) failed: \(Self.describe(error))")
        }
        guard let http = response as? HTTPURLResponse else {
            throw AEPStreamingClientError(.transport, "\(request.method) \(Self.describe(request.url)): not an HTTP response")
        }
        var headers: [String: String] = [:]
        for (key, value) in http.allHeaderFields {
            if let key = key as? String, let value = value as? String { headers[key.lowercased()] = value }
        }
        return HTTPTransportResponse(status: http.statusCode, headers: headers, body: data)
    }

    /// The URL without query or credentials (queries can carry flow ids, never secrets, but stay short).
    static func describe(_ url: URL) -> String {
        guard var components = URLComponents(url: url, resolvingAgainstBaseURL: false) else { return "<url>" }
        components.query = nil
        components.user = nil
        components.password = nil
        return components.string ?? "<url>"
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? URLError {
            return "URLError \(error.code.rawValue) (\(error.localizedDescription))"
        }
        return "\(type(of: error)): \(error.localizedDescription)"
    }
}
