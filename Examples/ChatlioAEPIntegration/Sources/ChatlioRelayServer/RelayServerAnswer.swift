public import ChatlioWebhooks
public import Foundation

/// An HTTP answer in no framework's types: a status, headers and a body. A
/// server adapter turns it into its framework's response, so every relay
/// server answers with the same JSON whatever it runs on.
///
/// ```swift
/// let answer = RelayServerAnswer.methodNotAllowed
/// // Vapor:       Response(status: .init(statusCode: answer.status), headers: ..., body: .init(data: answer.body))
/// // Hummingbird: Response(status: .init(code: answer.status), headers: ..., body: ...)
/// ```
public struct RelayServerAnswer: Sendable, Equatable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: Data

    public init(status: Int, headers: [(name: String, value: String)] = [], body: Data) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// `body` as JSON with sorted keys, and its `Content-Type`.
    public static func json(_ status: Int, _ body: JSONValue, headers: [(name: String, value: String)] = []) -> RelayServerAnswer {
        RelayServerAnswer(status: status, headers: [("Content-Type", "application/json")] + headers, body: Data(body.serialized(sortedKeys: true)))
    }

    /// `body` as a JSON object.
    public static func json(_ status: Int, _ body: JSONObject, headers: [(name: String, value: String)] = []) -> RelayServerAnswer {
        json(status, .object(body), headers: headers)
    }

    /// Any method but POST on a webhook route: webhooks are POSTed.
    public static let methodNotAllowed = json(405, ["allow": "POST", "status": "method not allowed"], headers: [("Allow", "POST")])

    /// An error the framework answers by itself (an unknown path, a wrong method
    /// elsewhere): `{"status": "<reason phrase, lower case>"}`.
    ///
    /// ```swift
    /// RelayServerAnswer.frameworkError(status: 404, reason: "Not Found")   // {"status":"not found"}
    /// ```
    public static func frameworkError(status: Int, reason: String) -> RelayServerAnswer {
        json(status, ["status": .string(reason.lowercased())])
    }

    /// The line a server logs for a request it refuses by itself. The path may
    /// carry the URL token (`/chatlio/{token}/{kind}`), so the line names the
    /// method and the first path segment only.
    ///
    /// ```swift
    /// logger.warning("\(RelayServerAnswer.refusalLine(method: "GET", path: "/nowhere/x", status: 404, reason: "Not Found"))")
    /// // refused GET /nowhere/…: 404 not found
    /// ```
    public static func refusalLine(method: String, path: String, status: Int, reason: String) -> String {
        // The root has nothing to hide and no segment to show.
        let shown = path.split(separator: "/").first.map { "/\($0)/…" } ?? "/"
        return "refused \(method) \(shown): \(status) \(reason.lowercased())"
    }

    public static func == (lhs: RelayServerAnswer, rhs: RelayServerAnswer) -> Bool {
        lhs.status == rhs.status && lhs.body == rhs.body
            && lhs.headers.map { [$0.name, $0.value] } == rhs.headers.map { [$0.name, $0.value] }
    }
}
