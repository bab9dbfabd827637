import Foundation

import ChatlioJSON

/// One HTTP/1.1 response as a value; ``serialized(date:closeConnection:)``
/// turns it into bytes for the socket.
struct HTTPResponse: Sendable, Hashable {
    var status: Int
    var headers: [HeaderField]
    var body: [UInt8]

    struct HeaderField: Sendable, Hashable {
        var name: String
        var value: String
    }

    init(status: Int, headers: [HeaderField] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON response with `Content-Type: application/json`.
    init(status: Int, json: JSONValue, headers: [HeaderField] = []) {
        self.status = status
        self.headers = [HeaderField(name: "Content-Type", value: "application/json;charset=utf-8")] + headers
        self.body = json.serialized(sortedKeys: true)
    }

    /// The body parsed as JSON, for tests and logs.
    var jsonBody: JSONValue? {
        try? JSONValue(parsing: body)
    }

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    func serialized(date: String? = nil, closeConnection: Bool) -> [UInt8] {
        var head = "HTTP/1.1 \(status) \(HTTPResponse.reasonPhrase(status))\r\n"
        for field in headers {
            head += "\(field.name): \(field.value)\r\n"
        }
        if let date { head += "Date: \(date)\r\n" }
        head += "Content-Length: \(body.count)\r\n"
        if closeConnection { head += "Connection: close\r\n" }
        head += "\r\n"
        return Array(head.utf8) + body
    }

    static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 100: "Continue"
        case 200: "OK"
        case 201: "Created"
        case 204: "No Content"
        case 207: "Multi-Status"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 406: "Not Acceptable"
        case 408: "Request Timeout"
        case 413: "Payload Too Large"
        case 415: "Unsupported Media Type"
        case 429: "Too Many Requests"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        case 505: "HTTP Version Not Supported"
        default: "Status \(status)"
        }
    }
}
