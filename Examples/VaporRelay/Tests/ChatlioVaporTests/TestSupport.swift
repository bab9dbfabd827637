import AEPInletEmulator
import AEPStreamingClient
import ChatlioRelay
import ChatlioRelayServer
import ChatlioRelayServerTesting
import ChatlioVapor
import Foundation
import Logging
import Testing
import Vapor
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A Vapor relay listening on a free loopback port, reached over real TCP with URLSession.
struct LoopbackRelay {
    let app: Application
    let port: Int
    let client: AEPStreamingClient

    static func start(
        relay: ChatlioRelay, client: AEPStreamingClient, admin: RelayAdminAnswers? = nil, metrics: RelayServerMetrics? = nil,
        stateDirectory: URL? = nil, logger: Logger = Logger(label: "test")
    ) async throws -> LoopbackRelay {
        let app = try await Application.make(.testing)
        ChatlioVaporApplication.configure(app, relay: relay, client: client, admin: admin, metrics: metrics, stateDirectory: stateDirectory, logger: logger)
        do {
            let port = try await ChatlioVaporApplication.start(app, port: 0)
            return LoopbackRelay(app: app, port: port, client: client)
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }

    /// Runs `body` against a started relay and stops it afterwards, also when `body` throws
    /// (Vapor requires its shutdown before the application goes away).
    static func with(
        relay: ChatlioRelay, client: AEPStreamingClient, admin: RelayAdminAnswers? = nil, metrics: RelayServerMetrics? = nil,
        stateDirectory: URL? = nil, logger: Logger = Logger(label: "test"), _ body: (LoopbackRelay) async throws -> Void
    ) async throws {
        let server = try await start(relay: relay, client: client, admin: admin, metrics: metrics, stateDirectory: stateDirectory, logger: logger)
        do {
            try await body(server)
        } catch {
            try? await server.stop()
            throw error
        }
        try await server.stop()
    }

    /// A request over loopback: status, body and the response's headers.
    func send(_ path: String, method: String = "GET", body: Data? = nil, headers: [String: String] = [:]) async throws -> (status: Int, body: Data, response: HTTPURLResponse?) {
        try await LoopbackHTTP.send(port: port, path, method: method, body: body, headers: headers)
    }

    /// Stops taking requests, drains the client, shuts Vapor down.
    func stop() async throws {
        await app.server.shutdown()
        await RelayServerDrain.drain(client, timeout: .seconds(10), logger: Logger(label: "test"))
        try await app.asyncShutdown()
    }
}

enum Fixture {
    static let urlToken = "a-long-enough-url-token"
    static let schemaID = "https://ns.adobe.com/acme/schemas/chatlio-experienceevent"

    /// A client with its outbox and dead letters in `state` (the default dead-letter store sits beside
    /// the outbox's folder: an outbox right in the temporary directory would share one across tests).
    static func client(inlet: URL, state: ChatlioStateDirectory) async throws -> AEPStreamingClient {
        var configuration = AEPStreamingClient.Configuration(inletURL: inlet, format: .xdm(schemaID: schemaID, datasetID: "d"), flowID: "flow-1")
        configuration.batching.linger = .milliseconds(10)
        return try await AEPStreamingClient(
            configuration: configuration, outbox: FileOutbox(directory: state.outbox), deadLetters: FileDeadLetterStore(directory: state.deadLetters))
    }

    static func temporaryDirectory(_ prefix: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
    }
}
