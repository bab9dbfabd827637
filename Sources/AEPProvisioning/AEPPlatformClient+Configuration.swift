public import AEPStreamingClient
public import Foundation

extension AEPPlatformClient {
    /// Where and as whom the client talks to the Platform APIs.
    ///
    /// Every Platform API call carries `Authorization: Bearer {ACCESS_TOKEN}`,
    /// `x-api-key: {API_KEY}`, `x-gw-ims-org-id: {ORG_ID}` and
    /// `x-sandbox-name: {SANDBOX_NAME}` (help/landing/api-guide.md, "Gather
    /// values for required headers", and every request in
    /// help/sources/tutorials/api/create/marketing-automation/chatlio-webhook.md,
    /// AdobeDocs/experience-platform.en).
    ///
    /// ```swift
    /// let configuration = AEPPlatformClient.Configuration(
    ///     credentials: OAuthClientCredentials(clientID: "f3a…", clientSecret: Secret(secretFromEnvironment)),
    ///     orgID: "ABC123@AdobeOrg", sandbox: "prod"
    /// )
    /// ```
    public struct Configuration: Sendable {
        /// Adobe's Platform API gateway.
        public static let adobePlatformURL = URL(string: "https://platform.adobe.io") ?? URL(fileURLWithPath: "/")

        /// The Platform API gateway (a loopback URL for tests).
        public var platformURL: URL
        /// `x-api-key`: the Developer Console client id.
        public var apiKey: String
        /// `x-gw-ims-org-id`.
        public var orgID: String
        /// `x-sandbox-name`.
        public var sandbox: String
        /// How the bearer token is obtained (OAuth server-to-server, or a fixed token).
        public var authentication: Authentication
        /// The most attempts of one request, the first included (429 and 5xx are retried; at least 1).
        public var maxAttempts: Int
        /// The first retry delay when the answer has no `Retry-After`; doubled at each retry.
        public var retryDelay: Duration
        /// The longest wait between attempts, whatever `Retry-After` asks.
        public var maxRetryDelay: Duration
        /// The longest one exchange may take.
        public var requestTimeout: Duration
        /// Plain http to a host other than loopback (never for real credentials).
        public var allowInsecureHTTP: Bool
        /// The log hook (retries, token refreshes). Messages never carry secrets.
        public var log: @Sendable (ChatlioLogRecord) -> Void

        /// OAuth server-to-server: tokens from IMS with `credentials`; `x-api-key` is the client id.
        public init(credentials: OAuthClientCredentials, orgID: String, sandbox: String, platformURL: URL = Configuration.adobePlatformURL) {
            self.init(apiKey: credentials.clientID, authentication: .oauthClientCredentials(credentials), orgID: orgID, sandbox: sandbox, platformURL: platformURL)
        }

        /// Any authentication, with an explicit `x-api-key`.
        public init(apiKey: String, authentication: Authentication, orgID: String, sandbox: String, platformURL: URL = Configuration.adobePlatformURL) {
            self.platformURL = platformURL
            self.apiKey = apiKey
            self.orgID = orgID
            self.sandbox = sandbox
            self.authentication = authentication
            maxAttempts = 5
            retryDelay = .seconds(1)
            maxRetryDelay = .seconds(60)
            requestTimeout = .seconds(60)
            allowInsecureHTTP = false
            log = { _ in }
        }

        /// Throws ``AEPProvisioningError/Code/invalidConfiguration`` naming the first bad field.
        func validate() throws(AEPProvisioningError) {
            for (name, value) in [("apiKey", apiKey), ("orgID", orgID), ("sandbox", sandbox)] {
                if value.isEmpty { throw AEPProvisioningError(.invalidConfiguration, "\(name) is empty") }
                // A header value with a line break would let one field write others.
                if value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
                    throw AEPProvisioningError(.invalidConfiguration, "\(name) holds a control character")
                }
            }
            if maxAttempts < 1 { throw AEPProvisioningError(.invalidConfiguration, "maxAttempts is \(maxAttempts); at least 1") }
            if retryDelay < .zero || maxRetryDelay < .zero || requestTimeout <= .zero {
                throw AEPProvisioningError(.invalidConfiguration, "retryDelay, maxRetryDelay and requestTimeout must not be negative (requestTimeout above zero)")
            }
            guard let host = platformURL.host, !host.isEmpty else {
                throw AEPProvisioningError(.invalidConfiguration, "platformURL \(platformURL.absoluteString) has no host")
            }
            switch platformURL.scheme?.lowercased() {
            case "https": break
            case "http" where allowInsecureHTTP || Self.isLoopback(host): break
            case "http": throw AEPProvisioningError(.invalidConfiguration, "platformURL uses plain http to \(host), which is not loopback; use https")
            default: throw AEPProvisioningError(.invalidConfiguration, "platformURL must use https")
            }
            if platformURL.query != nil || platformURL.user != nil {
                throw AEPProvisioningError(.invalidConfiguration, "platformURL must not carry a query or user info")
            }
        }

        static func isLoopback(_ host: String) -> Bool {
            let host = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
            if host == "localhost" || host == "::1" { return true }
            let octets = host.split(separator: ".", omittingEmptySubsequences: false)
            return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
        }
    }
}
