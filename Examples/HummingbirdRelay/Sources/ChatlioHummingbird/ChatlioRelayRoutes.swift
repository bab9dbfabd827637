import AEPStreamingClient
import ChatlioRelay
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import ServiceLifecycle

/// The Chatlio routes on a Hummingbird router:
/// `POST /chatlio/{kind}` (token in `?token=`), `POST /chatlio/{token}/{kind}`, and `GET /health`.
///
/// ```swift
/// let router = Router()
/// ChatlioRelayRoutes(relay: relay, client: client).register(on: router)
/// ```
public struct ChatlioRelayRoutes: Sendable {
    public let relay: ChatlioRelay
    public let client: AEPStreamingClient

    public init(relay: ChatlioRelay, client: AEPStreamingClient) {
        self.relay = relay
        self.client = client
    }

    public func register(on router: Router<BasicRequestContext>) {
        let relay = relay
        let client = client
        // One parameter name for the first segment: the router keys its tree on it.
        router.post("chatlio/:first") { request, context in
            try await Self.forward(request, route: context.parameters.get("first"), pathToken: nil, relay: relay)
        }
        router.post("chatlio/:first/:kind") { request, context in
            try await Self.forward(request, route: context.parameters.get("kind"), pathToken: context.parameters.get("first"), relay: relay)
        }
        router.get("health") { _, _ -> Response in
            let metrics = client.metrics()
            let body = #"{"status":"ok","queued":\#(metrics.queued),"delivered":\#(metrics.delivered),"deadLettered":\#(metrics.deadLettered)}"#
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
        }
    }

    static func forward(_ request: Request, route: String?, pathToken: String?, relay: ChatlioRelay) async throws -> Response {
        var request = request
        // One byte over the cap lets the relay answer 413 itself.
        let limit = relay.configuration.maxBodyBytes + 1
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: limit)
        } catch {
            return Response(status: .contentTooLarge)
        }
        var query: [String: String] = [:]
        for (name, value) in request.uri.queryParameters { query[String(name)] = String(value) }
        let webhook = WebhookRequest(
            route: route ?? "",
            body: Data(buffer.readableBytesView),
            headers: request.headers.map { (name: $0.name.canonicalName, value: $0.value) },
            query: query,
            pathToken: pathToken)
        let answer = await relay.handle(webhook)
        var headers = HTTPFields()
        for (name, value) in answer.headers {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        return Response(status: .init(code: answer.status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: answer.body)))
    }
}

/// Drains the streaming client when the service group shuts down gracefully
/// (SIGTERM/SIGINT): what cannot be delivered in time stays in the outbox.
public struct StreamingClientDrain: Service {
    public let client: AEPStreamingClient
    public let timeout: Duration

    public init(client: AEPStreamingClient, timeout: Duration = .seconds(10)) {
        self.client = client
        self.timeout = timeout
    }

    public func run() async throws {
        try? await gracefulShutdown()
        _ = await client.shutdown(timeout: timeout)
    }
}

/// The whole application: routes, the admin routes when given, plus the client drain as a service.
///
/// ```swift
/// let admin = try ChatlioAdminRoutes(administration: administration, token: adminToken)
/// let app = makeChatlioApplication(relay: relay, client: client, admin: admin, port: 8080)
/// try await app.runService()
/// ```
///
/// - Parameter admin: the `/admin` endpoints; `nil` leaves them unmounted, and says so in a warning.
public func makeChatlioApplication(
    relay: ChatlioRelay, client: AEPStreamingClient, admin: ChatlioAdminRoutes? = nil, host: String = "127.0.0.1", port: Int,
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let router = Router()
    ChatlioRelayRoutes(relay: relay, client: client).register(on: router)
    var logger = Logger(label: "chatlio-relay")
    logger.logLevel = .warning
    if let admin {
        admin.register(on: router)
    } else {
        logger.warning("no admin token (ADMIN_TOKEN): the /admin endpoints are not mounted; dead letters need chatlio-aep-admin with the relay stopped")
    }
    return Application(
        router: router,
        configuration: .init(address: .hostname(host, port: port), serverName: "chatlio-relay"),
        services: [StreamingClientDrain(client: client)],
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
        logger: logger)
}
