public import AEPStreamingClient
public import Logging
public import ServiceLifecycle

/// Runs an ``AEPStreamingClient`` inside a `ServiceGroup`: the client
/// delivers from the moment it is created, and this service holds it until
/// the group shuts down. On a graceful shutdown (SIGTERM, when the group
/// traps it) the client stops accepting events and keeps delivering for up to
/// ``drainTimeout``; what is still unresolved then stays in the outbox for the
/// next start. The outcome is logged with the drain's `remaining` count.
/// When the group is cancelled instead, the client is shut down at once.
///
/// ```swift
/// let transport = AsyncHTTPClientTransport()
/// let client = try await AEPStreamingClient(configuration: configuration, outbox: outbox, transport: transport)
/// let service = AEPStreamingClientService(client: client, drainTimeout: .seconds(10), logger: logger) {
///     try? await transport.shutdown()
/// }
/// let group = ServiceGroup(configuration: .init(
///     services: [.init(service: httpServer), .init(service: service)],
///     gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
/// try await group.run()
/// ```
///
/// Put the HTTP server before this service in the group: a group shuts its
/// services down in reverse order, so the server stops taking webhooks before
/// the client stops taking events.
public struct AEPStreamingClientService: Service {
    /// The client this service drains.
    public let client: AEPStreamingClient
    /// How long a graceful shutdown keeps delivering.
    public let drainTimeout: Duration
    private let logger: Logger
    private let afterShutdown: (@Sendable () async -> Void)?

    /// Creates the service.
    ///
    /// - Parameters:
    ///   - drainTimeout: how long a graceful shutdown keeps delivering; keep it
    ///     below the orchestrator's grace period (Kubernetes: 30 s by default).
    ///   - logger: where the drain's start and outcome go.
    ///   - afterShutdown: runs once the client has shut down (close the transport here).
    public init(
        client: AEPStreamingClient, drainTimeout: Duration = .seconds(10), logger: Logger,
        afterShutdown: (@Sendable () async -> Void)? = nil
    ) {
        self.client = client
        self.drainTimeout = drainTimeout
        self.logger = logger
        self.afterShutdown = afterShutdown
    }

    public func run() async throws {
        let graceful: Bool
        do {
            try await gracefulShutdown()
            graceful = true
        } catch {
            graceful = false
        }
        let timeout = graceful ? drainTimeout : .zero
        let queued = client.metrics().queued
        logger.info(
            "draining the AEP streaming client",
            metadata: ["queued": "\(queued)", "timeout": "\(timeout)", "graceful": "\(graceful)"]
        )
        let result = await client.shutdown(timeout: timeout)
        logger.log(
            level: result.drained ? .info : .warning,
            result.drained ? "AEP streaming client drained" : "AEP streaming client shut down with events left in the outbox (delivered after the next start)",
            metadata: ["drained": "\(result.drained)", "remaining": "\(result.remaining)"]
        )
        await afterShutdown?()
    }
}
