public import Foundation

extension AEPStreamingClient {
    /// Everything the client needs to know about the inlet and its own behaviour.
    ///
    /// ```swift
    /// var configuration = AEPStreamingClient.Configuration(
    ///     inletURL: URL(string: "https://dcs.adobedc.net/collection/667b41cf…85ec")!,
    ///     format: .xdm(schemaID: "https://ns.adobe.com/acme/schemas/5e1c…", datasetID: "5f00…01", sourceName: "chatlio-relay")
    /// )
    /// configuration.flowID = "d8a6…"
    /// configuration.authentication = .oauthClientCredentials(.init(clientID: id, clientSecret: Secret(secret)))
    /// configuration.imsOrgID = "ABC123@AdobeOrg"
    /// configuration.batching.linger = .milliseconds(250)
    /// configuration.outboxLimits.overflow = .failFast
    /// configuration.log = logger.chatlioLogHandler(component: "aep-client")   // swift-log: ChatlioAEPSwiftLog (Examples/ChatlioAEPIntegration)
    /// ```
    public struct Configuration: Sendable {
        /// The inlet URL from Flow Service (`https://dcs.adobedc.net/collection/{inletId}`).
        /// The batch endpoint (`/collection/batch/{inletId}`) is derived from it;
        /// either form is accepted. Query parameters are kept.
        public var inletURL: URL
        /// XDM envelopes or raw JSON.
        public var format: MessageFormat
        /// The dataflow id: sent as `x-adobe-flow-id` and, in XDM mode, as
        /// `header.flowId`. Required in both formats: Adobe's HTTP API
        /// tutorial says of `{FLOW_ID}` "This ID is required for both XDM and
        /// RAW data" (help/sources/tutorials/api/create/streaming/http.md in
        /// AdobeDocs/experience-platform.en). An empty or missing id is an
        /// ``AEPStreamingClientError/Code/invalidConfiguration``.
        ///
        /// ```swift
        /// configuration.flowID = flowIDFromFlowService   // GET /flowservice/flows/{id} → id
        /// ```
        public var flowID: String?
        /// Sent as `x-gw-ims-org-id` when set (authenticated inlets).
        public var imsOrgID: String?
        /// Sent as `x-sandbox-name` when set.
        public var sandboxName: String?
        /// Sent as `x-api-key` when set; defaults to the OAuth client id with OAuth.
        public var apiKey: String?
        /// How to authenticate (default: none).
        public var authentication: Authentication
        /// Request grouping.
        public var batching: BatchingPolicy
        /// Retries, backoff, `Retry-After`.
        public var retry: RetryPolicy
        /// Outbox bounds and overflow policy.
        public var outboxLimits: OutboxLimits
        /// The longest one request may take (default 30 s); a timeout is retried.
        public var requestTimeout: Duration
        /// Permits plain http to non-loopback hosts (default `false`).
        public var allowInsecureHTTP: Bool
        /// Extra header fields on every inlet request.
        public var additionalHeaders: [String: String]
        /// Whether `send` parses each payload to check it is one JSON object
        /// (default `false`: only the first and last bytes are checked; a
        /// malformed payload is isolated by splitting when AEP refuses the batch).
        public var validatesPayloadJSON: Bool
        /// Delivery reports kept for a slow reader before the oldest are discarded (counted).
        public var reportBufferSize: Int
        /// Log hook; the default discards everything.
        public var log: @Sendable (ChatlioLogRecord) -> Void
        /// The wall clock (ages, `Retry-After` dates, token expiry).
        public var now: @Sendable () -> Date
        /// A seed for the backoff jitter; `nil` uses the system generator.
        public var randomSeed: UInt64?

        /// Creates a configuration; see the properties for the defaults.
        public init(
            inletURL: URL, format: MessageFormat, flowID: String? = nil, authentication: Authentication = .none,
            batching: BatchingPolicy = BatchingPolicy(), retry: RetryPolicy = RetryPolicy(), outboxLimits: OutboxLimits = OutboxLimits()
        ) {
            self.inletURL = inletURL
            self.format = format
            self.flowID = flowID
            self.imsOrgID = nil
            self.sandboxName = nil
            self.apiKey = nil
            self.authentication = authentication
            self.batching = batching
            self.retry = retry
            self.outboxLimits = outboxLimits
            self.requestTimeout = .seconds(30)
            self.allowInsecureHTTP = false
            self.additionalHeaders = [:]
            self.validatesPayloadJSON = false
            self.reportBufferSize = 10_000
            self.log = { _ in }
            self.now = { Date() }
            self.randomSeed = nil
        }

        /// Checks the values; returns the single-message and batch URLs.
        func validated() throws(AEPStreamingClientError) -> (single: URL, batch: URL) {
            let problems = [batching.problem(), retry.problem(), outboxLimits.problem()]
            if let problem = problems.compactMap({ $0 }).first {
                throw AEPStreamingClientError(.invalidConfiguration, problem)
            }
            if requestTimeout <= .zero { throw AEPStreamingClientError(.invalidConfiguration, "requestTimeout must be positive") }
            if reportBufferSize < 1 { throw AEPStreamingClientError(.invalidConfiguration, "reportBufferSize must be at least 1") }
            if flowID?.trimmingCharacters(in: .whitespaces).isEmpty ?? true {
                throw AEPStreamingClientError(
                    .invalidConfiguration,
                    format.isRaw
                        ? "flowID is required: a raw Data Prep dataflow is addressed by x-adobe-flow-id"
                        : "flowID is required in XDM mode too: Adobe requires the dataflow id for both XDM and raw data (header.flowId, x-adobe-flow-id)")
            }
            if case .xdm(let envelope) = format.kind, envelope.schemaID.isEmpty || envelope.datasetID.isEmpty {
                throw AEPStreamingClientError(.invalidConfiguration, "xdm format needs a schemaID and a datasetID")
            }
            if case .oauth(let credentials) = authentication.kind {
                if credentials.clientID.isEmpty || credentials.clientSecret.isEmpty {
                    throw AEPStreamingClientError(.invalidConfiguration, "OAuth credentials need a client id and a client secret")
                }
                try EndpointSecurity.check(credentials.tokenURL, allowInsecureHTTP: allowInsecureHTTP, role: "token URL")
            }
            try EndpointSecurity.check(inletURL, allowInsecureHTTP: allowInsecureHTTP, role: "inlet URL")
            guard var components = URLComponents(url: inletURL, resolvingAgainstBaseURL: false) else {
                throw AEPStreamingClientError(.invalidConfiguration, "the inlet URL cannot be parsed")
            }
            var segments = components.path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
            guard let collection = segments.lastIndex(of: "collection"), collection + 1 < segments.count else {
                throw AEPStreamingClientError(.invalidConfiguration, "the inlet URL must end in /collection/{inletId} or /collection/batch/{inletId}")
            }
            let rest = Array(segments[(collection + 1)...])
            let inletID: String
            switch rest.count {
            case 1: inletID = rest[0]
            case 2 where rest[0] == "batch": inletID = rest[1]
            default:
                throw AEPStreamingClientError(.invalidConfiguration, "the inlet URL must end in /collection/{inletId} or /collection/batch/{inletId}")
            }
            segments = Array(segments[...collection])
            components.path = "/" + (segments + [inletID]).joined(separator: "/")
            let single = components.url
            components.path = "/" + (segments + ["batch", inletID]).joined(separator: "/")
            let batch = components.url
            guard let single, let batch else {
                throw AEPStreamingClientError(.invalidConfiguration, "the inlet URL cannot be rebuilt")
            }
            return (single, batch)
        }
    }
}
