public import AEPStreamingClient
public import ChatlioRelay
public import ChatlioRelayServer
public import Foundation
public import Logging
public import Vapor

/// A Vapor application set up as the Chatlio relay: the JSON error middleware
/// in place of Vapor's defaults, the webhook routes and `/health`, `/ready`,
/// `/metrics`, and the admin routes when given.
///
/// ```swift
/// let app = try await Application.make(.production)
/// ChatlioVaporApplication.configure(app, relay: relay, client: client, admin: admin, metrics: metrics,
///                                   stateDirectory: state.root, logger: logger)
/// let port = try await ChatlioVaporApplication.start(app, host: "127.0.0.1", port: 0)
/// // … later:
/// await app.server.shutdown()
/// await RelayServerDrain.drain(client, timeout: .seconds(10), logger: logger)
/// try await app.asyncShutdown()
/// ```
public enum ChatlioVaporApplication {
    /// - Parameters:
    ///   - admin: the `/admin` endpoints; `nil` leaves them unmounted.
    ///   - metrics: `/metrics`; `nil` leaves it unmounted.
    ///   - stateDirectory: checked by `/ready`.
    ///   - logger: gets one line per request Vapor refuses (unknown path, wrong method, too large); Vapor's own
    ///     lines go to it too, never below `info` (Vapor's trace lines show request paths, which may hold the URL token).
    public static func configure(
        _ app: Application, relay: ChatlioRelay, client: AEPStreamingClient, admin: RelayAdminAnswers? = nil,
        metrics: RelayServerMetrics? = nil, stateDirectory: URL? = nil, logger: Logger = Logger(label: "chatlio-relay")
    ) {
        var vaporLogger = logger
        vaporLogger.logLevel = max(logger.logLevel, .info)
        app.logger = vaporLogger
        app.http.server.configuration.logger = vaporLogger
        app.http.server.configuration.serverName = "chatlio-relay"
        // Vapor's limit one byte over the relay's, so a body above the relay's cap reaches the relay's 413.
        app.routes.defaultMaxBodySize = ByteCount(value: relay.configuration.maxBodyBytes + 1)
        // Vapor's default middleware logs every request path (which may hold the URL token) and answers errors
        // in its own shape: both are replaced.
        app.middleware = Middlewares()
        app.middleware.use(ChatlioJSONErrorMiddleware(logger: logger))
        ChatlioVaporRoutes(relay: relay, client: client, stateDirectory: stateDirectory, metrics: metrics, logger: logger).register(on: app)
        if let admin { ChatlioVaporAdminRoutes(answers: admin).register(on: app) }
    }

    /// The application for ``RelayServerComponents`` built from the settings.
    public static func configure(_ app: Application, components: RelayServerComponents) {
        configure(
            app, relay: components.relay, client: components.client, admin: components.admin, metrics: components.metrics,
            stateDirectory: components.state.root, logger: components.logger)
        app.http.server.configuration.hostname = components.settings.host
        app.http.server.configuration.port = components.settings.port
    }

    /// Starts the HTTP server on `host:port` (port 0: a free one) and returns the port it listens on.
    public static func start(_ app: Application, host: String = "127.0.0.1", port: Int) async throws -> Int {
        try await app.server.start(address: .hostname(host, port: port))
        return app.http.server.shared.localAddress?.port ?? port
    }
}
