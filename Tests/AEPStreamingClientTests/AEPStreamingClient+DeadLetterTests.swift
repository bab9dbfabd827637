@testable import AEPStreamingClient
import AEPInletEmulator
import ChatlioAEPTestSupport
import ChatlioJSON
import Foundation
import Testing

@Suite("AEPStreamingClient over loopback: dead letters kept, listed, redriven; outages", loopbackTimeLimit)
struct AEPStreamingClientDeadLetterTests {
    @Test("a refused event is kept in STATE/dead-letters beside the outbox with its payload, survives a restart, and is delivered once redriven")
    func keptAcrossRestartThenRedriven() async throws {
        let emulator = try Fixture.emulator()
        defer { emulator.stop() }
        let state = Fixture.temporaryDirectory("state")
        defer { Fixture.removeDirectory(state) }
        let refusal = emulator.faults.failMessages(where: { $0["body"]?["xdmEntity"]?["_id"] == "refused" }, status: 400, message: "Message has unknown xdm format")
        do {
            let client = try await AEPStreamingClient(
                configuration: Fixture.configuration(for: emulator), outbox: FileOutbox(directory: state.appendingPathComponent("outbox"))
            )
            try await client.send(Fixture.event("refused"))
            try await client.send(Fixture.event("fine"))
            #expect(await client.flush(timeout: .seconds(10)))
            let entries = try await client.deadLetters.entries()
            #expect(entries.map(\.id) == ["refused"])
            #expect(entries.first?.status == 400)
            #expect(entries.first?.reason == "Message has unknown xdm format")
            #expect(client.metrics().deadLettered == 1)
            await client.shutdown(timeout: .seconds(5))
        }
        #expect(FileManager.default.fileExists(atPath: state.appendingPathComponent("dead-letters").path))
        emulator.faults.remove(refusal)

        let client = try await AEPStreamingClient(
            configuration: Fixture.configuration(for: emulator), outbox: FileOutbox(directory: state.appendingPathComponent("outbox"))
        )
        let letter = try #require(try await client.deadLetters.letter(id: "refused"), "the dead letter outlived the process")
        #expect(letter.payload == Fixture.event("refused").payload)
        let reports = ReportCollector(client)
        #expect(try await client.redrive(["refused"]) == 1)
        #expect(try await client.deadLetters.entries().isEmpty)
        #expect(await client.flush(timeout: .seconds(10)))
        #expect(await reports.waitFor(1))
        #expect(reports.report(for: "refused")?.attempts == 1, "attempts start again")
        if case .delivered? = reports.report(for: "refused")?.outcome {} else { Issue.record("the redriven event should be delivered: \(reports.all)") }
        #expect(emulator.record.uniqueIDs == ["fine", "refused"])
        await #expect(throws: AEPStreamingClientError.self) { try await client.redrive(["never-dead"]) }
        await client.shutdown(timeout: .seconds(5))
    }

    @Test("a full dead-letter store keeps the event in the outbox, not sent again, counted; purging makes room and it is kept then")
    func fullStoreParks() async throws {
        let emulator = try Fixture.emulator()
        defer { emulator.stop() }
        emulator.faults.failMessages(where: { ($0["body"]?["xdmEntity"]?["_id"]?.stringValue ?? "").hasPrefix("bad") }, status: 400, message: "nope")
        let letters = InMemoryDeadLetterStore(limits: DeadLetterLimits(maxLetters: 1))
        let client = try await AEPStreamingClient(configuration: Fixture.configuration(for: emulator), outbox: InMemoryOutbox(), deadLetters: letters)
        try await client.send(Fixture.event("bad-1"))
        try await client.send(Fixture.event("bad-2"))
        try #require(await eventually(timeout: .seconds(60)) { client.metrics().deadLettersNotKept == 1 && client.metrics().deadLettered == 1 })
        let kept = try await letters.entries().map(\.id)
        #expect(kept.count == 1)
        #expect(client.metrics().queued == 1, "the letter that did not fit is still held")
        let requests = emulator.record.requests.count
        try await client.purgeDeadLetters(kept)
        try #require(await eventually(timeout: .seconds(60)) { client.metrics().deadLettered == 2 })
        #expect(try await letters.entries().count == 1)
        #expect(emulator.record.requests.count == requests, "a parked event is not sent again")
        #expect(client.metrics().queued == 0)
        await client.shutdown(timeout: .seconds(5))
    }

    @Test("a real down-then-up inlet: connection refused for a while, then a server on the same port; nothing dead-lettered, all delivered once")
    func downThenUp() async throws {
        let first = try Fixture.emulator()
        let port = first.port
        first.stop()
        // Held while the inlet is down, so no other test's server gets the port and answers in its place.
        let reservation = try ReservedLoopbackPort(port: port)
        let logs = LogCollector()
        let client = try await AEPStreamingClient(configuration: Fixture.configuration(for: first) {
            $0.retry.maxAttempts = 1
            $0.retry.maxBackoff = .milliseconds(200)
            $0.log = logs.handler
        }, outbox: InMemoryOutbox())
        let reports = ReportCollector(client)
        let ids = (0 ..< 200).map { "down-\($0)" }
        for id in ids { try await client.send(Fixture.event(id)) }
        try #require(await eventually(timeout: .seconds(60)) { client.metrics().requestFailures >= 10 })
        #expect(client.metrics().deadLettered == 0)
        #expect(client.metrics().queued == 200)
        reservation.release()
        let second = try Fixture.emulator { $0.port = port }
        defer { second.stop() }
        #expect(await client.flush(timeout: .seconds(30)), "\(client.metrics())")
        #expect(await reports.waitFor(200))
        #expect(reports.delivered.count == 200)
        #expect(second.record.uniqueIDs == Set(ids))
        #expect(logs.all.contains { $0.message.contains("the inlet is unavailable") && $0.message.contains("no attempt counted") })
        #expect(logs.all.contains { $0.level == .info && $0.message.contains("the inlet answers again after") && $0.message.contains("delivery resumes") })
        await client.shutdown(timeout: .seconds(5))
    }
}
