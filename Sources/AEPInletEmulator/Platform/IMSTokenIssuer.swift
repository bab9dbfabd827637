import ChatlioAEPSupport
import ChatlioJSON
import Foundation

/// Adobe IMS's OAuth server-to-server token endpoint, `POST /ims/token/v3`, served by the
/// platform emulator so one loopback URL can stand in for both `https://platform.adobe.io`
/// and `https://ims-na1.adobelogin.com`.
///
/// After the Developer Console's "OAuth Server-to-Server credential API Reference"
/// (developer.adobe.com/developer-console/docs/guides/authentication/ServerToServerAuthentication/IMS,
/// "Fetching access tokens"): `grant_type` ("Value should always be client_credentials"),
/// `client_id`, `client_secret` and `scope` are all mandatory and "can be sent in the body or
/// as query parameters", the body form-encoded; the answer is
/// `{"access_token": …, "token_type": "bearer", "expires_in": 86399}`.
/// help/landing/api-authentication.md ("Generate an access token"): a token "must be generated
/// every 24 hours". Adobe documents no error bodies for this endpoint, so refusals take OAuth 2.0's
/// (RFC 6749 §5.2): `{"error", "error_description"}`, 400 `invalid_request` for a missing,
/// repeated or malformed parameter, 400 `unsupported_grant_type` for another grant, 401
/// `invalid_client` for credentials the emulator does not know.
final class IMSTokenIssuer: Sendable {
    static let path = "/ims/token/v3"
    /// IMS's `expires_in` for a server-to-server token, in seconds.
    static let lifetimeSeconds = 86_399

    private let clients: [String: String]
    private let now: @Sendable () -> Date
    /// Issued token → when it expires.
    private let issued = Locked<[String: Date]>([:])

    init(clients: [String: String], now: @escaping @Sendable () -> Date) {
        self.clients = clients
        self.now = now
    }

    /// Whether `token` was issued here and has not expired.
    ///
    /// A dictionary look-up, not a constant-time comparison: the issued tokens are random and
    /// only live in this process, so timing reveals nothing a loopback caller could use.
    func accepts(_ token: String) -> Bool {
        let now = now()
        return issued.withLock { $0[token].map { now < $0 } ?? false }
    }

    /// How many unexpired tokens were issued.
    var liveTokenCount: Int {
        let now = now()
        return issued.withLock { $0.values.filter { now < $0 }.count }
    }

    /// The answer to a request for ``path``.
    func answer(_ request: HTTPRequest) -> HTTPResponse {
        guard request.method.uppercased() == "POST" else {
            return Self.error(405, "invalid_request", "\(request.method) is not supported here; POST the form to \(Self.path)",
                              headers: [HTTPResponse.HeaderField(name: "Allow", value: "POST")])
        }
        let parameters: [String: String]
        switch Self.parameters(of: request) {
        case .success(let found): parameters = found
        case .failure(let refusal): return refusal.response
        }
        guard let grant = parameters["grant_type"] else {
            return Self.error(400, "invalid_request", "grant_type is required: client_credentials")
        }
        guard grant == "client_credentials" else {
            return Self.error(400, "unsupported_grant_type", "grant_type \"\(grant)\" is not supported: OAuth server-to-server uses client_credentials")
        }
        for name in ["client_id", "client_secret", "scope"] where parameters[name] == nil {
            return Self.error(400, "invalid_request", "\(name) is required (a non-empty value)")
        }
        let clientID = parameters["client_id"] ?? ""
        let secret = parameters["client_secret"] ?? ""
        if !clients.isEmpty {
            // The secret is compared in constant time, and an unknown client costs the same comparison.
            let expected = clients[clientID]
            let matches = constantTimeEquals(secret, expected ?? secret + "\u{0}")
            guard expected != nil, matches else {
                return Self.error(401, "invalid_client", "(emulator) client_id \(clientID) with this client_secret is not one of the emulator's oauthClients")
            }
        }
        let token = "emulated-ims-" + PlatformService.hexID(64)
        let now = now()
        let expiry = now.addingTimeInterval(TimeInterval(Self.lifetimeSeconds))
        issued.withLock { tokens in
            tokens = tokens.filter { now < $0.value }
            tokens[token] = expiry
        }
        return HTTPResponse(
            status: 200,
            json: ["access_token": .string(token), "token_type": "bearer", "expires_in": .number(JSONNumber(Self.lifetimeSeconds))],
            headers: Self.noStore
        )
    }

    /// RFC 6749 §5.1: token answers are not cached.
    private static let noStore = [HTTPResponse.HeaderField(name: "Cache-Control", value: "no-store"), HTTPResponse.HeaderField(name: "Pragma", value: "no-cache")]

    private static func error(_ status: Int, _ code: String, _ description: String, headers: [HTTPResponse.HeaderField] = []) -> HTTPResponse {
        HTTPResponse(status: status, json: ["error": .string(code), "error_description": .string(description)], headers: noStore + headers)
    }

    /// The query's and the form body's parameters together; a name sent twice, an empty value
    /// or a body that is not a form is `invalid_request`.
    private static func parameters(of request: HTTPRequest) -> Result<[String: String], HTTPResponseBox> {
        var pairs: [Substring] = []
        let parts = request.target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        if parts.count == 2 { pairs += parts[1].split(separator: "&") }
        if !request.body.isEmpty {
            let mediaType = request.header("Content-Type")?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
            guard mediaType == "application/x-www-form-urlencoded" else {
                return .failure(HTTPResponseBox(error(
                    400, "invalid_request", "the body must be application/x-www-form-urlencoded (got \(mediaType.map { "\"\($0)\"" } ?? "no Content-Type"))"
                )))
            }
            pairs += String(decoding: request.body, as: UTF8.self).split(separator: "&")
        }
        var parameters: [String: String] = [:]
        var seen = Set<String>()
        for pair in pairs {
            let keyValue = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = decode(keyValue[0]), let value = keyValue.count == 2 ? decode(keyValue[1]) : "" else {
                return .failure(HTTPResponseBox(error(400, "invalid_request", "the parameter \"\(keyValue[0])\" is not form-encoded")))
            }
            guard seen.insert(name).inserted else {
                return .failure(HTTPResponseBox(error(400, "invalid_request", "\(name) is sent more than once")))
            }
            // An empty value counts as absent: RFC 6749 §3.2 treats parameters sent without a value as omitted.
            if !value.isEmpty { parameters[name] = value }
        }
        return .success(parameters)
    }

    private static func decode(_ component: Substring) -> String? {
        component.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}
