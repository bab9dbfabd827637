import ChatlioJSON
import XDMSchemaRegistry

/// The response bodies AEP's streaming inlet sends, built as JSON values.
/// Shapes follow aep-streaming.md §3; wording marked "emulator" is ours where
/// AEP's is undocumented.
enum DCSResponses {
    static let inletProblemType = "http://ns.adobe.com/adobecloud/problem/data-collection-service/inlet"
    static let authorizationProblemType = "https://ns.adobe.com/adobecloud/problem/data-collection-service-authorization"

    /// `{"type":…,"status":400,"title":…,"report":{"message":…}}`.
    static func problem(status: Int, title: String, message: String, headers: [HTTPResponse.HeaderField] = []) -> HTTPResponse {
        HTTPResponse(
            status: status,
            json: [
                "type": .string(inletProblemType),
                "status": .number(JSONNumber(status)),
                "title": .string(title),
                "report": ["message": .string(message)],
            ],
            headers: headers
        )
    }

    /// 401 for a missing token on an authenticated inlet. `status` is a string, as AEP sends it.
    static func unauthorized(requestID: String) -> HTTPResponse {
        HTTPResponse(
            status: 401,
            json: [
                "type": .string(authorizationProblemType),
                "status": "401",
                "title": "Authorization",
                "report": ["message": .string("[\(requestID)] Ims service token is empty")],
            ],
            headers: [HTTPResponse.HeaderField(name: "WWW-Authenticate", value: "Bearer")]
        )
    }

    /// 403 for a token that does not match the inlet's.
    static func forbidden(requestID: String) -> HTTPResponse {
        HTTPResponse(
            status: 403,
            json: [
                "type": .string(authorizationProblemType),
                "status": "403",
                "title": "Authorization",
                "report": ["message": .string("[\(requestID)] Provided authorization token is invalid or expired")],
            ]
        )
    }

    static func notFound(_ message: String) -> HTTPResponse {
        problem(status: 404, title: "Not Found", message: message)
    }

    static func methodNotAllowed(_ method: String) -> HTTPResponse {
        problem(
            status: 405, title: "Method Not Allowed", message: "\(method) is not supported; use POST",
            headers: [HTTPResponse.HeaderField(name: "Allow", value: "POST")]
        )
    }

    /// A batch sent to a raw inlet. Adobe documents raw data on `POST /collection/{INLET_ID}` only
    /// (help/sources/tutorials/api/create/streaming/http.md, "Post data to be ingested": both raw
    /// examples post one JSON object there; batches appear only with XDM envelopes), so the emulator
    /// refuses the batch rather than guess how DCS would split it. The wording is the emulator's.
    static func rawBatchRefused(prefix: String, inletID: String) -> HTTPResponse {
        problem(
            status: 400, title: "Bad Request",
            message: "\(prefix) Raw data is collected one message per request (emulator: Adobe documents no batch endpoint for raw data; "
                + "POST each message to /collection/\(inletID) with its x-adobe-flow-id)"
        )
    }

    static func payloadTooLarge(limit: Int, detail: String) -> HTTPResponse {
        problem(status: 413, title: "Payload Too Large", message: "The request payload is larger than the \(limit) byte limit (\(detail))")
    }

    /// The answer to bytes that are not an acceptable HTTP request.
    static func parseError(_ error: HTTPParseError, bodyLimit: Int) -> HTTPResponse {
        if error.status == 413 { return payloadTooLarge(limit: bodyLimit, detail: error.reason) }
        return problem(status: error.status, title: HTTPResponse.reasonPhrase(error.status), message: "Malformed HTTP request: \(error.reason)")
    }

    /// A fault's answer: an AEP problem body or none, and `Retry-After` when asked.
    static func fault(status: Int, retryAfter: RetryAfter?, emptyBody: Bool) -> HTTPResponse {
        let headers = retryAfter.map { [HTTPResponse.HeaderField(name: "Retry-After", value: $0.headerValue)] } ?? []
        if emptyBody { return HTTPResponse(status: status, headers: headers) }
        let message: String
        switch status {
        case 429: message = "Too many requests: the service is experiencing high loads (injected by AEPInletEmulator)"
        case 503: message = "Service unavailable, retry with exponential back-off (injected by AEPInletEmulator)"
        default: message = "Injected by AEPInletEmulator"
        }
        return problem(status: status, title: HTTPResponse.reasonPhrase(status), message: message, headers: headers)
    }

    /// The synchronous-validation failure body (aep-streaming.md §3.1), at most five violations.
    static func validationFailure(prefix: String, violations: [XDMViolation]) -> HTTPResponse {
        let reported = Array(violations.prefix(5))
        func node(_ violation: XDMViolation) -> JSONValue {
            [
                "schemaLocation": .string(violation.schemaLocation),
                "pointerToViolation": .string(violation.pointerToViolation),
                "causingExceptions": [],
                "keyword": .string(violation.keyword.rawValue),
                "message": .string(violation.message),
            ]
        }
        let cause: JSONValue
        if reported.count == 1, let only = reported.first {
            cause = node(only)
        } else {
            cause = [
                "schemaLocation": "#",
                "pointerToViolation": "#",
                "causingExceptions": .array(reported.map(node)),
                "message": .string("\(reported.count) schema violations found"),
            ]
        }
        return HTTPResponse(
            status: 400,
            json: [
                "type": .string(inletProblemType),
                "status": 400,
                "title": "Invalid XDM Message Format",
                "report": [
                    "message": .string("\(prefix) Message is invalid"),
                    "cause": ["_streamingValidation": [cause]],
                ],
            ]
        )
    }
}
