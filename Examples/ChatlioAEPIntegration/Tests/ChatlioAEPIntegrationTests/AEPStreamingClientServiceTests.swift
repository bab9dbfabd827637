import AEPInletEmulator
import AEPStreamingClient
import ChatlioAEPAsyncHTTPClient
import ChatlioAEPServiceLifecycle
import ChatlioRelayServerTesting
import Foundation
import Logging
import ServiceLifecycle
import Testing
import UnixSignals
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("AEPStreamingClientService in a ServiceGroup: drained on graceful shutdown, the remaining count logged", loopbackTimeLimit, .serialized)
struct AEPStreamingClientServiceTests {
    /// Says when the group has started its services (its signal handlers are installed before).
    final class ReadyProbe: Service, @unchecked Sendable {
        private let lock = NSLock()
        private var started = false
        var isRunning: Bool { lock.withLock { started } }

        func run() async throws {
            lock.withLock { started = true }
            try? await gracefulShutdown()
        }
    }

    @Test("SIGTERM to the process: the group shuts down, the client delivers what it holds, and logs remaining 0")
    func sigtermDrains() async throws {
        let emulator = try Fixture.emulator()
        defer { emulator.stop() }
        emulator.faults.delayNext(1, by: .milliseconds(300))
        let transport = AsyncHTTPClientTransport()
        let client = try await AEPStreamingClient(
            configuration: Fixture.configuration(inletURL: emulator.inletURL) { $0.batching.linger = .seconds(30) },
            outbox: InMemoryOutbox(), transport: transport
        )
        let (logger, store) = CapturingLogHandler.logger()
        let probe = ReadyProbe()
        let service = AEPStreamingClientService(client: client, drainTimeout: .seconds(20), logger: logger) {
            try? await transport.shutdown()
        }
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: probe), .init(service: service)], gracefulShutdownSignals: [.sigterm], logger: logger
        ))
        let running = Task { try await group.run() }
        try #require(await eventually { probe.isRunning })
        let ids = (0 ..< 10).map { "term-\($0)" }
        // A 30 s linger: without the drain, nothing would be sent before the process ended.
        for id in ids { try await client.send(Fixture.event(id)) }

        kill(getpid(), SIGTERM)
        try await running.value

        #expect(emulator.record.uniqueIDs == Set(ids))
        let outcome = try #require(store.all.first { $0.message == "AEP streaming client drained" })
        #expect(outcome.level == .info)
        #expect(outcome.metadata["remaining"] == "0")
        #expect(outcome.metadata["drained"] == "true")
        #expect(store.all.contains { $0.message == "draining the AEP streaming client" && $0.metadata["queued"] == "10" })
        await #expect(throws: AEPStreamingClientError.self) { try await client.send(Fixture.event("late")) }
    }

    @Test("a graceful shutdown with the inlet down: the drain ends at its timeout, logs the remaining count, and the events stay in the file outbox")
    func drainTimeoutLeavesEventsInTheOutbox() async throws {
        let reservation = try ReservedLoopbackPort()
        defer { reservation.release() }
        let directory = Fixture.temporaryDirectory("service")
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = try #require(URL(string: "http://127.0.0.1:\(reservation.port)/collection/integration"))
        let transport = AsyncHTTPClientTransport()
        let client = try await AEPStreamingClient(
            configuration: Fixture.configuration(inletURL: url),
            outbox: try FileOutbox(directory: directory.appendingPathComponent("outbox")), transport: transport
        )
        let (logger, store) = CapturingLogHandler.logger()
        let probe = ReadyProbe()
        let service = AEPStreamingClientService(client: client, drainTimeout: .milliseconds(300), logger: logger) {
            try? await transport.shutdown()
        }
        let group = ServiceGroup(configuration: .init(services: [.init(service: probe), .init(service: service)], logger: logger))
        let running = Task { try await group.run() }
        try #require(await eventually { probe.isRunning })
        for index in 0 ..< 3 { try await client.send(Fixture.event("kept-\(index)")) }

        await group.triggerGracefulShutdown()
        try await running.value

        let outcome = try #require(store.all.first { $0.metadata["remaining"] != nil })
        #expect(outcome.level == .warning)
        #expect(outcome.metadata["remaining"] == "3")
        #expect(outcome.metadata["drained"] == "false")
        // Shut down, the client has let go of its outbox: the next start on it finds them.
        let outbox = try FileOutbox(directory: directory.appendingPathComponent("outbox"))
        #expect(try await outbox.storedEntries().map(\.id).sorted() == ["kept-0", "kept-1", "kept-2"])
    }

    @Test("the group cancelled instead: the client is shut down at once, not graceful, its remaining count logged")
    func cancellationShutsDownAtOnce() async throws {
        let reservation = try ReservedLoopbackPort()
        defer { reservation.release() }
        let url = try #require(URL(string: "http://127.0.0.1:\(reservation.port)/collection/integration"))
        let client = try await AEPStreamingClient(configuration: Fixture.configuration(inletURL: url), outbox: InMemoryOutbox())
        let (logger, store) = CapturingLogHandler.logger()
        let probe = ReadyProbe()
        let service = AEPStreamingClientService(client: client, drainTimeout: .seconds(60), logger: logger)
        let group = ServiceGroup(configuration: .init(services: [.init(service: probe), .init(service: service)], logger: logger))
        let running = Task { try await group.run() }
        try #require(await eventually { probe.isRunning })
        try await client.send(Fixture.event("cancelled-1"))

        running.cancel()
        _ = await running.result

        let outcome = try #require(store.all.first { $0.metadata["remaining"] != nil })
        #expect(outcome.metadata["remaining"] == "1")
        #expect(store.all.contains { $0.message == "draining the AEP streaming client" && $0.metadata["graceful"] == "false" })
    }
}
