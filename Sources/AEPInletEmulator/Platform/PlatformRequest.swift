import ChatlioJSON
import Foundation

/// A parsed HTTP request as the Platform API handlers see it: the path under
/// the service's prefix split into decoded segments, every query pair (the
/// `property` filter may repeat), the parsed `Accept` and the JSON body.
struct PlatformRequest: Sendable {
    let http: HTTPRequest
    let method: String
    /// Percent-decoded path segments after the service prefix, e.g. `["tenant", "schemas", "_acme.schemas.1"]`.
    let segments: [String]
    /// Every query pair in order, percent-decoded.
    let queryItems: [(name: String, value: String)]
    /// The body, parsed when the method carries one (checked by the gateway).
    var body: JSONValue?

    init(http: HTTPRequest, segments: [String]) {
        self.http = http
        method = http.method.uppercased()
        self.segments = segments
        var items: [(String, String)] = []
        let parts = http.target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        if parts.count == 2 {
            for pair in parts[1].split(separator: "&") {
                let keyValue = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let key = String(keyValue[0]).removingPercentEncoding ?? String(keyValue[0])
                let value = keyValue.count == 2 ? (String(keyValue[1]).removingPercentEncoding ?? String(keyValue[1])) : ""
                items.append((key, value))
            }
        }
        queryItems = items
    }

    func header(_ name: String) -> String? { http.header(name) }

    func query(_ name: String) -> String? { queryItems.first { $0.name == name }?.value }

    func queries(_ name: String) -> [String] { queryItems.filter { $0.name == name }.map(\.value) }

    /// The `Accept` media type, lower-cased, and its `version` parameter; `nil` when absent or `*/*`.
    var accept: (mediaType: String, version: String?)? {
        guard let raw = header("Accept")?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
        // Clients send one type; a list is read by its first entry.
        let first = raw.split(separator: ",").first.map(String.init) ?? raw
        let parts = first.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        let mediaType = parts.first?.lowercased() ?? ""
        // URLSession sends `*/*` when the caller sets nothing: that names no Platform format.
        if mediaType == "*/*" { return nil }
        var version: String?
        for parameter in parts.dropFirst() {
            let keyValue = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if keyValue.count == 2, keyValue[0].lowercased() == "version" { version = keyValue[1] }
        }
        return (mediaType, version)
    }
}

/// The answers Platform's gateway and services give, in the shapes Adobe documents.
enum PlatformProblem {
    /// `type` as every Schema Registry and general error example shows it
    /// (help/xdm/troubleshooting-guide.md, help/landing/troubleshooting.md).
    static let placeholderType = "/placeholder/type/uri"

    /// `{type, status, title, detail}`: help/xdm/troubleshooting-guide.md "Errors and troubleshooting".
    static func problem(_ status: Int, title: String, detail: String, headers: [HTTPResponse.HeaderField] = []) -> HTTPResponse {
        HTTPResponse(
            status: status,
            json: ["type": .string(placeholderType), "status": .number(JSONNumber(status)), "title": .string(title), "detail": .string(detail)],
            headers: headers
        )
    }

    static func badRequest(_ detail: String) -> HTTPResponse { problem(400, title: "BadRequestError", detail: detail) }

    static func notFound(_ detail: String) -> HTTPResponse { problem(404, title: "NotFoundError", detail: detail) }

    static func notAcceptable(_ detail: String) -> HTTPResponse { problem(406, title: "NotAcceptableError", detail: detail) }

    static func methodNotAllowed(_ method: String, allowed: String) -> HTTPResponse {
        problem(405, title: "MethodNotAllowedError", detail: "\(method) is not supported here; use \(allowed)",
                headers: [HTTPResponse.HeaderField(name: "Allow", value: allowed)])
    }

    /// A required field is missing or has the wrong type: the message names its JSON path.
    static func field(_ path: String, _ problem: String) -> HTTPResponse {
        badRequest("\(path) \(problem)")
    }

    /// A fault's answer.
    static func fault(status: Int, retryAfter: RetryAfter?, emptyBody: Bool) -> HTTPResponse {
        let headers = retryAfter.map { [HTTPResponse.HeaderField(name: "Retry-After", value: $0.headerValue)] } ?? []
        if emptyBody { return HTTPResponse(status: status, headers: headers) }
        let title = status == 429 ? "Too Many Requests" : HTTPResponse.reasonPhrase(status)
        return problem(status, title: title, detail: "Injected by AEPPlatformEmulator", headers: headers)
    }

    /// The answer to bytes that are not an acceptable HTTP request.
    static func parseError(_ error: HTTPParseError) -> HTTPResponse {
        problem(error.status, title: HTTPResponse.reasonPhrase(error.status), detail: "Malformed HTTP request: \(error.reason)")
    }
}
