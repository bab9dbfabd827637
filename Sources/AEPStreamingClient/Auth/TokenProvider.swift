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
    private struct Token: Sendable {
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
        let json = try? JSONValue(parsing: response.body, options: JSONParsingOptions(maxBytes: 1 << 20, maxDepth: 16))
        guard response.status == 200 else {
            metrics.tokenRefreshFailed()
            let code = json?["error"]?.stringValue ?? "no error code"
            let description = json?["error_description"]?.stringValue.map { ": \($0)" } ?? ""
            return .failure(AEPStreamingClientError(
                .authenticationFailed, redact("the token endpoint \(where_) answered \(response.status) (\(code)\(description))", secret)
            ))
        }
        guard let token = json?["access_token"]?.stringValue, !token.isEmpty else {
            metrics.tokenRefreshFailed()
            return .failure(AEPStreamingClientError(.authenticationFailed, "the token endpoint \(where_) answered 200 without an access_token"))
        }
        let expiresIn: Double
        switch json?["expires_in"] {
        case .number(let number)?: expiresIn = number.doubleValue
        case .string(let text)?: expiresIn = Double(text) ?? 86_400
        default: expiresIn = 86_400
        }
        // IMS answers seconds; a value above a year is taken as milliseconds.
        let seconds = expiresIn > 31_536_000 ? expiresIn / 1000 : expiresIn
        metrics.tokenRefreshed()
        return .success(Token(value: Secret(token), expiresAt: now().addingTimeInterval(max(0, seconds))))
    }

    private static func formEncode(_ text: String) -> String {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._* ")
        return (text.addingPercentEncoding(withAllowedCharacters: allowed) ?? "").replacingOccurrences(of: "%20", with: "+")
    }

    private static func redact(_ text: String, _ secret: String) -> String {
        guard !secret.isEmpty else { return text }
        return text.replacingOccurrences(of: secret, with: "<redacted>")
    }
}
