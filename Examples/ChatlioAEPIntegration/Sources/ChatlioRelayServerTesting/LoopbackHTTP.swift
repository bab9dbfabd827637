public import Foundation
import Testing
#if canImport(FoundationNetworking)
public import FoundationNetworking
#endif

/// Requests to a relay server on a loopback port, over real TCP with URLSession.
public enum LoopbackHTTP {
    /// Sends `method path` to `127.0.0.1:port` (a body goes as `application/json`); the status,
    /// the body and the response, whose header fields a test may read.
    ///
    /// ```swift
    /// let (status, body, _) = try await LoopbackHTTP.send(port: port, "/health")
    /// ```
    public static func send(
        port: Int, _ path: String, method: String = "GET", body: Data? = nil, headers: [String: String] = [:]
    ) async throws -> (status: Int, body: Data, response: HTTPURLResponse?) {
        var request = URLRequest(url: try #require(URL(string: "http://127.0.0.1:\(port)\(path)")))
        request.httpMethod = method
        request.httpBody = body
        if body != nil { request.setValue("application/json", forHTTPHeaderField: "Content-Type") }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as? HTTPURLResponse
        return (http?.statusCode ?? 0, data, http)
    }
}
