public import AEPStreamingClient
public import ChatlioRelay
public import ChatlioRelayServer
import ChatlioWebhooks
public import Foundation
import HTTPTypes
public import Hummingbird
public import Logging
public import ServiceLifecycle

/// The Chatlio routes on a Hummingbird router:
/// `POST /chatlio/{kind}` (token in `?token=`), `POST /chatlio/{token}/{kind}`
/// (any other method: 405), `GET /health` (liveness, with the relay's and the
/// client's counters), `GET /ready` (the state directory is writable and
/// AEP is not failing) and, given metrics, `GET /metrics` (Prometheus). The
/// answers are ChatlioRelayServer's, the same as the Vapor relay's.
///
/// ```swift
/// let router = Router()
/// router.add(middleware: JSONErrorMiddleware(logger: logger))
/// ChatlioRelayRoutes(relay: relay, client: client, stateDirectory: state.root, logger: logger).register(on: router)
/// ```
public struct ChatlioRelayRoutes: Sendable {
    public let relay: ChatlioRelay
    public let client: AEPStreamingClient
    /// Checked by `/ready`: the outbox, dead letters and quarantine live there.
    public let stateDirectory: URL?
    /// `/metrics` is mounted only with these.
    public let metrics: RelayServerMetrics?
    public let logger: Logger

    public init(
        relay: ChatlioRelay, client: AEPStreamingClient, stateDirectory: URL? = nil, metrics: RelayServerMetrics? = nil,
        logger: Logger = Logger(label: "chatlio-relay")
    ) {
        self.relay = relay
        self.client = client
        self.stateDirectory = stateDirectory
        self.metrics = metrics
        self.logger = logger
    }

    public func register(on router: Router<BasicRequestContext>) {
        let relay = relay
        let client = client
        let stateDirectory = stateDirectory
        let metrics = metrics
        let logger = logger
        // One parameter name for the first segment: the router keys its tree on it.
        router.post("chatlio/:first") { request, context in
            try await Self.forward(request, route: context.parameters.get("first"), pathToken: nil, relay: relay)
        }
        router.post("chatlio/:first/:kind") { request, context in
            try await Self.forward(request, route: context.parameters.get("kind"), pathToken: context.parameters.get("first"), relay: relay)
        }
        for method in [HTTPRequest.Method.get, .put, .delete, .patch, .head, .options] {
            for path in ["chatlio/:first", "chatlio/:first/:kind"] {
                router.on(RouterPath(path), method: method) { request, _ -> Response in
                    // The path may carry the URL token: the line names the method only.
                    logger.warning("refused \(request.method) on a webhook route: 405, webhooks are POSTed")
                    return RelayServerAnswer.methodNotAllowed.hummingbirdResponse
                }
            }
        }
        router.get("health") { _, _ -> Response in
            RelayServerStatus.health(relay: relay.metrics(), client: client.metrics()).hummingbirdResponse
        }
        router.get("ready") { _, _ -> Response in
            RelayServerStatus.ready(stateDirectory: stateDirectory, client: client.metrics()).hummingbirdResponse
        }
        if let metrics {
            router.get("metrics") { _, _ -> Response in metrics.scrape().hummingbirdResponse }
        }
    }

    static func forward(_ request: Request, route: String?, pathToken: String?, relay: ChatlioRelay) async throws -> Response {
        var request = request
        // One byte over the cap lets the relay answer 413 itself.
        let limit = relay.configuration.maxBodyBytes + 1
        let answer: WebhookResponse
        do {
            let buffer = try await request.collectBody(upTo: limit)
            var query: [String: String] = [:]
            for (name, value) in request.uri.queryParameters { query[String(name)] = String(value) }
            answer = await relay.handle(WebhookRequest(
                route: route ?? "",
                body: Data(buffer.readableBytesView),
                headers: request.headers.map { (name: $0.name.canonicalName, value: $0.value) },
                query: query,
                pathToken: pathToken))
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            // Hummingbird stops reading at the limit; the answer is still the relay's own 413.
            answer = relay.refuseOversizedBody(route: route ?? "")
        }
        var headers = HTTPFields()
        for (name, value) in answer.headers {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        return Response(status: .init(code: answer.status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: answer.body)))
    }
}

/// Every error the framework answers by itself (an unknown path, a body above
/// its own limit) gets a JSON body like the relay's, and one log line, so no
/// answer is an empty page and no refusal goes unseen.
///
/// ```swift
/// router.add(middleware: JSONErrorMiddleware(logger: logger))
/// ```
public struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    public let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as any HTTPResponseError {
            // Paths may carry the URL token: the line names the method and the first segment only.
            logger.warning("\(RelayServerAnswer.refusalLine(method: request.method.rawValue, path: request.uri.path, status: error.status.code, reason: error.status.reasonPhrase))")
            return RelayServerAnswer.frameworkError(status: error.status.code, reason: error.status.reasonPhrase).hummingbirdResponse
        }
    }
}

/// Drains the streaming client when the service group shuts down gracefully
/// (SIGTERM/SIGINT): what cannot be delivered in time stays in the outbox.
public struct StreamingClientDrain: Service {
    public let client: AEPStreamingClient
    public let timeout: Duration
    public let logger: Logger

    public init(client: AEPStreamingClient, timeout: Duration = .seconds(10), logger: Logger = Logger(label: "chatlio-relay")) {
        self.client = client
        self.timeout = timeout
        self.logger = logger
    }

    public func run() async throws {
        try? await gracefulShutdown()
        await RelayServerDrain.drain(client, timeout: timeout, logger: logger)
    }
}

/// The whole application: routes, the admin routes when given, plus the client drain as a service.
///
/// ```swift
/// let admin = try ChatlioAdminRoutes(administration: administration, token: adminToken)
/// let app = makeChatlioApplication(relay: relay, client: client, admin: admin, metrics: RelayServerMetrics(relay: relay, client: client), port: 8080)
/// try await app.runService()
/// ```
///
/// - Parameters:
///   - admin: the `/admin` endpoints; `nil` leaves them unmounted.
///   - metrics: `/metrics`; `nil` leaves it unmounted.
///   - stateDirectory: checked by `/ready`.
///   - logger: gets one line per request the framework refuses (unknown path, wrong method) and the drain's outcome.
public func makeChatlioApplication(
    relay: ChatlioRelay, client: AEPStreamingClient, admin: ChatlioAdminRoutes? = nil, metrics: RelayServerMetrics? = nil,
    host: String = "127.0.0.1", port: Int, stateDirectory: URL? = nil, logger: Logger = Logger(label: "chatlio-relay"),
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let router = Router()
    router.add(middleware: JSONErrorMiddleware(logger: logger))
    ChatlioRelayRoutes(relay: relay, client: client, stateDirectory: stateDirectory, metrics: metrics, logger: logger).register(on: router)
    admin?.register(on: router)
    return Application(
        router: router,
        configuration: .init(address: .hostname(host, port: port), serverName: "chatlio-relay"),
        services: [StreamingClientDrain(client: client, logger: logger)],
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
        logger: logger)
}
