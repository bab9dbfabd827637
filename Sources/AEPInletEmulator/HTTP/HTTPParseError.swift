/// Why bytes on a connection are not an acceptable HTTP/1.1 request, with the
/// status the server answers before it closes the connection.
struct HTTPParseError: Error, Sendable, Hashable {
    /// 400, 413, 431, 501 or 505.
    var status: Int
    /// A sentence for the response body and the log.
    var reason: String

    static func badRequest(_ reason: String) -> HTTPParseError { HTTPParseError(status: 400, reason: reason) }
    static func bodyTooLarge(_ reason: String) -> HTTPParseError { HTTPParseError(status: 413, reason: reason) }
    static func headersTooLarge(_ reason: String) -> HTTPParseError { HTTPParseError(status: 431, reason: reason) }
}
