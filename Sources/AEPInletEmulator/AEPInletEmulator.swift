import ChatlioAEPSupport
public import Foundation
import ChatlioJSON
import XDMSchemaRegistry

/// An in-process stand-in for AEP's streaming inlet (DCS) on loopback HTTP,
/// with scriptable faults and a record of everything accepted.
///
/// It serves `POST /collection/{inletId}` and `POST /collection/batch/{inletId}`
/// like `dcs.adobedc.net`: envelope checks, optional schema validation,
/// `syncValidation`, bearer tokens, 200/207/400/401/403/404/413 bodies shaped
/// like AEP's. Faults (``faults``) make it answer 429/503 with `Retry-After`,
/// fail single messages inside a 207, respond slowly or drop connections.
///
/// ```swift
/// let emulator = try AEPInletEmulator(configuration: .init(inletId: "test-inlet"))
/// try emulator.start()
/// defer { emulator.stop() }
/// emulator.faults.failNext(2, status: 503, retryAfter: .seconds(1))
///
/// var request = URLRequest(url: emulator.batchURL)
/// request.httpMethod = "POST"
/// request.setValue("application/json", forHTTPHeaderField: "Content-Type")
/// request.httpBody = body
/// let (data, response) = try await URLSession.shared.data(for: request)   // 503, then 503, then 207
///
/// #expect(await emulator.record.waitForCount(3))
/// #expect(emulator.record.duplicateIDs.isEmpty)
/// ```
///
/// All members are thread-safe. ``stop()`` closes the listening socket and
/// every connection and joins every thread before it returns; the emulator can
/// be started again (on a new ephemeral port unless ``Configuration/port`` is fixed).
public final class AEPInletEmulator: Sendable {
    private struct State: Sendable {
        var server: LoopbackServer?
        var lastServer: LoopbackServer?
        var port: Int
        var requestCount = 0
    }

    /// The configuration the emulator was created with.
    public let configuration: Configuration
    /// The fault script: one-shot faults, rules, per-message failures, random rate.
    public let faults: FaultInjector
    /// Accepted messages and the request log.
    public let record: InletRecord

    private let handler: DCSRequestHandler
    private let state: Locked<State>

    /// Creates a stopped emulator.
    ///
    /// - Throws: ``AEPInletEmulatorError/Code/invalidConfiguration`` when a value is out of range.
    public init(configuration: Configuration = Configuration()) throws(AEPInletEmulatorError) {
        if let problem = configuration.problem() {
            throw AEPInletEmulatorError(.invalidConfiguration, problem)
        }
        self.configuration = configuration
        faults = FaultInjector()
        if configuration.faultRate > 0 {
            faults.setRandomFaults(rate: configuration.faultRate, seed: configuration.faultSeed)
        }
        record = InletRecord(limits: configuration.recordLimits, log: configuration.log)
        handler = DCSRequestHandler(settings: DCSRequestHandler.Settings(
            inletID: configuration.inletId, dataMode: configuration.dataMode, failureShape: configuration.failureShape,
            requiredToken: configuration.requiredToken, flowID: configuration.flowId, imsOrgID: configuration.imsOrgId,
            validator: configuration.validator, maxBodyBytes: configuration.maxRequestBodyBytes, acceptsToken: configuration.acceptsToken
        ))
        state = Locked(State(port: configuration.port))
    }

    deinit {
        stop()
    }

    // MARK: - Lifecycle

    /// Binds the loopback address and starts serving.
    ///
    /// - Returns: ``inletURL``.
    /// - Throws: ``AEPInletEmulatorError`` when already running, when the
    ///   address cannot be bound, or when the record file cannot be opened.
    @discardableResult
    public func start() throws(AEPInletEmulatorError) -> URL {
        try state.withLock { (state: inout State) throws(AEPInletEmulatorError) in
            guard state.server == nil else {
                throw AEPInletEmulatorError(.alreadyRunning, "the emulator is already listening on port \(state.port)")
            }
            if let file = configuration.recordFile { try record.openFile(file) }
            let limits = HTTPRequestParser.Limits(
                maxHeaderBytes: configuration.maxHeaderBytes, maxHeaderCount: 100, maxBodyBytes: configuration.maxRequestBodyBytes
            )
            let settings = LoopbackServer.Settings(
                address: configuration.bindAddress, port: configuration.port, limits: limits,
                idleTimeout: configuration.idleTimeout, headTimeout: configuration.requestHeaderTimeout,
                requestTimeout: configuration.requestTimeout, maxConnections: configuration.maxConnections,
                tracksResources: configuration.tracksResources
            )
            let bodyLimit = configuration.maxRequestBodyBytes
            let log = configuration.log
            let server: LoopbackServer
            do throws(AEPInletEmulatorError) {
                server = try LoopbackServer(
                    settings: settings,
                    handler: { [weak self] request, context in
                        self?.handle(request, context: context) ?? .drop
                    },
                    errorResponder: { DCSResponses.parseError($0, bodyLimit: bodyLimit) },
                    log: log
                )
                try server.start()
            } catch {
                record.closeFile()
                throw error
            }
            state.server = server
            state.lastServer = server
            state.port = server.port
        }
        configuration.log(ChatlioLogRecord(level: .info, message: "AEP inlet emulator listening at \(inletURL.absoluteString)"))
        return inletURL
    }

    /// Stops serving: closes the listening socket and every connection,
    /// interrupts delayed responses and joins every thread. Idempotent.
    public func stop() {
        let server = state.withLock { state -> LoopbackServer? in
            defer { state.server = nil }
            return state.server
        }
        guard let server else { return }
        server.stop()
        record.closeFile()
        configuration.log(ChatlioLogRecord(level: .info, message: "AEP inlet emulator on port \(server.port) stopped"))
    }

    /// Whether the emulator is serving.
    public var isRunning: Bool {
        state.withLock { $0.server != nil }
    }

    /// The bound port: the kernel's choice after ``start()`` when
    /// ``Configuration/port`` is 0; the last bound port after ``stop()``.
    public var port: Int {
        state.withLock { $0.port }
    }

    /// Connections open right now (0 when stopped): a helper for tests of connection reuse, not API (README.md, "Stable API").
    public var openConnectionCount: Int {
        state.withLock { $0.server }?.openConnectionCount ?? 0
    }

    /// What the running server's listening descriptor refers to, `socket:[inode]`
    /// (tests only; `nil` when stopped or without `/proc`).
    var listeningSocketIdentity: String? {
        state.withLock { $0.server }?.listeningSocketIdentity
    }

    /// What the last server left behind after ``stop()`` (tests only; needs
    /// `Configuration.tracksResources`).
    var lastResourceReport: LoopbackServer.ResourceReport? {
        state.withLock { $0.lastServer }?.resourceReport
    }

    // MARK: - URLs

    /// `http://127.0.0.1:<port>` (or `http://[::1]:<port>`). Valid after ``start()``.
    public var baseURL: URL {
        Self.url("http://\(configuration.bindAddress.urlHost):\(port)")
    }

    /// `…/collection/{inletId}`: the single-message endpoint.
    public var inletURL: URL {
        Self.url("\(baseURL.absoluteString)/collection/\(configuration.inletId)")
    }

    /// `…/collection/batch/{inletId}`: the multi-message endpoint.
    public var batchURL: URL {
        Self.url("\(baseURL.absoluteString)/collection/batch/\(configuration.inletId)")
    }

    /// The single-message URL with `syncValidation=true` and/or an
    /// `x-adobe-flow-id` query parameter (the form Chatlio webhooks use).
    public func inletURL(syncValidation: Bool = false, flowId: String? = nil) -> URL {
        var items: [URLQueryItem] = []
        if syncValidation { items.append(URLQueryItem(name: "syncValidation", value: "true")) }
        if let flowId { items.append(URLQueryItem(name: "x-adobe-flow-id", value: flowId)) }
        guard !items.isEmpty, var components = URLComponents(url: inletURL, resolvingAgainstBaseURL: false) else {
            return inletURL
        }
        components.queryItems = items
        return components.url ?? inletURL
    }

    private static func url(_ string: String) -> URL {
        // The host, port and inlet id are validated, so parsing cannot fail;
        // the fallback only keeps the API non-optional without a force unwrap.
        URL(string: string) ?? URL(fileURLWithPath: string)
    }

    // MARK: - Serving

    func handle(_ request: HTTPRequest, context: ServerContext) -> ServerAction {
        let number = state.withLock { state -> Int in
            state.requestCount += 1
            return state.requestCount
        }
        let receivedTimeMs = Int64((configuration.now().timeIntervalSince1970 * 1000).rounded(.down))
        let requestID = UUID().uuidString.lowercased()
        let route: DCSRoute
        switch handler.admit(request, requestID: requestID) {
        case .failure(let refusal):
            logRequest(number, request, endpoint: nil, status: refusal.response.status, fault: nil, messages: 0)
            return .respond(refusal.response)
        case .success(let admitted):
            route = admitted
        }

        var headers: [String: String] = [:]
        for field in request.headers where headers[field.name.lowercased()] == nil {
            headers[field.name.lowercased()] = field.value
        }
        let facts = FaultRule.Request(
            endpoint: route.endpoint, number: number, bodyBytes: request.body, headers: headers, query: request.query
        )
        let fault = faults.decide(for: facts)
        if let fault {
            configuration.log(ChatlioLogRecord(level: .warning, message: "request \(number): injecting fault \(fault)"))
            if let delay = fault.delay, !context.sleep(for: delay) {
                logRequest(number, request, endpoint: route.endpoint, status: nil, fault: fault, messages: 0)
                return .drop
            }
        }

        var forced: DCSRequestHandler.ForcedFailure?
        var dropAfterAccepting = false
        switch fault?.action {
        case .respond(let status, let retryAfter, let emptyBody):
            let response = DCSResponses.fault(status: status, retryAfter: retryAfter, emptyBody: emptyBody)
            logRequest(number, request, endpoint: route.endpoint, status: status, fault: fault, messages: 0)
            return .respond(response)
        case .drop(let afterAccepting):
            guard afterAccepting else {
                logRequest(number, request, endpoint: route.endpoint, status: nil, fault: fault, messages: 0)
                return .drop
            }
            dropAfterAccepting = true
        case .failMessages(let indices, let status, let message):
            forced = DCSRequestHandler.ForcedFailure(indices: indices, status: status, message: message)
        case .none?, nil:
            break
        }

        let faults = self.faults
        var messageFailure: (@Sendable (() -> JSONValue) -> (status: Int, message: String)?)?
        if faults.hasMessageRules {
            messageFailure = { tree in faults.messageFailure(for: tree()) }
        }
        let outcome = handler.process(request, route: route, context: DCSRequestHandler.Context(
            receivedTimeMs: receivedTimeMs, requestNumber: number, transactionID: requestID, forcedFailure: forced,
            messageFailure: messageFailure
        ))
        for message in outcome.failedValidation {
            // Answered 200 like AEP's asynchronous validation, so the log is where a person sees it.
            let listed = message.violations.prefix(5).map(\.description).joined(separator: "; ")
            configuration.log(ChatlioLogRecord(
                level: .warning,
                message: "request \(number): message \(message.id ?? "without _id") failed schema validation (AEP: to the dataset's failed batch, not ingested): \(listed)"
            ))
        }
        logRequest(
            number, request, endpoint: route.endpoint, status: dropAfterAccepting ? nil : outcome.response.status, fault: fault,
            messages: outcome.messageCount, accepted: mapped(outcome.accepted), failedValidation: outcome.failedValidation
        )
        return dropAfterAccepting ? .drop : .respond(outcome.response)
    }

    /// Raw messages with what the dataflow's mapping set makes of them
    /// (``Configuration/dataPrepMapping``), validated like an XDM message.
    private func mapped(_ accepted: [ReceivedMessage]) -> [ReceivedMessage] {
        guard configuration.dataMode == .raw, let mapping = configuration.dataPrepMapping else { return accepted }
        return accepted.map { message in
            let result = mapping.apply(to: message.message)
            var errors = result.errors
            let entity = JSONValue.object(result.entity)
            if let validator = configuration.validator {
                let violations = validator.violations(of: entity, schemaID: mapping.outputSchemaID)
                if !violations.isEmpty {
                    let listed = violations.prefix(5).map { "\($0.pointerToViolation): \($0.message)" }.joined(separator: "; ")
                    errors.append(DataPrepError(.invalidXDM, "the mapped entity is not valid XDM, so AEP would not ingest the row: \(listed)"))
                    return message.withMapping(nil, errors: errors)
                }
            }
            return message.withMapping(entity, errors: errors)
        }
    }

    /// Records the request with the messages it brought, at once, and logs it.
    private func logRequest(
        _ number: Int, _ request: HTTPRequest, endpoint: InletEndpoint?, status: Int?, fault: Fault?, messages: Int,
        accepted: [ReceivedMessage] = [], failedValidation: [ReceivedMessage] = []
    ) {
        record.append(
            request: RequestLogEntry(
                number: number, endpoint: endpoint, method: request.method, target: request.target, status: status,
                fault: fault?.description, messageCount: messages, acceptedCount: accepted.count
            ),
            accepted: accepted, failedValidation: failedValidation
        )
        configuration.log(ChatlioLogRecord(
            level: .debug,
            message: "\(request.method) \(request.target) → \(status.map(String.init) ?? "dropped") (\(accepted.count)/\(messages) accepted)"
        ))
    }
}
