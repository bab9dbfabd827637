public import Foundation

extension AEPInletEmulator {
    /// How the emulated inlet behaves. Every property has a default that
    /// matches an unauthenticated XDM inlet on `127.0.0.1` with an ephemeral port.
    ///
    /// ```swift
    /// var configuration = AEPInletEmulator.Configuration()
    /// configuration.inletId = "9b0c1f5e27f5"
    /// configuration.requiredToken = "test-token"        // 401/403 without it
    /// configuration.failureShape = .status               // 207 entries use "status"
    /// configuration.validator = myRegistryValidator      // schema checks on xdmEntity
    /// configuration.recordFile = URL(fileURLWithPath: "/tmp/accepted.ndjson")
    /// let emulator = try AEPInletEmulator(configuration: configuration)
    /// ```
    public struct Configuration: Sendable {
        /// The inlet id in `/collection/{inletId}`; other ids get 404.
        /// Letters, digits, `-`, `_`, `.` and `~` only.
        public var inletId: String
        /// The TCP port; 0 (the default) lets the kernel pick a free one.
        public var port: Int
        /// `127.0.0.1` (default) or `::1`.
        public var bindAddress: BindAddress
        /// XDM envelopes (default) or raw JSON for Data Prep flows.
        public var dataMode: DataMode
        /// How failed messages appear in 207 responses.
        public var failureShape: FailureShape
        /// When set, requests need `Authorization: Bearer <token>`: none gives 401, another token 403.
        /// An inlet an ``AEPPlatformEmulator`` flow got also takes the tokens the platform's
        /// `/ims/token/v3` issued.
        public var requiredToken: String?
        /// The dataflow the inlet feeds. When set, an `x-adobe-flow-id` header or query
        /// parameter must equal it (else the request gets 400), and in XDM mode every
        /// envelope must name it in `header.flowId` (or carry it in the request's
        /// `x-adobe-flow-id`), else that message fails (400, or a failed 207 entry).
        /// Adobe requires the flow id "for both XDM and RAW data"
        /// (help/sources/tutorials/api/create/streaming/http.md).
        public var flowId: String?
        /// The inlet's organisation; an envelope `header.imsOrgId` that differs fails.
        public var imsOrgId: String
        /// Schema validation of each xdmEntity; `nil` checks the envelope only, and then a
        /// single message sent with `syncValidation=true` gets `{"skipped":true,"emulator":…}`
        /// rather than AEP's `{"status":"pass"}`, as nothing was validated.
        /// In raw mode with ``dataPrepMapping``, it checks each mapped entity.
        public var validator: (any XDMEntityValidator)?
        /// Raw mode only: the dataflow's Data Prep mapping set. Each accepted
        /// message's ``ReceivedMessage/mappedEntity`` is then what the set makes
        /// of it, checked by ``validator`` when one is set, with the errors in
        /// ``ReceivedMessage/mappingErrors``. ``AEPPlatformEmulator`` sets it
        /// for every Chatlio flow from the flow's `Mapping` transformation.
        ///
        /// ```swift
        /// configuration.dataMode = .raw
        /// configuration.dataPrepMapping = try DataPrepMappingSet(mapper.dataPrepMappingSet())
        /// ```
        public var dataPrepMapping: DataPrepMappingSet?
        /// Request bodies above this many bytes get 413 (AEP: 1 MB).
        public var maxRequestBodyBytes: Int
        /// Request line plus headers above this many bytes get 431.
        public var maxHeaderBytes: Int
        /// The most connections open at once. When this many are open, a new
        /// connection closes the one that has waited longest for its request,
        /// so slow or idle clients cannot lock others out; only when every one
        /// is handling a request is the new one closed at once.
        public var maxConnections: Int
        /// A keep-alive connection silent this long is closed (and one silent
        /// this long in the middle of a request).
        public var idleTimeout: Duration
        /// A request's line and headers must be complete this long after it
        /// began (the connection's accept for its first request, the first byte
        /// for later ones), however the bytes trickle in; then the connection
        /// gets 408 and is closed.
        public var requestHeaderTimeout: Duration
        /// The whole request, body included, must be complete this long after it began.
        public var requestTimeout: Duration
        /// Fraction (0…1) of requests that get a random fault from ``Fault/defaultRandomChoices``.
        public var faultRate: Double
        /// Seed of the random fault generator.
        public var faultSeed: UInt64
        /// When set, every accepted message is appended to this NDJSON file.
        public var recordFile: URL?
        /// How much of what it accepts ``AEPInletEmulator/record`` keeps in memory
        /// (the oldest messages are dropped, and counted, past it). Default: 1,000,000 messages, 1 GiB.
        public var recordLimits = InletRecord.Limits()
        /// Receives log events; the default discards them.
        public var log: @Sendable (ChatlioLogRecord) -> Void
        /// The clock behind `receivedTimeMs`.
        public var now: @Sendable () -> Date
        /// Leak accounting for this package's tests (see ``AEPInletEmulator/lastResourceReport``).
        var tracksResources = false
        /// Bearer tokens taken besides ``requiredToken``: the platform emulator sets it to the
        /// tokens its `/ims/token/v3` issued. When set, a token is required even without ``requiredToken``.
        var acceptsToken: (@Sendable (String) -> Bool)?

        /// Creates a configuration; see the properties for the defaults.
        public init(
            inletId: String = "emulated-inlet",
            port: Int = 0,
            bindAddress: BindAddress = .ipv4Loopback,
            dataMode: DataMode = .xdm,
            failureShape: FailureShape = .statusCode,
            requiredToken: String? = nil,
            flowId: String? = nil,
            imsOrgId: String = "EMULATED0000000000000000@AdobeOrg",
            validator: (any XDMEntityValidator)? = nil,
            maxRequestBodyBytes: Int = 1_048_576,
            maxHeaderBytes: Int = 16_384,
            maxConnections: Int = 256,
            idleTimeout: Duration = .seconds(30),
            requestHeaderTimeout: Duration = .seconds(10),
            requestTimeout: Duration = .seconds(30),
            faultRate: Double = 0,
            faultSeed: UInt64 = 0,
            recordFile: URL? = nil,
            log: @escaping @Sendable (ChatlioLogRecord) -> Void = { _ in },
            now: @escaping @Sendable () -> Date = { Date() }
        ) {
            self.inletId = inletId
            self.port = port
            self.bindAddress = bindAddress
            self.dataMode = dataMode
            self.failureShape = failureShape
            self.requiredToken = requiredToken
            self.flowId = flowId
            self.imsOrgId = imsOrgId
            self.validator = validator
            self.maxRequestBodyBytes = maxRequestBodyBytes
            self.maxHeaderBytes = maxHeaderBytes
            self.maxConnections = maxConnections
            self.idleTimeout = idleTimeout
            self.requestHeaderTimeout = requestHeaderTimeout
            self.requestTimeout = requestTimeout
            self.faultRate = faultRate
            self.faultSeed = faultSeed
            self.recordFile = recordFile
            self.log = log
            self.now = now
        }

        /// The first problem with these values, if any.
        func problem() -> String? {
            let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~")
            if inletId.isEmpty || !inletId.allSatisfy(allowed.contains) || inletId == "batch" {
                return "inletId \"\(inletId)\" must be non-empty, not \"batch\", and use only letters, digits, '-', '_', '.', '~'"
            }
            if !(0 ... 65_535).contains(port) { return "port \(port) is outside 0…65535" }
            if maxRequestBodyBytes < 1 { return "maxRequestBodyBytes must be positive" }
            if maxHeaderBytes < 256 { return "maxHeaderBytes must be at least 256" }
            if maxConnections < 1 { return "maxConnections must be positive" }
            if idleTimeout <= .zero { return "idleTimeout must be positive" }
            if requestHeaderTimeout <= .zero { return "requestHeaderTimeout must be positive" }
            if requestTimeout <= .zero { return "requestTimeout must be positive" }
            if !faultRate.isFinite || !(0 ... 1).contains(faultRate) { return "faultRate \(faultRate) is outside 0…1" }
            if let requiredToken, requiredToken.isEmpty { return "requiredToken must not be empty" }
            if recordLimits.messages < 1 || recordLimits.bytes < 1 { return "recordLimits must be positive (got \(recordLimits))" }
            return nil
        }
    }
}

extension AEPInletEmulator.Configuration: CustomStringConvertible, CustomReflectable {
    /// The settings, with ``requiredToken`` shown only as set or not: a
    /// configuration printed into a log or a test failure never shows it.
    public var description: String {
        "Configuration(inletId: \(inletId), port: \(port), bindAddress: \(bindAddress), dataMode: \(dataMode), "
            + "failureShape: \(failureShape), requiredToken: \(requiredToken == nil ? "none" : "<redacted>"), "
            + "flowId: \(flowId ?? "none"), imsOrgId: \(imsOrgId), validator: \(validator == nil ? "none" : "set"), dataPrepMapping: \(dataPrepMapping.map { "\($0.count) mappings" } ?? "none"), "
            + "maxRequestBodyBytes: \(maxRequestBodyBytes), maxHeaderBytes: \(maxHeaderBytes), maxConnections: \(maxConnections), "
            + "idleTimeout: \(idleTimeout), requestHeaderTimeout: \(requestHeaderTimeout), requestTimeout: \(requestTimeout), faultRate: \(faultRate), faultSeed: \(faultSeed), recordFile: \(recordFile?.path ?? "none"), recordLimits: \(recordLimits))"
    }

    /// What `dump` and debuggers show: the same, token redacted.
    public var customMirror: Mirror {
        Mirror(self, children: [
            "inletId": inletId, "port": port, "bindAddress": bindAddress, "dataMode": dataMode,
            "failureShape": failureShape, "requiredToken": requiredToken == nil ? "none" : "<redacted>",
            "flowId": flowId as Any, "imsOrgId": imsOrgId, "maxRequestBodyBytes": maxRequestBodyBytes,
            "maxHeaderBytes": maxHeaderBytes, "maxConnections": maxConnections, "idleTimeout": idleTimeout,
            "requestHeaderTimeout": requestHeaderTimeout, "requestTimeout": requestTimeout,
            "faultRate": faultRate, "faultSeed": faultSeed, "recordFile": recordFile as Any,
            "recordLimits": recordLimits,
        ], displayStyle: .struct)
    }
}
