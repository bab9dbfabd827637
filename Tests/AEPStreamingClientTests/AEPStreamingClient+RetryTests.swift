@testable import AEPStreamingClient
import AEPInletEmulator
import ChatlioAEPTestSupport
import ChatlioJSON
import Foundation
import Testing

@Suite("AEPStreamingClient over loopback: retries, Retry-After, dead letters", loopbackTimeLimit)
struct AEPStreamingClientRetryTests {
    @Test("5xx answers pause the pipeline and probe with one event until the inlet accepts; no attempt is counted", arguments: [500, 502, 503, 504])
    func serverErrors(_ status: Int) async throws {
        let emulator = try Fixture.emulator()
        defer { emulator.stop() }
        emulator.faults.failNext(3, status: status)
        let transport = RecordingTransport()
        let client = try await AEPStreamingClient(
            // Only the flush sends, one request at a time: the five go as one batch however slowly they are sent.
            configuration: Fixture.configuration(for: emulator) {
                $0.batching.linger = .seconds(60)
                $0.batching.maxConcurrentRequests = 1
            }, outbox: InMemoryOutbox(), transport: transport
        )
        let reports = ReportCollector(client)
        for index in 0 ..< 5 { try await client.send(Fixture.event("evt-\(index)")) }
        #expect(await client.flush(timeout: .seconds(15)))
        #expect(await reports.waitFor(5))
        #expect(reports.delivered.count == 5)
        #expect(transport.all.map(\.status) == [status, status, status, 207, 207])
        #expect(transport.all.map(\.messages) == [5, 1, 1, 1, 4], "a failed batch, two failed probes, one good probe, then the rest at full rate")
        #expect(client.metrics().retried == 0)
        #expect(client.metrics().requestFailures == 3)
        #expect(client.metrics().probes == 3)
        #expect(client.metrics().requestsByStatus[status] == 3)
        await client.shutdown(timeout: .seconds(5))
    }

    @Test("a dropped connection is retried; a probe accepted before the drop is resent with the same id")
    func droppedConnections() async throws {
        let emulator = try Fixture.emulator()
        defer { emulator.stop() }
        emulator.faults.dropNext()
        emulator.faults.dropNext(afterAccepting: true)
        let client = try await AEPStreamingClient(configuration: Fixture.configuration(for: emulator) {
            // Long enough that a loaded machine does not abandon a request before the inlet reads it (which
            // would shift the faults onto other requests); a drop URLSession notices only at the deadline
            // still fits twice in the flush's time.
            $0.requestTimeout = .seconds(5)
            $0.batching.maxConcurrentRequests = 1
            $0.batching.linger = .seconds(60)
        }, outbox: InMemoryOutbox())
        let reports = ReportCollector(client)
        for index in 0 ..< 4 { try await client.send(Fixture.event("evt-\(index)")) }
        try #require(await client.flush(timeout: .seconds(60)), "\(client.metrics()); requests: \(emulator.record.requests)")
        #expect(await reports.waitFor(4))
        #expect(reports.delivered.count == 4)
        #expect(emulator.record.uniqueIDs.count == 4)
        #expect(emulator.record.duplicateIDs == ["evt-0": 2], "the first probe was accepted before the drop, then sent again")
        #expect(emulator.record.requests.map(\.status) == [nil, nil, 207, 207])
        await client.shutdown(timeout: .seconds(5))
    }

    @Test("a request that outlives requestTimeout is abandoned and retried")
    func timeout() async throws {
        let emulator = try Fixture.emulator()
        defer { emulator.stop() }
        emulator.faults.delayNext(by: .seconds(30))
        let logs = LogCollector()
        let client = try await AEPStreamingClient(configuration: Fixture.configuration(for: emulator) {
            // The retry has the same deadline: one second, not less, so a loaded machine does not time it out too.
            $0.requestTimeout = .seconds(1)
            $0.batching.maxConcurrentRequests = 1
            $0.log = logs.handler
        }, outbox: InMemoryOutbox())
        let reports = ReportCollector(client)
        try await client.send(Fixture.event("evt-0"))
        #expect(await client.flush(timeout: .seconds(20)))
        #expect(await reports.waitFor(1))
        if case .delivered? = reports.all.first?.outcome {} else { Issue.record("not delivered: \(reports.all)") }
        // The abandoned attempt is logged as a warning (its wording depends on whether our deadline or
        // URLSession's whole-second timeout fires first, which varies under ThreadSanitizer).
        #expect(logs.all.contains { $0.level >= .warning }, "\(logs.all)")
        // One abandoned attempt, or more if a retry too outlived its deadline on a loaded machine; the
        // delivering attempt comes after them all.
        let abandoned = client.metrics().requestsByStatus[0, default: 0]
        #expect(abandoned >= 1)
        #expect(reports.all.first?.attempts == abandoned + 1)
        await client.shutdown(timeout: .seconds(5))
    }

    @Test("Retry-After in seconds pauses the whole pipeline before the next request")
    func retryAfterSeconds() async throws {
        let emulator = try Fixture.emulator()
        defer { emulator.stop() }
        emulator.faults.failNext(1, status: 429, retryAfter: .seconds(2))
        let transport = RecordingTransport()
        let client = try await AEPStreamingClient(configuration: Fixture.configuration(for: emulator) {
            $0.batching.maxMessages = 2
            $0.batching.maxConcurrentRequests = 1
        }, outbox: InMemoryOutbox(), transport: transport)
        for index in 0 ..< 6 { try await client.send(Fixture.event("evt-\(index)")) }
        #expect(await eventually { client.metrics().pausedUntil != nil }, "the pause shows in the metrics")
        #expect(await client.flush(timeout: .seconds(15)))
        #expect(emulator.record.uniqueIDs.count == 6)
        let exchanges = transport.all
        #expect(exchanges.first?.status == 429)
        // Every later request waited out the pause: no request started within 2 s of the 429.
        let first = try #require(exchanges.first?.sentAt)
        let gaps = exchanges.dropFirst().map { first.duration(to: $0.sentAt) }
        #expect(gaps.allSatisfy { $0 >= .milliseconds(1_990) }, "\(gaps)")
        await client.shutdown(timeout: .seconds(5))
    }

    @Test("Retry-After as an HTTP date pauses too")
    func retryAfterDate() async throws {
        let emulator = try Fixture.emulator()
        defer { emulator.stop() }
        // Whole seconds: the date is at least 1 s after now, at most 2 s.
        let resume = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 + 2).rounded(.down))
        emulator.faults.failNext(1, status: 503, retryAfter: .date(resume))
        let transport = RecordingTransport()
        let client = try await AEPStreamingClient(configuration: Fixture.configuration(for: emulator), outbox: InMemoryOutbox(), transport: transport)
        try await client.send(Fixture.event("evt-1"))
        #expect(await client.flush(timeout: .seconds(15)))
        #expect(Date() >= resume.addingTimeInterval(-0.01), "the retry came after the Retry-After date")
        #expect(transport.all.map(\.status) == [503, 207])
        await client.shutdown(timeout: .seconds(5))
    }

    @Test("an inlet answering 503 to every request dead-letters nothing: events wait, one probe at a time, and all go once it is back")
    func outageDeadLettersNothing() async throws {
        let emulator = try Fixture.emulator()
        defer { emulator.stop() }
        let outage = emulator.faults.add(FaultRule(.status(503)))
        let transport = RecordingTransport()
        let client = try await AEPStreamingClient(
            // One request at a time: two batches failing together would put a batch among the probes counted below.
            configuration: Fixture.configuration(for: emulator) {
                $0.retry.maxAttempts = 2
                $0.batching.maxConcurrentRequests = 1
            }, outbox: InMemoryOutbox(), transport: transport
        )
        let reports = ReportCollector(client)
        for index in 0 ..< 30 { try await client.send(Fixture.event("evt-\(index)")) }
        // Far more failed requests than maxAttempts: none counts against the events.
        try #require(await eventually(timeout: .seconds(60)) { client.metrics().requestFailures >= 8 })
        let during = client.metrics()
        #expect(during.deadLettered == 0)
        #expect(during.queued == 30)
        #expect(during.probes >= 7, "after the first failure only single-event probes go out: \(during)")
        let sizes = transport.all.dropFirst().prefix(7).map(\.messages)
        #expect(sizes.allSatisfy { $0 == 1 }, "probes carry one event: \(sizes)")
        emulator.faults.remove(outage)
        #expect(await client.flush(timeout: .seconds(30)))
        #expect(await reports.waitFor(30))
        #expect(reports.delivered.count == 30)
        #expect(try await client.deadLetters.entries().isEmpty)
        #expect(emulator.record.uniqueIDs == Set((0 ..< 30).map { "evt-\($0)" }))
        await client.shutdown(timeout: .seconds(5))
    }

    @Test("an event's own retryable verdict inside a 207 counts: dead-lettered after maxAttempts, kept with its payload")
    func ownFailuresRunOut() async throws {
        let emulator = try Fixture.emulator()
        defer { emulator.stop() }
        emulator.faults.failMessages(where: { $0["body"]?["xdmEntity"]?["_id"] == "bad" }, status: 503, message: "Service unavailable")
        let letters = InMemoryDeadLetterStore()
        let client = try await AEPStreamingClient(
            configuration: Fixture.configuration(for: emulator) { $0.retry.maxAttempts = 3 }, outbox: InMemoryOutbox(), deadLetters: letters
        )
        let reports = ReportCollector(client)
        try await client.send(Fixture.event("bad"))
        try await client.send(Fixture.event("good"))
        #expect(await client.flush(timeout: .seconds(15)))
        #expect(await reports.waitFor(2))
        let report = try #require(reports.report(for: "bad"))
        #expect(report.attempts == 3)
        guard case .deadLettered(let status, let message) = report.outcome else {
            Issue.record("expected a dead letter: \(report)")
            return
        }
        #expect(status == 503)
        #expect(message.contains("Service unavailable") && message.contains("3 failed attempts"), "\(message)")
        let letter = try #require(try await letters.letter(id: "bad"))
        #expect(letter.payload == Fixture.event("bad").payload)
        #expect(letter.entry.status == 503)
        #expect(letter.entry.attempts == 3)
        #expect(letter.entry.firstSentAt != nil)
        #expect(client.metrics().deadLettered == 1)
        #expect(emulator.record.uniqueIDs == ["good"])
        await client.shutdown(timeout: .seconds(5))
    }

    @Test("an event in a long retry backoff does not hold back new events")
    func backoffDoesNotBlock() async throws {
        let emulator = try Fixture.emulator()
        defer { emulator.stop() }
        emulator.faults.failMessages(where: { $0["body"]?["xdmEntity"]?["_id"] == "slow" }, status: 503, message: "busy")
        let client = try await AEPStreamingClient(configuration: Fixture.configuration(for: emulator) {
            $0.retry.initialBackoff = .seconds(120)
            $0.retry.maxBackoff = .seconds(120)
        }, outbox: InMemoryOutbox())
        try await client.send(Fixture.event("slow"))
        try #require(await eventually { client.metrics().retried >= 1 })
        try await client.send(Fixture.event("fresh"))
        #expect(await emulator.record.waitForCount(1, timeout: .seconds(20)), "the new event went out while the old one waits")
        #expect(emulator.record.uniqueIDs == ["fresh"])
        #expect(emulator.record.requests.count == 2, "the slow event was not retried yet: \(emulator.record.requests.count) requests")
        await client.shutdown(timeout: .milliseconds(100))
    }

    @Test("a fault storm (30% 5xx, 429 bursts, dropped connections) loses nothing; duplicates share their _id")
    func faultStorm() async throws {
        let emulator = try Fixture.emulator()
        defer { emulator.stop() }
        emulator.faults.setRandomFaults(rate: 0.3, seed: 42, choices: [
            .status(503), .status(500), .status(502), .status(429, retryAfter: .seconds(0)), .dropConnection, .dropConnectionAfterAccepting,
        ])
        let logs = LogCollector()
        let client = try await AEPStreamingClient(configuration: Fixture.configuration(for: emulator) {
            $0.retry.maxAttempts = 100
            $0.batching.maxMessages = 20
            // URLSession on Linux sometimes notices a connection closed without an answer only at the deadline:
            // short, but not so short that a loaded machine abandons most requests.
            $0.requestTimeout = .seconds(2)
            $0.log = logs.handler
        }, outbox: InMemoryOutbox())
        let reports = ReportCollector(client)
        let ids = (0 ..< 600).map { "storm-\($0)" }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for chunk in stride(from: 0, to: ids.count, by: 100) {
                group.addTask {
                    for id in ids[chunk ..< chunk + 100] { try await client.send(Fixture.event(id)) }
                }
            }
            try await group.waitForAll()
        }
        let flushed = await client.flush(timeout: .seconds(90))
        #expect(flushed, "\(client.metrics()); \(logs.all.filter { $0.level >= .warning }.map(\.description).joined(separator: "\n"))")
        #expect(await reports.waitFor(600))
        #expect(reports.delivered.count == 600)
        #expect(emulator.record.uniqueIDs == Set(ids))
        #expect(emulator.faults.injectedCount > 5)
        let messages = emulator.record.messages
        #expect(messages.allSatisfy { $0.id.map(Set(ids).contains) ?? false }, "every message, duplicates included, carries one of our _ids")
        await client.shutdown(timeout: .seconds(5))
    }
}
