import ChatlioAEPSupport
public import Foundation
public import ChatlioJSON

/// An in-process stand-in for the Adobe Experience Platform APIs that
/// provisioning AEP's Chatlio source (and the HTTP API streaming source) uses,
/// on loopback HTTP: Schema Registry, Identity Service, Catalog, Data Prep and
/// Flow Service.
///
/// It is strict about each documented request (the gateway headers, content
/// types, `Accept` per endpoint, required body fields, the fixed spec ids)
/// and answers a refusal with Adobe's error shape and a detail naming the
/// problem. It keeps what was created, in memory, answers the documented
/// look-ups (`property=` filters, lists by name or title) and wires each
/// created flow to a streaming inlet of its own: an ``AEPInletEmulator`` in
/// raw mode for a Chatlio flow (its URL is `items[0].options.inletUrl` of the
/// flow), in the base connection's mode for an HTTP API flow (its URL is the
/// base connection's `auth.params.inletUrl`), each expecting its flow id.
///
/// It also serves Adobe IMS's `POST /ims/token/v3` (OAuth server-to-server,
/// ``Configuration/oauthClients``), so one URL stands in for `platform.adobe.io`
/// and `ims-na1.adobelogin.com`: the tokens it issues pass the gateway and every
/// inlet that requires a token, next to ``Configuration/requiredToken``.
///
/// ```swift
/// let platform = try AEPPlatformEmulator(configuration: .init(tenantId: "acme"))
/// try platform.start()
/// defer { platform.stop() }
/// platform.faults.failRequest(number: 1, of: .flows, method: "POST", status: 500)
///
/// var request = URLRequest(url: platform.baseURL.appendingPathComponent("data/foundation/flowservice/flows"))
/// request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
/// request.setValue(clientID, forHTTPHeaderField: "x-api-key")
/// request.setValue(orgID, forHTTPHeaderField: "x-gw-ims-org-id")
/// request.setValue("prod", forHTTPHeaderField: "x-sandbox-name")
/// // … POST the tutorial's bodies, then GET /flows/{id} for options.inletUrl
/// let inlet = platform.inlet(forFlow: flowID)     // its record holds what arrived
/// ```
///
/// All members are thread-safe. ``stop()`` stops the server and every inlet;
/// the objects are kept, but their inlets are not restarted by a later ``start()``
/// (flows created after it get new, running ones).
public final class AEPPlatformEmulator: Sendable {
    private struct State: Sendable {
        var server: LoopbackServer?
        var port: Int
        var requestCount = 0
        var endpointCounts: [String: Int] = [:]
        var requests: [PlatformRequestLogEntry] = []
    }

    /// The configuration the emulator was created with.
    public let configuration: Configuration
    /// The fault script.
    public let faults: PlatformFaults

    private let service: PlatformService
    private let tokens: IMSTokenIssuer
    private let state: Locked<State>

    /// Creates a stopped emulator.
    ///
    /// - Throws: ``AEPInletEmulatorError/Code/invalidConfiguration`` when a value is out of range.
    public init(configuration: Configuration = Configuration()) throws(AEPInletEmulatorError) {
        if let problem = configuration.problem() {
            throw AEPInletEmulatorError(.invalidConfiguration, problem)
        }
        self.configuration = configuration
        faults = PlatformFaults()
        let state = Locked(State(port: configuration.port))
        self.state = state
        let host = configuration.bindAddress.urlHost
        let tokens = IMSTokenIssuer(clients: configuration.oauthClients, now: configuration.now)
        self.tokens = tokens
        service = PlatformService(configuration: configuration, tokens: tokens, baseURL: { "http://\(host):\(state.withLock { $0.port })" })
    }

    deinit {
        stop()
    }

    // MARK: - Lifecycle

    /// Binds the loopback address and starts serving.
    ///
    /// - Returns: ``baseURL``.
    @discardableResult
    public func start() throws(AEPInletEmulatorError) -> URL {
        try state.withLock { (state: inout State) throws(AEPInletEmulatorError) in
            guard state.server == nil else {
                throw AEPInletEmulatorError(.alreadyRunning, "the platform emulator is already listening on port \(state.port)")
            }
            let limits = HTTPRequestParser.Limits(maxHeaderBytes: 16_384, maxHeaderCount: 100, maxBodyBytes: configuration.maxRequestBodyBytes)
            let settings = LoopbackServer.Settings(
                address: configuration.bindAddress, port: configuration.port, limits: limits, idleTimeout: .seconds(30), maxConnections: 64
            )
            let server = try LoopbackServer(
                settings: settings,
                handler: { [weak self] request, context in self?.handle(request, context: context) ?? .drop },
                errorResponder: { PlatformProblem.parseError($0) },
                log: configuration.log
            )
            try server.start()
            service.stopped.withLock { $0 = false }
            state.server = server
            state.port = server.port
        }
        configuration.log(ChatlioLogRecord(level: .info, message: "AEP platform emulator listening at \(baseURL.absoluteString)"))
        return baseURL
    }

    /// Stops serving and stops every inlet the flows got. Idempotent.
    public func stop() {
        let server = state.withLock { state -> LoopbackServer? in
            defer { state.server = nil }
            return state.server
        }
        service.stopInlets()
        guard let server else { return }
        server.stop()
        configuration.log(ChatlioLogRecord(level: .info, message: "AEP platform emulator on port \(server.port) stopped"))
    }

    /// Whether the emulator is serving.
    public var isRunning: Bool { state.withLock { $0.server != nil } }

    /// The bound port (the kernel's choice when ``Configuration/port`` is 0).
    public var port: Int { state.withLock { $0.port } }

    /// `http://127.0.0.1:<port>`: use it in place of `https://platform.adobe.io`, and in place
    /// of `https://ims-na1.adobelogin.com` too (the token endpoint is ``imsTokenURL``).
    public var baseURL: URL {
        let text = "http://\(configuration.bindAddress.urlHost):\(port)"
        // Host and port are valid by construction; the fallback keeps the API non-optional.
        return URL(string: text) ?? URL(fileURLWithPath: text)
    }

    /// `http://127.0.0.1:<port>/ims/token/v3`: the emulated IMS token endpoint, for
    /// `OAuthClientCredentials.tokenURL`. See ``Configuration/oauthClients``.
    ///
    /// ```swift
    /// var credentials = OAuthClientCredentials(clientID: "test-client", clientSecret: Secret("s3cret"))
    /// credentials.tokenURL = platform.imsTokenURL
    /// ```
    public var imsTokenURL: URL { baseURL.appendingPathComponent("ims/token/v3") }

    /// How many tokens `/ims/token/v3` issued that have not expired.
    public var issuedTokenCount: Int { tokens.liveTokenCount }

    // MARK: - What was created

    /// The inlet of a flow: a Chatlio flow's own, or its HTTP API base connection's.
    public func inlet(forFlow flowID: String) -> AEPInletEmulator? {
        service.state.withLock { state in
            if let inlet = state.inlets[flowID] { return inlet }
            guard let base = state.reservedFlowIDs.first(where: { $0.value == flowID })?.key,
                  state.flows.contains(where: { $0["id"]?.stringValue == flowID }) else { return nil }
            return state.inlets[base]
        }
    }

    /// The inlet an HTTP API base connection got when it was created.
    public func inlet(forBaseConnection id: String) -> AEPInletEmulator? {
        service.state.withLock { state in state.reservedFlowIDs[id] == nil ? nil : state.inlets[id] }
    }

    /// The descriptors created for the schema `$id` (``flows`` and this are what a test reads to check
    /// a provisioning run: a schema may hold only one primary identity, help/xdm/api/descriptors.md).
    ///
    /// ```swift
    /// platform.descriptors(ofSchema: schemaID).filter { $0["xdm:isPrimary"] == true }.count   // 1
    /// ```
    public func descriptors(ofSchema schemaID: String) -> [JSONValue] {
        service.state.withLock { state in state.descriptors.filter { $0["xdm:sourceSchema"]?.stringValue == schemaID }.map(JSONValue.object) }
    }

    /// Every flow created, as `GET /flows/{id}` answers its `items[0]`.
    public var flows: [JSONValue] { service.state.withLock { $0.flows.map(JSONValue.object) } }

    /// Every request answered or dropped, in order.
    public var requests: [PlatformRequestLogEntry] { state.withLock { $0.requests } }

    // MARK: - Serving

    /// Where a path leads: the endpoint and the segments after the collection's service prefix.
    private static func route(_ path: String) -> (endpoint: PlatformEndpoint, segments: [String], service: Service)? {
        let raw = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        // Each segment is decoded alone, so an encoded `$id` (with %2F) stays one segment.
        let segments = raw.map { $0.removingPercentEncoding ?? $0 }
        func rest(after count: Int) -> [String] { Array(segments.dropFirst(count)) }
        guard segments.count >= 3, segments[0] == "data" else { return nil }
        switch (segments[1], segments[2]) {
        case ("foundation", "schemaregistry"):
            let tail = rest(after: 3)
            if tail == ["stats"] { return (.schemas, tail, .schemaRegistry) }
            guard tail.count >= 2, tail.count <= 3, tail[0] == "tenant" else { return nil }
            switch tail[1] {
            case "fieldgroups", "mixins": return (.fieldGroups, tail, .schemaRegistry)
            case "schemas": return (.schemas, tail, .schemaRegistry)
            case "descriptors": return (.descriptors, tail, .schemaRegistry)
            default: return nil
            }
        case ("core", "idnamespace"):
            guard segments.count >= 4, segments.count <= 5, segments[3] == "identities" else { return nil }
            return (.identityNamespaces, rest(after: 4), .identity)
        case ("foundation", "catalog"):
            guard segments.count >= 4, segments.count <= 5, segments[3] == "dataSets" else { return nil }
            return (.dataSets, rest(after: 4), .catalog)
        case ("foundation", "conversion"):
            guard segments.count >= 4, segments.count <= 5, segments[3] == "mappingSets" else { return nil }
            return (.mappingSets, rest(after: 4), .dataPrep)
        case ("foundation", "flowservice"):
            guard segments.count >= 4, segments.count <= 5 else { return nil }
            let endpoints: [String: PlatformEndpoint] = [
                "connections": .connections, "sourceConnections": .sourceConnections, "targetConnections": .targetConnections, "flows": .flows,
            ]
            guard let endpoint = endpoints[segments[3]] else { return nil }
            return (endpoint, rest(after: 3), .flowService)
        default:
            return nil
        }
    }

    private enum Service { case schemaRegistry, identity, catalog, dataPrep, flowService }

    private func handle(_ request: HTTPRequest, context: ServerContext) -> ServerAction {
        let number = state.withLock { state -> Int in
            state.requestCount += 1
            return state.requestCount
        }
        let path = String(request.path)
        if path == IMSTokenIssuer.path {
            // No gateway checks: a token request carries no bearer token yet.
            switch applyFault(number, request, endpoint: .imsToken, method: request.method.uppercased(), context: context) {
            case .answered(let action):
                return action
            case .proceed(let fault):
                let response = tokens.answer(request)
                log(number, request, endpoint: .imsToken, status: response.status, fault: fault)
                return .respond(response)
            }
        }
        guard let route = Self.route(path) else {
            let response = PlatformProblem.notFound("(emulator) no Platform API the emulator serves is at \(path)")
            log(number, request, endpoint: nil, status: response.status, fault: nil)
            return .respond(response)
        }
        var platformRequest = PlatformRequest(http: request, segments: route.segments)
        if let refusal = PlatformGateway(configuration: configuration, tokens: tokens).check(&platformRequest) {
            log(number, request, endpoint: route.endpoint, status: refusal.status, fault: nil)
            return .respond(refusal)
        }
        let fault: Fault?
        switch applyFault(number, request, endpoint: route.endpoint, method: platformRequest.method, context: context) {
        case .answered(let action): return action
        case .proceed(let delayed): fault = delayed
        }
        let response: HTTPResponse
        do {
            switch route.service {
            case .schemaRegistry: response = try service.schemaRegistry(platformRequest, endpoint: route.endpoint)
            case .identity: response = try service.identityNamespaces(platformRequest)
            case .catalog: response = try service.dataSets(platformRequest)
            case .dataPrep: response = try service.mappingSets(platformRequest)
            case .flowService: response = try service.flowService(platformRequest, endpoint: route.endpoint)
            }
        } catch {
            response = error.response
        }
        // A delay is logged with the normal answer that followed it.
        log(number, request, endpoint: route.endpoint, status: response.status, fault: fault)
        return .respond(response)
    }

    /// What a fault left to do: answer in the service's place, or let the service answer
    /// (after a delay, whose fault is logged with that answer).
    private enum FaultOutcome {
        case answered(ServerAction)
        case proceed(Fault?)
    }

    /// Decides the fault for a request that passed routing (and the gateway), waits out its
    /// delay and answers in the service's place when the fault says so.
    private func applyFault(_ number: Int, _ request: HTTPRequest, endpoint: PlatformEndpoint, method: String, context: ServerContext) -> FaultOutcome {
        let countKey = "\(endpoint) \(method)"
        let endpointNumber = state.withLock { state -> Int in
            state.endpointCounts[countKey, default: 0] += 1
            return state.endpointCounts[countKey] ?? 0
        }
        guard let fault = faults.decide(for: PlatformFaults.Request(endpoint: endpoint, method: method, numberForEndpoint: endpointNumber)) else {
            return .proceed(nil)
        }
        configuration.log(ChatlioLogRecord(level: .warning, message: "platform request \(number): injecting fault \(fault)"))
        if let delay = fault.delay, !context.sleep(for: delay) {
            log(number, request, endpoint: endpoint, status: nil, fault: fault)
            return .answered(.drop)
        }
        switch fault.action {
        case .respond(let status, let retryAfter, let emptyBody):
            log(number, request, endpoint: endpoint, status: status, fault: fault)
            return .answered(.respond(PlatformProblem.fault(status: status, retryAfter: retryAfter, emptyBody: emptyBody)))
        case .drop:
            log(number, request, endpoint: endpoint, status: nil, fault: fault)
            return .answered(.drop)
        case .none, .failMessages:
            return .proceed(fault)
        }
    }

    private func log(_ number: Int, _ request: HTTPRequest, endpoint: PlatformEndpoint?, status: Int?, fault: Fault?) {
        // A token request may carry client_secret in its query ("can be sent in the body or as
        // query parameters"): its query is never logged.
        let target = endpoint == .imsToken ? String(request.path) : request.target
        let entry = PlatformRequestLogEntry(
            number: number, endpoint: endpoint, method: request.method, target: target, status: status, fault: fault?.description
        )
        state.withLock { $0.requests.append(entry) }
        configuration.log(ChatlioLogRecord(level: .debug, message: "platform \(request.method) \(target) → \(status.map(String.init) ?? "dropped")"))
    }
}
