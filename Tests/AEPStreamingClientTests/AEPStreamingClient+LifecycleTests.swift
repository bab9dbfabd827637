@testable import AEPStreamingClient
import AEPInletEmulator
import Foundation
import Testing

@Suite("AEPStreamingClient: shutdown, restart on the same outbox, concurrency", loopbackTimeLimit)
struct AEPStreamingClientLifecycleTests {
    @Test("shutdown with a deadline leaves undelivered events in the file outbox; a restart delivers them")
    func restartDeliversLeftovers() async throws {
        let emulator = try Fixture.emulator()
        defer { emulator.stop() }
        let directory = Fixture.temporaryDirectory()
        defer { Fixture.removeDirectory(directory) }
        let blocked = emulator.faults.add(FaultRule(.status(503, retryAfter: .seconds(30))))

        do {
            let outbox = try FileOutbox(directory: directory)
            let client = try await AEPStreamingClient(configuration: Fixture.configuration(for: emulator) { $0.retry.maxRetryAfter = .seconds(60) }, outbox: outbox)
            for index in 0 ..< 50 { try await client.send(Fixture.event("evt-\(index)")) }
            let result = await client.shutdown(timeout: .milliseconds(300))
            #expect(!result.drained)
            #expect(result.remaining == 50)
            do {
                try await client.send(Fixture.event("late"))
                Issue.record("send after shutdown was accepted")
            } catch {
                #expect(error.code == .shutDown)
            }
        }
        #expect(emulator.record.count == 0)
        emulator.faults.remove(blocked)

        let outbox = try FileOutbox(directory: directory)
        #expect(outbox.recovery.records == 50)
        let client = try await AEPStreamingClient(configuration: Fixture.configuration(for: emulator), outbox: outbox)
        let reports = ReportCollector(client)
        #expect(client.metrics().recovered == 50)
        #expect(await client.flush(timeout: .seconds(10)))
        #expect(await reports.waitFor(50))
        #expect(emulator.record.uniqueIDs == Set((0 ..< 50).map { "evt-\($0)" }))
        #expect(emulator.record.duplicateIDs.isEmpty)
        #expect(outbox.count == 0)
        let result = await client.shutdown(timeout: .seconds(5))
        #expect(result.drained && result.remaining == 0)

        let empty = try FileOutbox(directory: directory)
        #expect(empty.recovery.records == 0, "acknowledged events do not come back")
        await empty.close()
    }

    @Test("reports nobody reads: the newest reportBufferSize are kept, the rest discarded and counted")
    func unreadReports() async throws {
        let emulator = try Fixture.emulator()
        defer { emulator.stop() }
        let client = try await AEPStreamingClient(configuration: Fixture.configuration(for: emulator) { $0.reportBufferSize = 3 }, outbox: InMemoryOutbox())
        for index in 0 ..< 10 { try await client.send(Fixture.event("evt-\(index)")) }
        #expect(await client.flush(timeout: .seconds(10)))
        #expect(client.metrics().delivered == 10)
        #expect(client.metrics().reportsDiscarded == 7)
        _ = await client.shutdown(timeout: .seconds(5))
        var kept: [String] = []
        for await report in client.deliveryReports { kept.append(report.eventID) }
        #expect(kept.count == 3)
        #expect(Set(kept).isSubset(of: Set((0 ..< 10).map { "evt-\($0)" })))
    }

    @Test("shutdown drains when it can, then finishes the report stream")
    func shutdownDrains() async throws {
        let emulator = try Fixture.emulator()
        defer { emulator.stop() }
        let client = try await AEPStreamingClient(configuration: Fixture.configuration(for: emulator) { $0.batching.linger = .seconds(60) }, outbox: InMemoryOutbox())
        for index in 0 ..< 10 { try await client.send(Fixture.event("evt-\(index)")) }
        let finished = Task { () -> Int in
            var count = 0
            for await _ in client.deliveryReports { count += 1 }
            return count
        }
        let result = await client.shutdown(timeout: .seconds(10))
        #expect(result.drained && result.remaining == 0)
        #expect(await finished.value == 10, "the stream ends after the last report")
        #expect(emulator.record.count == 10)
        let again = await client.shutdown(timeout: .seconds(1))
        #expect(again.drained)
    }

    @Test("a torn tail written by a crash is skipped and the rest is delivered")
    func tornTailThenDeliver() async throws {
        let emulator = try Fixture.emulator()
        defer { emulator.stop() }
        let directory = Fixture.temporaryDirectory()
        defer { Fixture.removeDirectory(directory) }
        do {
            let outbox = try FileOutbox(directory: directory)
            for index in 0 ..< 5 {
                try await outbox.append(OutboxRecord(id: "evt-\(index)", payload: Fixture.payload("evt-\(index)"), enqueuedAt: Date()))
            }
            await outbox.close()
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".log") }.sorted()
        let handle = try FileHandle(forWritingTo: directory.appendingPathComponent(try #require(names.last)))
        handle.seekToEndOfFile()
        handle.write(Data(repeating: 0x7F, count: 37))
        handle.closeFile()

        let outbox = try FileOutbox(directory: directory)
        #expect(outbox.recovery.tornBytesSkipped == 37)
        let client = try await AEPStreamingClient(configuration: Fixture.configuration(for: emulator), outbox: outbox)
        #expect(await client.flush(timeout: .seconds(10)))
        #expect(emulator.record.uniqueIDs == Set((0 ..< 5).map { "evt-\($0)" }))
        await client.shutdown(timeout: .seconds(5))
    }

    @Test("many tasks sending at once through the file outbox: every event delivered exactly once")
    func concurrentSenders() async throws {
        let emulator = try Fixture.emulator()
        defer { emulator.stop() }
        let directory = Fixture.temporaryDirectory()
        defer { Fixture.removeDirectory(directory) }
        let outbox = try FileOutbox(directory: directory, options: .init(durability: .groupCommit(), segmentBytes: 64 << 10))
        let client = try await AEPStreamingClient(configuration: Fixture.configuration(for: emulator) { $0.batching.maxMessages = 100 }, outbox: outbox)
        let reports = ReportCollector(client)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0 ..< 40 {
                group.addTask {
                    for index in 0 ..< 50 { try await client.send(Fixture.event("t\(task)-\(index)")) }
                }
            }
            try await group.waitForAll()
        }
        #expect(await client.flush(timeout: .seconds(20)))
        #expect(await reports.waitFor(2000))
        #expect(emulator.record.uniqueIDs.count == 2000)
        #expect(emulator.record.duplicateIDs.isEmpty)
        #expect(Set(reports.all.map(\.eventID)).count == 2000)
        let metrics = client.metrics()
        #expect(metrics.delivered == 2000 && metrics.queued == 0 && metrics.accepted == 2000)
        #expect(outbox.count == 0)
        #expect(outbox.segmentCount <= 2, "acknowledged segments are reclaimed")
        await client.shutdown(timeout: .seconds(5))
    }
}
