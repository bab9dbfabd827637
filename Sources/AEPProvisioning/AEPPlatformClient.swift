public import AEPStreamingClient
import ChatlioAEPSupport
import ChatlioJSON
package import Foundation

/// Sends ``PlatformRequest``s to the Platform APIs with the headers they
/// document, an OAuth server-to-server token (AEPStreamingClient's token
/// provider, shared), bounded retries, and errors that quote AEP's problem
/// details with every secret redacted.
///
/// - **Headers**: `Authorization: Bearer …`, `x-api-key`, `x-gw-ims-org-id`,
///   `x-sandbox-name` on every request; `Accept` where the endpoint documents
///   one; `Content-Type` on requests with a body (help/landing/api-guide.md).
/// - **Retries**: 429 and 5xx are retried up to
///   ``Configuration/maxAttempts`` in all, waiting what `Retry-After` asks
///   (capped at ``Configuration/maxRetryDelay``), else an exponential delay.
///   A request that got no answer is retried only when it is a `GET` (a
///   `POST` may have created its object; a re-run finds it by name).
/// - **401/403**: the token is refreshed once and the request sent again.
/// - **No redirect is followed**: a 3xx is an ``AEPProvisioningError/Code/redirect``
///   naming its `Location` (the transport refuses to follow, so the token
///   never goes to another origin).
/// - **Every answer is read up to the transport's cap**; a body cut there is
///   ``AEPProvisioningError/Code/unreadableResponse``, never half-parsed.
///
/// ```swift
/// let client = try AEPPlatformClient(configuration: configuration)
/// let response = try await client.send(FlowServiceAPI.flow(id: flowID))
/// let inlet = try FlowServiceAPI.Flow(listing: response).inletURL
/// ```
public final class AEPPlatformClient: Sendable {
    /// The configuration, validated.
    public let configuration: Configuration
    private let transport: any HTTPTransport
    private let tokens: TokenProvider
    private let now: @Sendable () -> Date
    private let sleep: @Sendable (Duration) async throws -> Void

    /// A client over `transport` (URLSession by default: no redirects, 1 MiB answer cap).
    ///
    /// - Throws: ``AEPProvisioningError/Code/invalidConfiguration``.
    public convenience init(configuration: Configuration, transport: any HTTPTransport = URLSessionTransport()) throws(AEPProvisioningError) {
        try self.init(configuration: configuration, transport: transport, now: { Date() }, sleep: { try await Task.sleep(for: $0) })
    }

    /// A client with an injected clock and sleep, so tests see the waits without waiting.
    package init(
        configuration: Configuration, transport: any HTTPTransport, now: @escaping @Sendable () -> Date,
        sleep: @escaping @Sendable (Duration) async throws -> Void
    ) throws(AEPProvisioningError) {
        try configuration.validate()
        self.configuration = configuration
        self.transport = transport
        self.now = now
        self.sleep = sleep
        tokens = TokenProvider(authentication: configuration.authentication, transport: transport, now: now, log: configuration.log)
    }

    /// Removes every credential this client knows (client secret, tokens) and any `Bearer` token from `text`.
    package func redact(_ text: String) -> String { tokens.redactor.redact(text) }

    /// Sends `request` and returns its 2xx answer (or one whose status is in `allowing`, e.g. 404 for a look-up).
    ///
    /// ```swift
    /// let answer = try await client.send(DataPrepAPI.mappingSet(id: id), allowing: [404])
    /// if answer.status == 404 { /* gone: create it again */ }
    /// ```
    ///
    /// - Throws: ``AEPProvisioningError`` with ``AEPProvisioningError/status`` and
    ///   ``AEPProvisioningError/problem`` when AEP answered.
    public func send(_ request: PlatformRequest, allowing: Set<Int> = []) async throws(AEPProvisioningError) -> PlatformResponse {
        guard let url = request.url(base: configuration.platformURL) else {
            throw AEPProvisioningError(.invalidConfiguration, "\(request.summary): not a valid URL")
        }
        var attempt = 1
        var refreshed = false
        while true {
            let token: Secret?
            do {
                token = try await tokens.token()
            } catch {
                throw AEPProvisioningError(.authenticationFailed, redact("\(request.summary): no access token: \(error.reason)"))
            }
            let answer: HTTPTransportResponse
            do {
                answer = try await transport.send(HTTPTransportRequest(
                    url: url, method: request.method, headers: headers(for: request, token: token), body: request.bodyBytes ?? Data(),
                    timeout: configuration.requestTimeout
                ))
            } catch {
                let reason = redact("\(request.summary) got no answer: \(error.reason)")
                guard request.method == "GET", attempt < configuration.maxAttempts else {
                    throw AEPProvisioningError(.transport, reason)
                }
                try await wait(backoff(attempt), reason: reason, attempt: attempt)
                attempt += 1
                continue
            }
            let status = answer.status
            if (200 ..< 300).contains(status) || allowing.contains(status) {
                if answer.bodyTruncated {
                    throw AEPProvisioningError(
                        .unreadableResponse, "\(request.summary) answered \(status) with a body too large to read (cut at \(answer.body.count) bytes)",
                        status: status
                    )
                }
                return PlatformResponse(status: status, headers: answer.headers, body: answer.body, json: Self.json(answer.body), request: request)
            }
            if (300 ..< 400).contains(status) {
                let location = answer.header("Location").map { "to \(PlatformProblem.bounded(redact($0)))" } ?? "without a Location"
                throw AEPProvisioningError(
                    .redirect, redact("\(request.summary) answered \(status), a redirect \(location) that is not followed (no token goes to another origin); set platformURL to the gateway itself"),
                    status: status
                )
            }
            if status == 401 || status == 403, tokens.canRefresh, !refreshed {
                await tokens.invalidate(token)
                refreshed = true
                continue
            }
            let problem = answer.bodyTruncated ? nil : PlatformProblem(json: Self.json(answer.body), redactor: tokens.redactor)
            let retryable = status == 429 || (500 ..< 600).contains(status)
            if retryable, attempt < configuration.maxAttempts {
                let asked = RetryAfterValue.delay(answer.header("Retry-After"), now: now())
                let delay = min(asked ?? backoff(attempt), configuration.maxRetryDelay)
                try await wait(delay, reason: describe(request, status, problem, answer), attempt: attempt)
                attempt += 1
                continue
            }
            let code: AEPProvisioningError.Code =
                retryable ? .unavailable : (status == 401 || status == 403) ? .authenticationFailed : .refused
            let tries = retryable ? " after \(attempt) attempt\(attempt == 1 ? "" : "s")" : ""
            throw AEPProvisioningError(code, describe(request, status, problem, answer) + tries, status: status, problem: problem)
        }
    }

    /// The documented headers: credentials, org, sandbox, then the endpoint's content types.
    private func headers(for request: PlatformRequest, token: Secret?) -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = []
        if let token { headers.append(("Authorization", "Bearer " + token.value)) }
        headers.append(("x-api-key", configuration.apiKey))
        headers.append(("x-gw-ims-org-id", configuration.orgID))
        headers.append(("x-sandbox-name", configuration.sandbox))
        if let accept = request.accept { headers.append(("Accept", accept)) }
        if request.body != nil { headers.append(("Content-Type", request.contentType)) }
        return headers
    }

    /// `Schema Registry POST /… answered 400: title: detail (report: message)`, redacted.
    private func describe(_ request: PlatformRequest, _ status: Int, _ problem: PlatformProblem?, _ answer: HTTPTransportResponse) -> String {
        let quoted: String =
            if let problem { ": " + problem.description }
            else if answer.bodyTruncated { " (a body cut at \(answer.body.count) bytes, not read)" }
            else if answer.body.isEmpty { "" }
            // Redacted whole, then cut: a cut first could leave half a secret past the redactor.
            else { ": " + PlatformProblem.bounded(redact(String(decoding: answer.body, as: UTF8.self))) }
        return redact("\(request.summary) answered \(status)\(quoted)")
    }

    private func backoff(_ attempt: Int) -> Duration {
        let factor = 1 << min(attempt - 1, 16)
        return min(configuration.retryDelay * factor, configuration.maxRetryDelay)
    }

    private func wait(_ delay: Duration, reason: String, attempt: Int) async throws(AEPProvisioningError) {
        configuration.log(ChatlioLogRecord(level: .warning, message: "\(reason); attempt \(attempt + 1) of \(configuration.maxAttempts) in \(delay)"))
        do {
            try await sleep(delay)
        } catch {
            throw AEPProvisioningError(.transport, "cancelled while waiting to retry: \(reason)")
        }
    }

    static func json(_ body: Data) -> JSONValue? {
        guard !body.isEmpty else { return nil }
        return try? JSONValue(parsing: body, options: JSONParsingOptions(maxBytes: max(body.count, 1), maxDepth: 128))
    }
}
