@testable import AEPStreamingClient
import AEPInletEmulator
import ChatlioJSON
import Foundation
import Testing

@Suite("AEPStreamingClient over loopback: delivery and batching", loopbackTimeLimit)
struct AEPStreamingClientTests {
    @Test("events are delivered with their xactionIds and removed from the outbox")
    func delivers() async throws {
        let emulator = try Fixture.emulator()
        defer { emulator.stop() }
        let outbox = InMemoryOutbox()
        let client = try await AEPStreamingClient(configuration: Fixture.configuration(for: emulator), outbox: outbox)
        let reports = ReportCollector(client)
        for index in 0 ..< 30 { try await client.send(Fixture.event("evt-\(index)")) }
        #expect(await client.flush(timeout: .seconds(10)))
        #expect(await reports.waitFor(30))
        #expect(emulator.record.uniqueIDs == Set((0 ..< 30).map { "evt-\($0)" }))
        #expect(emulator.record.duplicateIDs.isEmpty)
        let received = try #require(emulator.record.message(withID: "evt-3"))
        #expect(received.schemaID == Fixture.schemaID)
        #expect(received.datasetID == Fixture.datasetID)
        #expect(received.xdmEntity == (try JSONValue(parsing: Fixture.payload("evt-3"))))
        #expect(reports.report(for: "evt-3")?.outcome == .delivered(xactionID: received.xactionID))
        #expect(reports.report(for: "evt-3")?.attempts == 1)
        #expect(outbox.count == 0)
        let metrics = client.metrics()
        #expect(metrics.delivered == 30 && metrics.accepted == 30 && metrics.queued == 0 && metrics.inFlight == 0)
        #expect(metrics.bytesSent > 0 && metrics.requests >= 1)
        #expect(metrics.requestLatency.count == metrics.requests && metrics.requestLatency.p99 != nil)
        #expect(metrics.sendLatency.count == 30)
        await client.shutdown(timeout: .seconds(5))
    }

    @Test("a batch closes on the message count; the rest waits for the linger (or a flush)")
    func countTrigger() async throws {
        let emulator = try Fixture.emulator()
        defer { emulator.stop() }
        let client = try await AEPStreamingClient(configuration: Fixture.configuration(for: emulator) {
            $0.batching.maxMessages = 10
            $0.batching.linger = .seconds(60)
            $0.batching.maxConcurrentRequests = 1
        }, outbox: InMemoryOutbox())
        for index in 0 ..< 25 { try await client.send(Fixture.event("evt-\(index)")) }
        #expect(await emulator.record.waitForCount(20))
        try await Task.sleep(for: .milliseconds(100))
        #expect(emulator.record.count == 20, "the last 5 wait for the 60 s linger")
        #expect(emulator.record.requests.map(\.messageCount) == [10, 10])
        #expect(await client.flush(timeout: .seconds(10)))
        #expect(emulator.record.requests.map(\.messageCount) == [10, 10, 5])
        #expect(emulator.record.requests.allSatisfy { $0.endpoint == .batch && $0.status == 207 })
        await client.shutdown(timeout: .seconds(5))
    }

    @Test("the linger timer sends a partial batch without a flush")
    func lingerTrigger() async throws {
        let emulator = try Fixture.emulator()
        defer { emulator.stop() }
        let client = try await AEPStreamingClient(configuration: Fixture.configuration(for: emulator) {
            $0.batching.maxMessages = 100
            $0.batching.linger = .milliseconds(50)
        }, outbox: InMemoryOutbox())
        for index in 0 ..< 3 { try await client.send(Fixture.event("evt-\(index)")) }
        // No flush: only the linger timer can send them. Under a sanitizer the sends themselves may
        // straddle a 50 ms linger, so the events may come in more than one partial batch.
        #expect(await emulator.record.waitForCount(3, timeout: .seconds(60)))
        let counts = emulator.record.requests.map(\.messageCount)
        #expect(counts.reduce(0, +) == 3 && counts.allSatisfy { $0 < 100 })
        await client.shutdown(timeout: .seconds(5))
    }

    @Test("a batch closes on bytes: every request stays under maxRequestBytes, envelope included")
    func bytesTrigger() async throws {
        let emulator = try Fixture.emulator { $0.maxRequestBodyBytes = 4000 }
        defer { emulator.stop() }
        let transport = RecordingTransport()
        let client = try await AEPStreamingClient(configuration: Fixture.configuration(for: emulator) {
            $0.batching.maxRequestBytes = 4000
            $0.batching.maxMessages = 500
            $0.batching.maxConcurrentRequests = 1
            // Batches close on bytes, the last on the flush: never on a linger the sends straddle.
            $0.batching.linger = .seconds(60)
        }, outbox: InMemoryOutbox(), transport: transport)
        for index in 0 ..< 40 { try await client.send(Fixture.event("evt-\(index)", padding: 300)) }
        #expect(await client.flush(timeout: .seconds(10)))
        #expect(emulator.record.uniqueIDs.count == 40)
        #expect(transport.all.allSatisfy { $0.bodyBytes <= 4000 && $0.status == 207 })
        #expect(transport.all.count >= 4, "about 9 messages of ~440 bytes fit in 4000 bytes")
        #expect(emulator.record.requests.allSatisfy { $0.messageCount > 1 })
        await client.shutdown(timeout: .seconds(5))
    }

    @Test("raw mode posts the payload as is with the flow id header")
    func rawMode() async throws {
        let emulator = try Fixture.emulator {
            $0.dataMode = .raw
            $0.flowId = "flow-1"
        }
        defer { emulator.stop() }
        var configuration = Fixture.configuration(for: emulator)
        configuration.format = .raw
        configuration.flowID = "flow-1"
        let client = try await AEPStreamingClient(configuration: configuration, outbox: InMemoryOutbox())
        let payload = Data(#"{"_id":"raw-1","visitor":{"email":"a@example.com"},"message":"Hi"}"#.utf8)
        try await client.send(StreamingEvent(id: "raw-1", payload: payload))
        for index in 2...4 {
            try await client.send(StreamingEvent(id: "raw-\(index)", payload: Data(#"{"_id":"raw-\#(index)","message":"Hi"}"#.utf8)))
        }
        #expect(await client.flush(timeout: .seconds(10)))
        let received = try #require(emulator.record.message(withID: "raw-1"))
        #expect(received.message == (try JSONValue(parsing: payload)))
        #expect(received.flowID == "flow-1")
        // The default batching.mode is batch, yet raw messages go one per request to /collection/{inletId}:
        // Adobe documents raw data on that endpoint only.
        #expect(emulator.record.uniqueIDs.count == 4)
        #expect(emulator.record.requests.allSatisfy { $0.endpoint == .single && $0.messageCount == 1 })
        await client.shutdown(timeout: .seconds(5))
    }

    @Test("single-message mode with syncValidation: a 501 turns it off and the event is resent")
    func syncValidationFallback() async throws {
        let emulator = try Fixture.emulator()
        defer { emulator.stop() }
        emulator.faults.add(FaultRule(.status(501), endpoint: .single) { $0.query["syncValidation"] == "true" })
        let logs = LogCollector()
        let client = try await AEPStreamingClient(configuration: Fixture.configuration(for: emulator) {
            $0.batching.mode = .single(syncValidation: true)
            $0.batching.maxConcurrentRequests = 1
            $0.log = logs.handler
        }, outbox: InMemoryOutbox())
        let reports = ReportCollector(client)
        try await client.send(Fixture.event("evt-1"))
        try await client.send(Fixture.event("evt-2"))
        #expect(await client.flush(timeout: .seconds(10)))
        #expect(await reports.waitFor(2))
        #expect(reports.delivered.count == 2)
        let targets = emulator.record.requests.map(\.target)
        #expect(targets.first?.contains("syncValidation=true") == true)
        #expect(emulator.record.requests.first?.status == 501)
        #expect(targets.dropFirst().allSatisfy { !$0.contains("syncValidation") }, "\(targets)")
        #expect(emulator.record.requests.allSatisfy { $0.endpoint == .single })
        #expect(logs.all.contains { $0.level == .warning && $0.message.contains("syncValidation") })
        await client.shutdown(timeout: .seconds(5))
    }

    @Test("send refuses ids and payloads that cannot work, and events that can never fit")
    func invalidEvents() async throws {
        let emulator = try Fixture.emulator()
        defer { emulator.stop() }
        let client = try await AEPStreamingClient(configuration: Fixture.configuration(for: emulator) {
            $0.batching.maxRequestBytes = 2000
        }, outbox: InMemoryOutbox())
        let cases: [(StreamingEvent, AEPStreamingClientError.Code)] = [
            (StreamingEvent(id: "", payload: Fixture.payload("x")), .invalidEvent),
            (StreamingEvent(id: "a", payload: Data("[1]".utf8)), .invalidEvent),
            (StreamingEvent(id: "a", payload: Data()), .invalidEvent),
            (Fixture.event("big", padding: 3000), .eventTooLarge),
        ]
        for (event, code) in cases {
            do {
                try await client.send(event)
                Issue.record("\(event.id) was accepted")
            } catch {
                #expect(error.code == code, "\(error)")
            }
        }
        #expect(client.metrics().accepted == 0)
        await client.shutdown(timeout: .seconds(1))
    }

    @Test("validatesPayloadJSON parses each payload")
    func strictPayloads() async throws {
        let emulator = try Fixture.emulator()
        defer { emulator.stop() }
        let client = try await AEPStreamingClient(configuration: Fixture.configuration(for: emulator) { $0.validatesPayloadJSON = true }, outbox: InMemoryOutbox())
        await #expect(throws: AEPStreamingClientError.self) { try await client.send(StreamingEvent(id: "a", payload: Data(#"{"a":}"#.utf8))) }
        try await client.send(Fixture.event("ok"))
        await client.shutdown(timeout: .seconds(5))
    }

    @Test("whoever a report or a returning flush wakes finds the events it announces already counted in the metrics")
    func metricsCountWhatReportsAndFlushesAnnounce() async throws {
        let emulator = try Fixture.emulator()
        defer { emulator.stop() }
        let client = try await AEPStreamingClient(configuration: Fixture.configuration(for: emulator), outbox: InMemoryOutbox())
        // Read on the consumer's own thread the moment each report arrives: the metrics must count it already.
        let behind = Box<[String]>([])
        let consumer = Task {
            var seen = 0
            for await report in client.deliveryReports {
                seen += 1
                let delivered = client.metrics().delivered
                if delivered < seen { behind.mutate { $0.append("report \(report.eventID): \(delivered) counted, \(seen) reported") } }
            }
        }
        let rounds = 200
        for index in 0 ..< rounds {
            try await client.send(Fixture.event("counted-\(index)"))
            #expect(await client.flush(timeout: .seconds(10)))
            let delivered = client.metrics().delivered
            if delivered != index + 1 { behind.mutate { $0.append("flush \(index): \(delivered) counted, \(index + 1) flushed") } }
        }
        await client.shutdown(timeout: .seconds(5))
        consumer.cancel()
        #expect(behind.get().isEmpty, "\(behind.get().prefix(5))")
    }

    @Test("the same id sent twice is stored and delivered once")
    func coalesces() async throws {
        let emulator = try Fixture.emulator()
        defer { emulator.stop() }
        let client = try await AEPStreamingClient(configuration: Fixture.configuration(for: emulator) { $0.batching.linger = .seconds(60) }, outbox: InMemoryOutbox())
        try await client.send(Fixture.event("evt-1"))
        try await client.send(Fixture.event("evt-1"))
        #expect(await client.flush(timeout: .seconds(10)))
        #expect(emulator.record.messages(withID: "evt-1").count == 1)
        #expect(client.metrics().coalesced == 1)
        await client.shutdown(timeout: .seconds(5))
    }
}
