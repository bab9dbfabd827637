@testable import AEPStreamingClient
import AEPInletEmulator
import ChatlioAEPTestSupport
import ChatlioJSON
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("Crash recovery: a child process killed with SIGKILL mid-stream, restarted on the same outbox", loopbackTimeLimit)
struct CrashRecoveryTests {
    /// Ids whose `send` returned in the child ("ok <id> <number> <t0> <t1>" lines): whole lines only.
    static func acknowledged(_ file: URL) -> [String] {
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return [] }
        var lines = text.components(separatedBy: "\n")
        lines.removeLast()   // "" after the last newline, or a line cut by the kill
        return lines.map { String($0.split(separator: " ")[1]) }
    }

    @Test("every event whose send returned is delivered or kept as a dead letter after kills at random points; duplicates share their _id")
    func killAndRestart() async throws {
        guard let harness = BuiltExecutable.url(named: "aep-client-harness") else {
            Issue.record("aep-client-harness is not built next to the tests (swift build --build-tests builds it)")
            return
        }
        let emulator = try Fixture.emulator()
        defer { emulator.stop() }
        // Keep a backlog in the outbox: 40% of requests fail or lose their connection.
        emulator.faults.setRandomFaults(rate: 0.4, seed: 9, choices: [.status(503), .status(500), .dropConnection, .dropConnectionAfterAccepting])
        // A tenth of the events are refused for good: they must end as dead letters, kills or not.
        emulator.faults.failMessages(where: { ($0["body"]?["xdmEntity"]?["_id"]?.stringValue ?? "").hasSuffix("7") }, status: 400, message: "refused")
        let directory = Fixture.temporaryDirectory()
        defer { Fixture.removeDirectory(directory) }
        let acked = directory.deletingLastPathComponent().appendingPathComponent("acked.txt")
        try FileManager.default.createDirectory(at: directory.deletingLastPathComponent(), withIntermediateDirectories: true)

        var killedMidStream = 0
        for round in 0 ..< 3 {
            let before = Self.acknowledged(acked).count
            let process = Process()
            process.executableURL = harness
            process.arguments = [
                "child", "--outbox", directory.path, "--inlet", emulator.inletURL.absoluteString, "--run", String(round),
                "--durability", "group-commit", "--promises", acked.path,
            ]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            // Let it send a varying number of events, then kill it without warning.
            let target = before + 200 + round * 150
            let clock = ContinuousClock()
            let deadline = clock.now.advanced(by: .seconds(20))
            while Self.acknowledged(acked).count < target, process.isRunning, clock.now < deadline {
                try await Task.sleep(for: .milliseconds(2))
            }
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                killedMidStream += 1
            }
            process.waitUntilExit()
            #expect(process.terminationReason == .uncaughtSignal, "round \(round): the child ended on its own (status \(process.terminationStatus))")
        }
        #expect(killedMidStream == 3)

        let expected = Self.acknowledged(acked)
        #expect(expected.count >= 900)
        #expect(Set(expected).count == expected.count)

        // Restart on the same outbox without faults; deliver everything left.
        emulator.faults.clearRandomFaults()
        let outbox = try FileOutbox(directory: directory)
        let client = try await AEPStreamingClient(configuration: Fixture.configuration(for: emulator), outbox: outbox)
        #expect(await client.flush(timeout: .seconds(30)))
        let delivered = emulator.record.uniqueIDs
        let letters = try await client.deadLetters.entries()
        let dead = Set(letters.map(\.id))
        let missing = expected.filter { !delivered.contains($0) && !dead.contains($0) }
        #expect(missing.isEmpty, "\(missing.count) events whose send returned were lost, e.g. \(missing.prefix(5))")
        #expect(dead.allSatisfy { $0.hasSuffix("7") }, "only refused events are dead letters")
        #expect(expected.filter { $0.hasSuffix("7") }.allSatisfy(dead.contains), "every refused event is kept")
        #expect(delivered.isDisjoint(with: dead))
        for entry in letters.prefix(50) {
            #expect(try await client.deadLetters.letter(id: entry.id)?.payload == CrashChildPayload.payload(entry.id), "\(entry.id)'s payload is kept exactly")
        }
        #expect(outbox.count == 0)
        #expect(emulator.record.messages.allSatisfy { $0.id.flatMap(CrashChildPayload.number(inID:)) != nil })
        await client.shutdown(timeout: .seconds(5))
    }
}

/// The payload `aep-client-harness child` sends for an id `r<run>-<number>`
/// (Sources/aep-client-harness/CrashWorkload.swift): the test's own copy, its oracle.
enum CrashChildPayload {
    static func number(inID id: String) -> Int? {
        guard id.hasPrefix("r"), let dash = id.firstIndex(of: "-"), Int(id[id.index(after: id.startIndex) ..< dash]) != nil else { return nil }
        return Int(id[id.index(after: dash)...])
    }

    static func payload(_ id: String) -> Data? {
        guard let number = number(inID: id) else { return nil }
        let value: JSONValue = [
            "_id": .string(id), "timestamp": "2024-01-01T00:00:00.000Z", "eventType": "chat.crashTest",
            "n": .number(JSONNumber(number)), "pad": .string(String(repeating: "x", count: number % 700)),
        ]
        return Data(value.serialized(sortedKeys: true))
    }
}
