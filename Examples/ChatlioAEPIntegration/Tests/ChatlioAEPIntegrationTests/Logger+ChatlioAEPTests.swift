import AEPInletEmulator
import AEPStreamingClient
import ChatlioAEPAsyncHTTPClient
import ChatlioAEPSwiftLog
import ChatlioRelayServerTesting
import Foundation
import Logging
import Testing

@Suite("Logger.chatlioLogHandler: ChatlioAEP log events on swift-log", loopbackTimeLimit)
struct LoggerChatlioAEPTests {
    @Test("the four ChatlioAEP levels map to the swift-log levels of the same names")
    func levelMapping() {
        #expect(ChatlioLogRecord.Level.debug.swiftLogLevel == .debug)
        #expect(ChatlioLogRecord.Level.info.swiftLogLevel == .info)
        #expect(ChatlioLogRecord.Level.warning.swiftLogLevel == .warning)
        #expect(ChatlioLogRecord.Level.error.swiftLogLevel == .error)
    }

    @Test("each event is one record: its message, its level, the component as metadata and source, the fixed metadata kept")
    func oneRecordPerEvent() throws {
        let (logger, store) = CapturingLogHandler.logger()
        let handler = logger.chatlioLogHandler(component: "relay", metadata: ["instance": "relay-1", "component": "overridden"])
        handler(ChatlioLogRecord(level: .warning, message: "refused a body: 413"))
        let records = store.all
        try #require(records.count == 1)
        #expect(records[0].level == .warning)
        #expect(records[0].message == "refused a body: 413")
        #expect(records[0].metadata["component"] == "relay")
        #expect(records[0].metadata["instance"] == "relay-1")
        #expect(records[0].source == "relay")
    }

    @Test("the logger's level filters: a debug event below an info logger leaves no record")
    func loggerLevelFilters() {
        let (logger, store) = CapturingLogHandler.logger(level: .info)
        let handler = logger.chatlioLogHandler(component: "aep-client")
        handler(ChatlioLogRecord(level: .debug, message: "POST … → 200"))
        handler(ChatlioLogRecord(level: .info, message: "started"))
        #expect(store.all.map(\.message) == ["started"])
    }

    @Test("a real client on the emulator logs its start through the bridge, at info, as aep-client")
    func realClientStart() async throws {
        let emulator = try Fixture.emulator()
        defer { emulator.stop() }
        let (logger, store) = CapturingLogHandler.logger()
        let client = try await AEPStreamingClient(
            configuration: Fixture.configuration(inletURL: emulator.inletURL) { $0.log = logger.chatlioLogHandler(component: "aep-client") },
            outbox: InMemoryOutbox()
        )
        try await client.send(Fixture.event("log-1"))
        #expect(await client.flush(timeout: .seconds(10)))
        await client.shutdown(timeout: .seconds(5))
        let started = store.all.first { $0.message.contains("AEP streaming client started") }
        #expect(started?.level == .info)
        #expect(started?.metadata["component"] == "aep-client")
        #expect(store.all.contains { $0.level == .debug && ($0.message.contains("→ 207") || $0.message.contains("→ 200")) }, "the per-request line, at debug")
    }

    // The library redacts what an inlet echoes; the bridge must add nothing that undoes it.
    @Test("an inlet echoing the bearer token in its error body: no record, message or metadata, holds the token")
    func noSecretsReachTheLogger() async throws {
        let token = "tok-7f3a9c1e5b2d4068a1b3c5d7e9f10234"
        let inlet = try ScriptedHTTPServer { request, connection in
            let echoed = request.headers["authorization"] ?? ""
            connection.respond(status: 400, headers: [("Content-Type", "application/json")], body: #"{"message":"bad credential \#(echoed)","report":{"message":"\#(echoed)"}}"#)
        }
        defer { inlet.stop() }
        let (logger, store) = CapturingLogHandler.logger()
        let transport = AsyncHTTPClientTransport()
        let client = try await AEPStreamingClient(
            configuration: Fixture.configuration(inletURL: inlet.url("/collection/integration")) {
                $0.authentication = .bearerToken(Secret(token))
                $0.retry.maxAttempts = 1
                $0.log = logger.chatlioLogHandler(component: "aep-client")
            },
            outbox: InMemoryOutbox(), transport: transport
        )
        try await client.send(Fixture.event("secret-1"))
        #expect(await eventually { client.metrics().deadLettered == 1 })
        await client.shutdown(timeout: .seconds(5))
        try await transport.shutdown()
        #expect(inlet.received.first?.headers["authorization"] == "Bearer \(token)", "the inlet did get the token to echo")
        let records = store.all
        #expect(records.contains { $0.level >= .warning }, "the refusal was logged")
        for record in records {
            #expect(!record.message.contains(token), "\(record.message)")
            #expect(!record.metadata.description.contains(token))
        }
    }
}
