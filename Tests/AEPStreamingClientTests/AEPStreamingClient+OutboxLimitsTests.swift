@testable import AEPStreamingClient
import AEPInletEmulator
import Foundation
import Testing

@Suite("AEPStreamingClient: outbox bounds and overflow policies", loopbackTimeLimit)
struct AEPStreamingClientOutboxLimitsTests {
    /// A configuration whose events wait (60 s linger) so the outbox fills.
    func holding(_ emulator: AEPInletEmulator, maxEvents: Int = 3, maxBytes: Int = 1 << 20, overflow: OverflowPolicy) -> AEPStreamingClient.Configuration {
        Fixture.configuration(for: emulator) {
            $0.batching.linger = .seconds(60)
            $0.outboxLimits = OutboxLimits(maxEvents: maxEvents, maxBytes: maxBytes, overflow: overflow)
        }
    }

    @Test("failFast refuses the event over the count bound, and counts it")
    func failFast() async throws {
        let emulator = try Fixture.emulator()
        defer { emulator.stop() }
        let client = try await AEPStreamingClient(configuration: holding(emulator, overflow: .failFast), outbox: InMemoryOutbox())
        for index in 0 ..< 3 { try await client.send(Fixture.event("evt-\(index)")) }
        do {
            try await client.send(Fixture.event("evt-3"))
            Issue.record("the fourth event was accepted")
        } catch {
            #expect(error.code == .outboxFull)
        }
        #expect(client.metrics().refusedFull == 1)
        #expect(client.metrics().queued == 3)
        #expect(await client.flush(timeout: .seconds(10)))
        try await client.send(Fixture.event("evt-3"))
        #expect(await client.flush(timeout: .seconds(10)))
        #expect(emulator.record.uniqueIDs.count == 4)
        await client.shutdown(timeout: .seconds(5))
    }

    @Test("the byte bound counts payload bytes")
    func byteBound() async throws {
        let emulator = try Fixture.emulator()
        defer { emulator.stop() }
        let size = Fixture.payload("evt-0", padding: 400).count
        let client = try await AEPStreamingClient(configuration: holding(emulator, maxEvents: 100, maxBytes: size * 2 + 10, overflow: .failFast), outbox: InMemoryOutbox())
        try await client.send(Fixture.event("evt-0", padding: 400))
        try await client.send(Fixture.event("evt-1", padding: 400))
        await #expect(throws: AEPStreamingClientError.self) { try await client.send(Fixture.event("evt-2", padding: 400)) }
        #expect(client.metrics().queuedBytes == size * 2)
        await client.shutdown(timeout: .seconds(5))
    }

    @Test("dropOldest makes room, reports the dropped event and counts it by reason")
    func dropOldest() async throws {
        let emulator = try Fixture.emulator()
        defer { emulator.stop() }
        let outbox = InMemoryOutbox()
        let client = try await AEPStreamingClient(configuration: holding(emulator, overflow: .dropOldest), outbox: outbox)
        let reports = ReportCollector(client)
        for index in 0 ..< 5 { try await client.send(Fixture.event("evt-\(index)")) }
        #expect(await reports.waitFor(2))
        #expect(reports.all.map(\.eventID) == ["evt-0", "evt-1"])
        #expect(reports.all.allSatisfy { $0.outcome == .dropped(.overflow) })
        #expect(client.metrics().dropped[.overflow] == 2)
        #expect(await client.flush(timeout: .seconds(10)))
        #expect(emulator.record.uniqueIDs == ["evt-2", "evt-3", "evt-4"])
        #expect(outbox.count == 0)
        await client.shutdown(timeout: .seconds(5))
    }

    @Test("backpressure: send waits for room, and resumes when deliveries free it")
    func backpressureWaits() async throws {
        let emulator = try Fixture.emulator()
        defer { emulator.stop() }
        let client = try await AEPStreamingClient(configuration: holding(emulator, maxEvents: 2, overflow: .backpressure()), outbox: InMemoryOutbox())
        try await client.send(Fixture.event("evt-0"))
        try await client.send(Fixture.event("evt-1"))
        let stored = Box(false)
        let third = Task {
            try await client.send(Fixture.event("evt-2"))
            stored.mutate { $0 = true }
        }
        try await Task.sleep(for: .milliseconds(100))
        #expect(!stored.get(), "the third send waits while the outbox is full")
        #expect(await client.flush(timeout: .seconds(10)))
        try await third.value
        #expect(stored.get())
        #expect(await client.flush(timeout: .seconds(10)))
        #expect(emulator.record.uniqueIDs.count == 3)
        await client.shutdown(timeout: .seconds(5))
    }

    @Test("backpressure with maxWait gives up with outboxFull")
    func backpressureTimesOut() async throws {
        let emulator = try Fixture.emulator()
        defer { emulator.stop() }
        let client = try await AEPStreamingClient(configuration: holding(emulator, maxEvents: 1, overflow: .backpressure(maxWait: .milliseconds(50))), outbox: InMemoryOutbox())
        try await client.send(Fixture.event("evt-0"))
        do {
            try await client.send(Fixture.event("evt-1"))
            Issue.record("accepted beyond the bound")
        } catch {
            #expect(error.code == .outboxFull)
        }
        #expect(client.metrics().refusedFull == 1)
        await client.shutdown(timeout: .seconds(5))
    }

    @Test("shutdown releases a send waiting for room with shutDown")
    func shutdownReleasesWaiters() async throws {
        let emulator = try Fixture.emulator()
        defer { emulator.stop() }
        emulator.faults.add(FaultRule(.status(503, retryAfter: .seconds(30))))
        let client = try await AEPStreamingClient(configuration: holding(emulator, maxEvents: 1, overflow: .backpressure()), outbox: InMemoryOutbox())
        try await client.send(Fixture.event("evt-0"))
        let waiting = Task { () -> AEPStreamingClientError.Code? in
            do {
                try await client.send(Fixture.event("evt-1"))
                return nil
            } catch let error as AEPStreamingClientError {
                return error.code
            } catch {
                return nil
            }
        }
        try await Task.sleep(for: .milliseconds(50))
        let result = await client.shutdown(timeout: .milliseconds(100))
        #expect(await waiting.value == AEPStreamingClientError.Code.shutDown)
        #expect(result.remaining == 1)
    }

    @Test("events older than outboxLimits.maxAge are dead-lettered with their payloads, not dropped (fake wall clock)")
    func expiry() async throws {
        let emulator = try Fixture.emulator()
        defer { emulator.stop() }
        let clock = ManualClock(Date())
        let letters = InMemoryDeadLetterStore()
        let client = try await AEPStreamingClient(configuration: Fixture.configuration(for: emulator) {
            $0.batching.linger = .seconds(60)
            $0.outboxLimits.maxAge = .seconds(600)
            $0.now = { clock.now }
        }, outbox: InMemoryOutbox(), deadLetters: letters)
        let reports = ReportCollector(client)
        try await client.send(Fixture.event("old-0"))
        try await client.send(Fixture.event("old-1"))
        clock.advance(by: 601)
        try await client.send(Fixture.event("new-0"))
        #expect(await client.flush(timeout: .seconds(10)))
        #expect(await reports.waitFor(3))
        for id in ["old-0", "old-1"] {
            guard case .deadLettered(nil, let message)? = reports.report(for: id)?.outcome else {
                Issue.record("\(id) should be dead-lettered: \(String(describing: reports.report(for: id)))")
                continue
            }
            #expect(message.contains("outboxLimits.maxAge"))
            #expect(try await letters.letter(id: id)?.payload == Fixture.event(id).payload)
        }
        if case .delivered? = reports.report(for: "new-0")?.outcome {} else { Issue.record("new-0 should be delivered") }
        #expect(client.metrics().deadLettered == 2)
        #expect(client.metrics().dropped.isEmpty)
        #expect(emulator.record.uniqueIDs == ["new-0"])
        await client.shutdown(timeout: .seconds(5))
    }
}
