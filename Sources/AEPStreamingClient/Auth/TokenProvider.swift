import ChatlioAEPSupport
import ChatlioJSON
package import Foundation

/// Supplies the bearer token for each request.
///
/// With OAuth credentials it asks Adobe IMS for a token, keeps it, and
/// refreshes it ahead of expiry, one refresh at a time:
/// - valid and outside the refresh margin: returned as is;
/// - valid but inside the margin: returned, and one background refresh starts
///   (later callers keep the old token until it lands);
/// - missing or expired: callers wait for the single refresh in progress.
/// ``invalidate(_:)`` (after a 401/403) forgets the token so the next call refreshes.
///
/// No redirect from the token endpoint is followed (a 3xx is an error naming
/// its status and `Location`), and every text from the endpoint is passed
/// through ``redactor``, which knows the client secret, the static token and
/// the recent access tokens.
///
/// `package`: AEPProvisioning shares it for the Platform APIs (same IMS, same redaction).
package actor TokenProvider {
    // Internal, not private: ``parseTokenResponse(status:body:secret:endpoint:now:)`` returns it to tests and the fuzz harness.
    struct Token: Sendable {
        var value: Secret
        var expiresAt: Date
    }

    private let credentials: OAuthClientCredentials?
    private let staticToken: Secret?
    private let transport: any HTTPTransport
    private let now: @Sendable () -> Date
    private let log: @Sendable (ChatlioLogRecord) -> Void
    private let metrics: MetricsRecorder

    private var current: Token?
    private var refreshing: Task<Result<Token, AEPStreamingClientError>, Never>?
    private let redaction: Locked<Redaction>

    /// The secrets known to this provider, for ``redactor``.
    private struct Redaction {
        /// The client secret or the static token.
        var configured: [String]
        /// The latest access tokens, newest last: an answer to a request made
        /// with the previous token can still echo it after a refresh.
        var recentTokens: [String] = []
        var redactor: SecretRedactor

        init(configured: [String]) {
            self.configured = configured
            redactor = SecretRedactor(configured)
        }

        mutating func remember(_ token: String) {
            guard !recentTokens.contains(token) else { return }
            recentTokens.append(token)
            if recentTokens.count > TokenProvider.rememberedTokens { recentTokens.removeFirst() }
            redactor = SecretRedactor(configured + recentTokens)
        }
    }

    /// How many access tokens ``redactor`` keeps knowing after they were replaced.
    static let rememberedTokens = 4

    init(
        authentication: Authentication, transport: any HTTPTransport, now: @escaping @Sendable () -> Date,
        log: @escaping @Sendable (ChatlioLogRecord) -> Void, metrics: MetricsRecorder
    ) {
        switch authentication.kind {
        case .none:
            credentials = nil
            staticToken = nil
            redaction = Locked(Redaction(configured: []))
        case .bearerToken(let token):
            credentials = nil
            staticToken = token
            redaction = Locked(Redaction(configured: [token.value]))
        case .oauth(let oauth):
            credentials = oauth
            staticToken = nil
            redaction = Locked(Redaction(configured: [oauth.clientSecret.value]))
        }
        self.transport = transport
        self.now = now
        self.log = log
        self.metrics = metrics
    }

    /// A provider with its own counters, for other modules of this package
    /// (the client's metrics stay the client's).
    package init(authentication: Authentication, transport: any HTTPTransport, now: @escaping @Sendable () -> Date, log: @escaping @Sendable (ChatlioLogRecord) -> Void) {
        self.init(authentication: authentication, transport: transport, now: now, log: log, metrics: MetricsRecorder())
    }

    /// Whether a refresh can repair a 401/403.
    package nonisolated var canRefresh: Bool { credentials != nil }

    /// A redactor for every credential this provider holds or has handed out
    /// (client secret, static token, the last ``rememberedTokens`` access
    /// tokens): pass every text from AEP through it before it is logged,
    /// reported or kept in a dead letter. Synchronous, for use anywhere.
    ///
    /// ```swift
    /// let message = tokens.redactor.redact(problemMessage)
    /// ```
    package nonisolated var redactor: SecretRedactor {
        redaction.withLock { $0.redactor }
    }

    /// The token to send, or `nil` for unauthenticated inlets.
    package func token() async throws(AEPStreamingClientError) -> Secret? {
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
    package func invalidate(_ token: Secret?) {
        if let token, current?.value == token { current = nil }
    }

    private func startRefresh(_ credentials: OAuthClientCredentials) {
        let transport = transport
        let now = now
        let metrics = metrics
        let redaction = redaction
        refreshing = Task {
            let result = await Self.fetch(credentials, transport: transport, redactor: redaction.withLock { $0.redactor }, now: now, metrics: metrics)
            // Known to the redactor before any request can carry it.
            if case .success(let token) = result { redaction.withLock { $0.remember(token.value.value) } }
            return result
        }
        let task = refreshing
        Task { [weak self] in
            guard let task else { return }
            let result = await task.value
            await self?.finishRefresh(task, result)
        }
    }

    private func finishRefresh(_ task: Task<Result<Token, AEPStreamingClientError>, Never>, _ result: Result<Token, AEPStreamingClientError>) {
        // A refresh a caller already waited for was applied (and logged) by
        // refreshedToken; applying it again here, later, would bring back a
        // token invalidated since (a 401 would meet it again).
        guard refreshing == task else { return }
        refreshing = nil
        switch result {
        case .success(let token):
            current = token
        case .failure(let error):
            log(ChatlioLogRecord(level: .warning, message: "token refresh failed (the current token is kept until it expires): \(error.reason)"))
        }
    }

    private func refreshedToken(_ credentials: OAuthClientCredentials) async throws(AEPStreamingClientError) -> Token {
        if refreshing == nil { startRefresh(credentials) }
        guard let task = refreshing else { throw AEPStreamingClientError(.authenticationFailed, "no token refresh could start") }
        let result = await task.value
        // Only the first to see the refresh end applies it: a later waiter
        // must not bring back a token invalidated meanwhile.
        let first = refreshing == task
        if first { refreshing = nil }
        switch result {
        case .success(let token):
            if first { current = token }
            return token
        case .failure(let error):
            log(ChatlioLogRecord(level: .error, message: error.reason))
            throw error
        }
    }

    /// One token request: form-encoded client credentials grant.
    private static func fetch(
        _ credentials: OAuthClientCredentials, transport: any HTTPTransport, redactor: SecretRedactor, now: @Sendable () -> Date,
        metrics: MetricsRecorder
    ) async -> Result<Token, AEPStreamingClientError> {
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", credentials.clientID),
            ("client_secret", credentials.clientSecret.value),
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
            return .failure(AEPStreamingClientError(.authenticationFailed, redactor.redact("token request to \(where_) failed: \(error.reason)")))
        }
        let result = parseTokenResponse(response, redactor: redactor, endpoint: where_, now: now())
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
        parseTokenResponse(HTTPTransportResponse(status: status, body: body), redactor: SecretRedactor([secret]), endpoint: endpoint, now: now)
    }

    /// Reads the token endpoint's answer; every text from it in an error
    /// passes through `redactor`.
    static func parseTokenResponse(
        _ response: HTTPTransportResponse, redactor: SecretRedactor, endpoint: String, now: Date
    ) -> Result<Token, AEPStreamingClientError> {
        let status = response.status
        if (300 ..< 400).contains(status) {
            // Not followed by the transport: the credentials would go to whatever origin the Location names.
            let location = response.header("Location").map { "to \(boundedRemoteText(redactor.redact($0))) " } ?? "without a Location "
            return .failure(AEPStreamingClientError(.authenticationFailed, redactor.redact(
                "the token endpoint \(endpoint) answered \(status), a redirect \(location)that is not followed (no credential goes to another origin); set tokenURL to the endpoint itself"
            )))
        }
        if response.bodyTruncated {
            return .failure(AEPStreamingClientError(.authenticationFailed, redactor.redact(
                "the token endpoint \(endpoint) answered \(status) with a body too large to read (cut at \(response.body.count) bytes)"
            )))
        }
        let json = try? JSONValue(parsing: response.body, options: JSONParsingOptions(maxBytes: 1 << 20, maxDepth: 16))
        guard status == 200 else {
            // The endpoint's words are redacted before they are cut (a cut must not split a secret), then the
            // whole message: no secret shows even where the endpoint's words and ours join to form it.
            let code = json?["error"]?.stringValue.map { boundedRemoteText(redactor.redact($0)) } ?? "no error code"
            let description = json?["error_description"]?.stringValue.map { ": \(boundedRemoteText(redactor.redact($0)))" } ?? ""
            return .failure(AEPStreamingClientError(
                .authenticationFailed, redactor.redact("the token endpoint \(endpoint) answered \(status) (\(code)\(description))")
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

    /// `application/x-www-form-urlencoded` (WHATWG URL): a space becomes `+`,
    /// everything but `A-Za-z0-9*-._` is percent-encoded. (A `%20` in the text
    /// is itself encoded, to `%2520`, so only spaces turn into `+`.)
    static func formEncode(_ text: String) -> String {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._*")
        return (text.addingPercentEncoding(withAllowedCharacters: allowed) ?? "").replacingOccurrences(of: "%20", with: "+")
    }

    /// Text from the other side (already redacted: a cut must not split a
    /// secret), shortened to fit a log line.
    private static func boundedRemoteText(_ text: String) -> String {
        let limit = 512
        guard text.utf8.count > limit else { return text }
        return String(decoding: text.utf8.prefix(limit), as: UTF8.self) + "…"
    }
}
