public import AEPStreamingClient
public import ChatlioRelay
public import ChatlioRelayServer
import ChatlioWebhooks
public import Foundation
public import Logging
public import Vapor

/// The Chatlio routes on a Vapor application, as on the Hummingbird relay:
/// `POST /chatlio/{kind}` (token in `?token=`), `POST /chatlio/{token}/{kind}`
/// (any other method: 405 with `Allow: POST`), `GET /health` (liveness, with
/// the relay's and the client's counters), `GET /ready` (the state directory is
/// writable and AEP is not failing) and, given metrics, `GET /metrics` (Prometheus).
///
/// ```swift
/// app.middleware = Middlewares()
/// app.middleware.use(ChatlioJSONErrorMiddleware(logger: logger))
/// try ChatlioVaporRoutes(relay: relay, client: client, stateDirectory: state.root, logger: logger).register(on: app)
/// ```
public struct ChatlioVaporRoutes: Sendable {
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

    public func register(on routes: any RoutesBuilder) {
        let relay = relay
        let client = client
        let stateDirectory = stateDirectory
        let logger = logger
        // The body is read in the handler, one byte over the relay's cap, so the relay answers 413 itself.
        routes.on(.POST, "chatlio", ":first", body: .stream) { request async throws -> Response in
            try await Self.forward(request, route: request.parameters.get("first"), pathToken: nil, relay: relay)
        }
        routes.on(.POST, "chatlio", ":first", ":kind", body: .stream) { request async throws -> Response in
            try await Self.forward(request, route: request.parameters.get("kind"), pathToken: request.parameters.get("first"), relay: relay)
        }
        for method in [HTTPMethod.GET, .PUT, .DELETE, .PATCH, .HEAD, .OPTIONS] {
            for path in [["chatlio", ":first"], ["chatlio", ":first", ":kind"]] {
                routes.on(method, path.map { PathComponent(stringLiteral: $0) }) { request -> Response in
                    // The path may carry the URL token: the line names the method only.
                    logger.warning("refused \(request.method.rawValue) on a webhook route: 405, webhooks are POSTed")
                    return RelayServerAnswer.methodNotAllowed.vaporResponse
                }
            }
        }
        routes.get("health") { _ -> Response in
            RelayServerStatus.health(relay: relay.metrics(), client: client.metrics()).vaporResponse
        }
        routes.get("ready") { _ -> Response in
            RelayServerStatus.ready(stateDirectory: stateDirectory, client: client.metrics()).vaporResponse
        }
        if let metrics {
            routes.get("metrics") { _ -> Response in metrics.scrape().vaporResponse }
        }
    }

    static func forward(_ request: Request, route: String?, pathToken: String?, relay: ChatlioRelay) async throws -> Response {
        let limit = relay.configuration.maxBodyBytes + 1
        let answer: WebhookResponse
        do {
            let buffer = try await request.body.collect(max: limit).get()
            var query: [String: String] = [:]
            for item in URLComponents(string: request.url.string)?.queryItems ?? [] { query[item.name] = item.value ?? "" }
            answer = await relay.handle(WebhookRequest(
                route: route ?? "",
                body: buffer.map { Data($0.readableBytesView) } ?? Data(),
                headers: request.headers.map { (name: $0.name, value: $0.value) },
                query: query,
                pathToken: pathToken))
        } catch let error as any AbortError where error.status == .payloadTooLarge {
            // Vapor stops reading past the limit; the answer is still the relay's own JSON 413.
            answer = relay.refuseOversizedBody(route: route ?? "")
        }
        return Response(
            status: HTTPResponseStatus(statusCode: answer.status), headers: HTTPHeaders(answer.headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }),
            body: .init(data: Data(answer.body)))
    }
}
