import AEPStreamingClient
public import ChatlioRelay
public import ChatlioWebhooks
public import Foundation

/// The `/admin` endpoints' answers in no framework's types, so every relay
/// server mounts the same operator API (see ChatlioHummingbird's
/// `ChatlioAdminRoutes` for the routes): the token check, the selection read
/// from the body, and each administration error as its HTTP status.
///
/// ```swift
/// let admin = try RelayAdminAnswers(administration: administration, token: adminToken)
/// guard admin.isAuthorized(authorization: request.headers.first(name: "Authorization")) else { return RelayAdminAnswers.unauthorized }
/// let answer = await admin.answer(body: bodyData, allowingAge: false) { selection throws(ChatlioStateAdministrationError) in
///     ChatlioStateAdministration.json(try await administration.redriveDeadLetters(selection))
/// }
/// ```
public struct RelayAdminAnswers: Sendable {
    /// Bodies of admin requests are small: a list of ids.
    public static let maxBodyBytes = 1 << 20

    public let administration: ChatlioStateAdministration
    private let expectedAuthorization: Secret

    /// - Throws: ``ChatlioStateAdministrationError`` with code `invalidArgument` when the token is
    ///   shorter than 16 bytes (guessable).
    public init(administration: ChatlioStateAdministration, token: String) throws(ChatlioStateAdministrationError) {
        guard token.utf8.count >= RelayServerSettings.minimumTokenBytes else {
            throw ChatlioStateAdministrationError(.invalidArgument, "the admin token must be at least 16 bytes (it is guessable otherwise)")
        }
        self.administration = administration
        expectedAuthorization = Secret("Bearer " + token)
    }

    /// Whether the `Authorization` header carries the admin token, compared in constant
    /// time (`Secret`'s `==`): how much of a guess matches must not show in the answer time.
    public func isAuthorized(authorization: String?) -> Bool {
        Secret(authorization ?? "") == expectedAuthorization
    }

    /// 401 with `WWW-Authenticate: Bearer`.
    public static let unauthorized = RelayServerAnswer.json(401, ["status": "unauthorized"], headers: [("WWW-Authenticate", "Bearer")])

    /// 413 for an admin body above ``maxBodyBytes``.
    public static let tooLarge = RelayServerAnswer.json(413, ["status": "too large", "maxBytes": .number(JSONNumber(maxBodyBytes))])

    /// Reads the selection (`{"ids": [...]}`, `{"all": true}`, with `allowingAge` also `{"olderThan": "7d"}`)
    /// from `body`, then runs `operation` on it; a body that is not a selection is a 400 naming why.
    public static func answer(
        body: Data, allowingAge: Bool,
        _ operation: @Sendable (ChatlioStateAdministration.Selection) async throws(ChatlioStateAdministrationError) -> JSONValue
    ) async -> RelayServerAnswer {
        let selection: ChatlioStateAdministration.Selection
        do {
            selection = try ChatlioStateAdministration.Selection(parsing: JSONValue(parsing: body), allowingAge: allowingAge)
        } catch let error as ChatlioStateAdministrationError {
            return .json(400, ["status": "bad request", "reason": .string(error.reason)])
        } catch {
            return .json(400, ["status": "bad request", "reason": .string("the body is not JSON: \(error)")])
        }
        return await answer { () throws(ChatlioStateAdministrationError) in try await operation(selection) }
    }

    /// 200 with what `operation` returns, or its error as a status: not found 404,
    /// invalid argument 400, unsupported 501, anything else 500.
    public static func answer(_ operation: () async throws(ChatlioStateAdministrationError) -> JSONValue) async -> RelayServerAnswer {
        do {
            return .json(200, try await operation())
        } catch {
            let status = switch error.code {
            case .notFound: 404
            case .invalidArgument: 400
            case .unsupported: 501
            default: 500
            }
            return .json(status, ["status": .string(error.code.description), "reason": .string(error.reason)])
        }
    }
}
