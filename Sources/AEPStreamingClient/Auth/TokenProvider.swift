import ChatlioJSON
import Foundation

/// Supplies the bearer token for each request.
///
/// With OAuth credentials it asks Adobe IMS for a token, keeps it, and
/// refreshes it ahead of expiry, one refresh at a time:
/// - valid and outside the refresh margin: returned as is;
/// - valid but inside the margin: returned, and one background refresh starts
///   (later callers keep the old token until it lands);
/// - missing or expired: callers wait for the single refresh in progress.
/// ``invalidate(_:)`` (after a 401/403) forgets the token so the next call refreshes.
actor TokenProvider {
    // Internal, not private: ``parseTokenResponse(status:body:secret:endpoint:now:)`` returns it to tests and the fuzz harness.
    struct Token: Sendable {
        var value: Secret
        var expiresAt: Date
    }

    private let credentials: OAuthClientCredentials?
    private let staticToken: Secret?
    private let transport: any HTTPTransport
    private let now: @Sendable () -> Date
    private let log: AEPStreamingClient.LogHandler
    private let metrics: MetricsRecorder

    private var current: Token?
    private var refreshing: Task<Result<Token, AEPStreamingClientError>, Never>?

    init(
        authentication: Authentication, transport: any HTTPTransport, now: @escaping @Sendable () -> Date,
        log: @escaping AEPStreamingClient.LogHandler, metrics: MetricsRecorder
    ) {
        switch authentication.kind {
        case .none:
            credentials = nil
            staticToken = nil
        case .bearerToken(let token):
            credentials = nil
            staticToken = token
        case .oauth(let oauth):
            credentials = oauth
            staticToken = nil
        }
        self.transport = transport
        self.now = now
        self.log = log
        self.metrics = metrics
    }

    /// Whether a refresh can repair a 401/403.
    nonisolated var canRefresh: Bool { credentials != nil }

    /// The token to send, or `nil` for unauthenticated inlets.
    func token() async throws(AEPStreamingClientError) -> Secret? {
        if let staticToken { return staticToken }
        guard let credentials else { return nil }
        let now = now()
        if let current, now < current.expiresAt {
            if now >= current.expiresAt.addingTimeInterval(-credentials.refreshMargin.seconds), refreshing == nil {
                startRefresh(credentials)
            }
            return current.value
        }
        return try await refreshedToken(credentials).value
    }

    /// Forgets `token` if it is the current one, so the next ``token()`` refreshes.
    func invalidate(_ token: Secret?) {
        if let token, current?.value == token { current = nil }
    }

    private func startRefresh(_ credentials: OAuthClientCredentials) {
        let transport = transport
        let now = now
        let metrics = metrics
        refreshing = Task { await Self.fetch(credentials, transport: transport, now: now, metrics: metrics) }
        let task = refreshing
        Task { [weak self] in
            guard let task else { return }
            let result = await task.value
            await self?.finishRefresh(task, result)
        }
    }

    private func finishRefresh(_ task: Task<Result<Token, AEPStreamingClientError>, Never>, _ result: Result<Token, AEPStreamingClientError>) {
        if refreshing == task { refreshing = nil }
        switch result {
        case .success(let token):
            current = token
        case .failure(let error):
            log(AEPStreamingClient.LogEvent(level: .warning, message: "token refresh failed (the current token is kept until it expires): \(error.reason)"))
        }
    }

    private func refreshedToken(_ credentials: OAuthClientCredentials) async throws(AEPStreamingClientError) -> Token {
        if refreshing == nil { startRefresh(credentials) }
        guard let task = refreshing else { throw AEPStreamingClientError(.authenticationFailed, "no token refresh could start") }
        let result = await task.value
        if refreshing == task { refreshing = nil }
        switch result {
        case .success(let token):
            current = token
            return token
        case .failure(let error):
            log(AEPStreamingClient.LogEvent(level: .error, message: error.reason))
            throw error
        }
    }

    /// One token request: form-encoded client credentials grant.
    private static func fetch(
        _ credentials: OAuthClientCredentials, transport: any HTTPTransport, now: @Sendable () -> Date, metrics: MetricsRecorder
    ) async -> Result<Token, AEPStreamingClientError> {
        let secret = credentials.clientSecret.value
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", credentials.clientID),
            ("client_secret", secret),
            ("scope", credentials.scopes.joined(separator: ",")),
        ].map { "\(formEncode($0.0))=\(formEncode($0.1))" }.joined(separator: "&")
        let request = HTTPTransportRequest(
            url: credentials.tokenURL,
            headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")],
            body: Data(form.utf8), timeout: credentials.requestTimeout
        )
        let where_ = URLSessionTransport.describe(credentials.tokenURL)
        let response: HTTPTransportResponse
        do {
            response = try await transport.send(request)
        } catch {
            metrics.tokenRefreshFailed()
            return .failure(AEPStreamingClientError(.authenticationFailed, redact("token request to \(where_) failed: \(error.reason)", secret)))
        }
        let result = parseTokenResponse(status: response.status, body: response.body, secret: secret, endpoint: where_, now: now())
        switch result {
        case .success: metrics.tokenRefreshed()
        case .failure: metrics.tokenRefreshFailed()
        }
        return result
    }

    /// Reads the token endpoint's answer, kept apart from the exchange so it
    /// can be tested and fuzzed without a network. `secret` is redacted from
    /// any error text, in case `error` or `error_description` echoes it;
    /// `endpoint` names the token URL in errors.
    static func parseTokenResponse(status: Int, body: Data, secret: String, endpoint: String, now: Date) -> Result<Token, AEPStreamingClientError> {
        let json = try? JSONValue(parsing: body, options: JSONParsingOptions(maxBytes: 1 << 20, maxDepth: 16))
        guard status == 200 else {
            let code = json?["error"]?.stringValue ?? "no error code"
            let description = json?["error_description"]?.stringValue.map { ": \($0)" } ?? ""
            return .failure(AEPStreamingClientError(
                .authenticationFailed, redact("the token endpoint \(endpoint) answered \(status) (\(code)\(description))", secret)
            ))
        }
        guard let token = json?["access_token"]?.stringValue, !token.isEmpty else {
            return .failure(AEPStreamingClientError(.authenticationFailed, "the token endpoint \(endpoint) answered 200 without an access_token"))
        }
        let declared: Double? = switch json?["expires_in"] {
        case .number(let number)?: number.doubleValue
        case .string(let text)?: Double(text)
        default: nil
        }
        // Missing, unreadable or not finite ("1e400", "nan") is taken as IMS's usual day:
        // an infinity would never refresh ahead of expiry, a NaN would refresh on every request.
        let expiresIn = declared.flatMap { $0.isFinite ? $0 : nil } ?? 86_400
        // IMS answers seconds; a value above a year is taken as milliseconds. However it reads, a token
        // is refreshed within a year: a huge finite value must not mean "never" (a 401 would be the only way out).
        let seconds = expiresIn > 31_536_000 ? expiresIn / 1000 : expiresIn
        return .success(Token(value: Secret(token), expiresAt: now.addingTimeInterval(min(max(0, seconds), 31_536_000))))
    }

    private static func formEncode(_ text: String) -> String {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._* ")
        return (text.addingPercentEncoding(withAllowedCharacters: allowed) ?? "").replacingOccurrences(of: "%20", with: "+")
    }

    /// `text` with every occurrence of `secret` replaced, matched on UTF-8
    /// bytes: a search by Characters misses the secret where a combining mark
    /// joins its first or last character to the text around it.
    private static func redact(_ text: String, _ secret: String) -> String {
        let needle = Array(secret.utf8)
        guard !needle.isEmpty else { return text }
        let bytes = Array(text.utf8)
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes.count - index >= needle.count, bytes[index ..< index + needle.count].elementsEqual(needle) {
                result += "<redacted>".utf8
                index += needle.count
            } else {
                result.append(bytes[index])
                index += 1
            }
        }
        // A valid UTF-8 needle only matches whole scalars, so the result is valid UTF-8 too.
        return String(decoding: result, as: UTF8.self)
    }
}
