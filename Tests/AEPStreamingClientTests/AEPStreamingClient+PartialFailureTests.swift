@testable import AEPStreamingClient
import AEPInletEmulator
import ChatlioAEPTestSupport
import ChatlioJSON
import Foundation
import Testing

@Suite("AEPStreamingClient over loopback: per-message failures, splitting", loopbackTimeLimit)
struct AEPStreamingClientPartialFailureTests {
    @Test("207 failures inside a batch dead-letter exactly those messages, in both shapes", arguments: [
        AEPInletEmulator.FailureShape.statusCode, .status,
    ])
    func partialFailures(_ shape: AEPInletEmulator.FailureShape) async throws {
        let emulator = try Fixture.emulator { $0.failureShape = shape }
        defer { emulator.stop() }
        emulator.faults.failMessagesInNext(1, at: [1, 3], status: 400, message: "Message has unknown xdm format")
        let client = try await AEPStreamingClient(configuration: Fixture.configuration(for: emulator) { $0.batching.linger = .seconds(60) }, outbox: InMemoryOutbox())
        let reports = ReportCollector(client)
        for index in 0 ..< 5 { try await client.send(Fixture.event("evt-\(index)")) }
        #expect(await client.flush(timeout: .seconds(10)))
        #expect(await reports.waitFor(5))
        for index in [1, 3] {
            #expect(reports.report(for: "evt-\(index)")?.outcome == .deadLettered(status: 400, message: "Message has unknown xdm format"))
        }
        for index in [0, 2, 4] {
            let received = try #require(emulator.record.message(withID: "evt-\(index)"))
            #expect(reports.report(for: "evt-\(index)")?.outcome == .delivered(xactionID: received.xactionID))
        }
        #expect(emulator.record.requests.count == 1, "nothing is resent")
        await client.shutdown(timeout: .seconds(5))
    }

    @Test("a retryable per-message status retries only that message")
    func partialRetry() async throws {
        let emulator = try Fixture.emulator()
        defer { emulator.stop() }
        emulator.faults.failMessagesInNext(1, at: [2], status: 503, message: "busy")
        let client = try await AEPStreamingClient(configuration: Fixture.configuration(for: emulator) { $0.batching.linger = .seconds(60) }, outbox: InMemoryOutbox())
        let reports = ReportCollector(client)
        for index in 0 ..< 4 { try await client.send(Fixture.event("evt-\(index)")) }
        #expect(await client.flush(timeout: .seconds(10)))
        #expect(await reports.waitFor(4))
        #expect(reports.delivered.count == 4)
        #expect(emulator.record.duplicateIDs.isEmpty)
        #expect(emulator.record.requests.map(\.messageCount) == [4, 1])
        #expect(reports.report(for: "evt-2")?.attempts == 2)
        await client.shutdown(timeout: .seconds(5))
    }

    @Test("a poison message fails on every retry without blocking the others")
    func poison() async throws {
        let emulator = try Fixture.emulator()
        defer { emulator.stop() }
        emulator.faults.failMessages(where: { $0["body"]?["xdmEntity"]?["_id"] == "poison" }, status: 400, message: "bad poison")
        let client = try await AEPStreamingClient(configuration: Fixture.configuration(for: emulator), outbox: InMemoryOutbox())
        let reports = ReportCollector(client)
        for index in 0 ..< 10 {
            try await client.send(Fixture.event(index == 4 ? "poison" : "evt-\(index)"))
        }
        #expect(await client.flush(timeout: .seconds(10)))
        #expect(await reports.waitFor(10))
        #expect(reports.report(for: "poison")?.outcome == .deadLettered(status: 400, message: "bad poison"))
        #expect(reports.delivered.count == 9)
        await client.shutdown(timeout: .seconds(5))
    }

    @Test("413 splits the batch recursively; the single oversized event is dead-lettered")
    func splitOn413() async throws {
        let emulator = try Fixture.emulator { $0.maxRequestBodyBytes = 3000 }
        defer { emulator.stop() }
        let logs = LogCollector()
        let transport = RecordingTransport()
        let client = try await AEPStreamingClient(configuration: Fixture.configuration(for: emulator) {
            $0.batching.linger = .seconds(60)
            $0.log = logs.handler
        }, outbox: InMemoryOutbox(), transport: transport)
        let reports = ReportCollector(client)
        for index in 0 ..< 16 {
            try await client.send(Fixture.event(index == 11 ? "huge" : "evt-\(index)", padding: index == 11 ? 3200 : 10))
        }
        #expect(await client.flush(timeout: .seconds(10)))
        #expect(await reports.waitFor(16))
        guard case .deadLettered(413, _)? = reports.report(for: "huge")?.outcome else {
            Issue.record("the oversized event should be dead-lettered with 413: \(String(describing: reports.report(for: "huge")))")
            return
        }
        #expect(reports.delivered.count == 15)
        #expect(emulator.record.duplicateIDs.isEmpty)
        let statuses = transport.all.map(\.status)
        #expect(statuses.filter { $0 == 413 }.count >= 5, "16 → 8 → 4 → 2 → 1: \(statuses)")
        #expect(logs.all.contains { $0.level == .error && $0.message.contains("huge") })
        await client.shutdown(timeout: .seconds(5))
    }

    @Test("a whole-request 400 (a malformed payload) is split to isolate the bad event")
    func splitOn400() async throws {
        let emulator = try Fixture.emulator()
        defer { emulator.stop() }
        let client = try await AEPStreamingClient(configuration: Fixture.configuration(for: emulator) { $0.batching.linger = .seconds(60) }, outbox: InMemoryOutbox())
        let reports = ReportCollector(client)
        for index in 0 ..< 8 {
            let event = index == 5 ? StreamingEvent(id: "broken", payload: Data(#"{"_id":"broken","a":}"#.utf8)) : Fixture.event("evt-\(index)")
            try await client.send(event)
        }
        #expect(await client.flush(timeout: .seconds(10)))
        #expect(await reports.waitFor(8))
        guard case .deadLettered(400, let message)? = reports.report(for: "broken")?.outcome else {
            Issue.record("the malformed event should be dead-lettered with 400")
            return
        }
        #expect(message.contains("not valid JSON"))
        #expect(reports.delivered.count == 7)
        #expect(emulator.record.duplicateIDs.isEmpty)
        await client.shutdown(timeout: .seconds(5))
    }

    @Test("404 (unknown inlet) is a configuration error: the event waits, an error log names AEP's message, nothing is dead-lettered")
    func unknownInlet() async throws {
        let emulator = try Fixture.emulator()
        defer { emulator.stop() }
        let logs = LogCollector()
        var configuration = Fixture.configuration(for: emulator)
        configuration.inletURL = emulator.baseURL.appendingPathComponent("collection").appendingPathComponent("other-inlet")
        configuration.log = logs.handler
        let client = try await AEPStreamingClient(configuration: configuration, outbox: InMemoryOutbox())
        try await client.send(Fixture.event("evt-1"))
        try #require(await eventually(timeout: .seconds(60)) { client.metrics().requestsByStatus[404, default: 0] >= 2 })
        #expect(client.metrics().deadLettered == 0)
        #expect(logs.all.contains { $0.level == .error && $0.message.contains("Inlet not found") }, "\(logs.all)")
        #expect(await client.shutdown(timeout: .milliseconds(200)).remaining == 1)
    }
}

@Suite("AEPStreamingClient over loopback: header.imsOrgId", loopbackTimeLimit)
struct AEPStreamingClientOrganisationTests {
    @Test("a configured imsOrgID other than the inlet's is refused per message, as DCS does: dead-lettered with its message")
    func wrongOrganisation() async throws {
        let emulator = try Fixture.emulator { $0.imsOrgId = "RIGHT@AdobeOrg" }
        defer { emulator.stop() }
        let letters = InMemoryDeadLetterStore()
        let client = try await AEPStreamingClient(
            configuration: Fixture.configuration(for: emulator) { $0.imsOrgID = "WRONG@AdobeOrg" }, outbox: InMemoryOutbox(), deadLetters: letters
        )
        try await client.send(Fixture.event("evt-1"))
        #expect(await client.flush(timeout: .seconds(10)))
        let reason = try #require(try await letters.entries().first).reason
        #expect(reason.contains("absent or wrong ims org"), "\(reason)")
        await client.shutdown(timeout: .seconds(5))
    }
}
