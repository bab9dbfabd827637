@testable import AEPInletEmulator
import ChatlioJSON
import Foundation
import Testing

@Suite("InletRecord limits: the oldest messages dropped and counted")
struct InletRecordLimitsTests {
    private func batch(_ ids: [String]) -> [UInt8] {
        Fixture.batch(ids.map { Fixture.envelope(id: $0) }).serialized()
    }

    @Test func messageLimitDropsTheOldestAndKeepsIDAccounting() throws {
        var configuration = AEPInletEmulator.Configuration(inletId: "limits")
        configuration.recordLimits = .init(messages: 3)
        let emulator = try AEPInletEmulator(configuration: configuration)
        #expect(emulator.respond(target: "/collection/batch/limits", body: batch(["a", "b", "c", "d"])).status == 207)
        #expect(emulator.respond(target: "/collection/batch/limits", body: batch(["a", "e"])).status == 207)
        let record = emulator.record
        #expect(record.messages.map(\.id) == ["d", "a", "e"])
        #expect(record.messages.map(\.sequence) == [3, 4, 5])
        #expect(record.count == 6)
        #expect(record.droppedCount == 3)
        #expect(record.duplicateIDs == ["a": 2], "ids stay counted after their messages are dropped")
        #expect(record.uniqueIDs == ["a", "b", "c", "d", "e"])
        #expect(record.message(withID: "b") == nil)
        #expect(record.requests.map(\.acceptedCount) == [4, 2])
    }

    @Test func byteLimitCountsTheKeptMessageBytes() throws {
        let size = Fixture.envelope(id: "x").serialized().count
        var configuration = AEPInletEmulator.Configuration(inletId: "limits")
        configuration.recordLimits = .init(messages: 1_000, bytes: 2 * size + size / 2)
        let emulator = try AEPInletEmulator(configuration: configuration)
        _ = emulator.respond(target: "/collection/batch/limits", body: batch(["p", "q", "r", "s"]))
        #expect(emulator.record.messages.map(\.id) == ["r", "s"])
        #expect(emulator.record.messages.allSatisfy { $0.messageBytes?.count == size })
        #expect(emulator.record.droppedCount == 2)
    }

    @Test func theRecordFileStillGetsEveryMessage() throws {
        let file = Fixture.temporaryFile("limits.ndjson")
        defer { try? FileManager.default.removeItem(at: file) }
        var configuration = AEPInletEmulator.Configuration(inletId: "limits", recordFile: file)
        configuration.recordLimits = .init(messages: 1)
        let emulator = try AEPInletEmulator(configuration: configuration)
        try emulator.start()
        defer { emulator.stop() }
        _ = emulator.respond(target: "/collection/batch/limits", body: batch(["f1", "f2", "f3"]))
        let lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3)
        let first = try JSONValue(parsing: String(lines[0]))
        #expect(first["id"] == "f1")
        #expect(first["message"] == Fixture.envelope(id: "f1"), "the line carries the message as a tree, keys sorted, as before")
        #expect(emulator.record.messages.map(\.id) == ["f3"])
    }

    @Test func removeAllAndDrainStartOver() throws {
        var configuration = AEPInletEmulator.Configuration(inletId: "limits")
        configuration.recordLimits = .init(messages: 2)
        let emulator = try AEPInletEmulator(configuration: configuration)
        _ = emulator.respond(target: "/collection/batch/limits", body: batch(["a", "b", "c"]))
        #expect(emulator.record.drainMessages().map(\.id) == ["b", "c"])
        #expect(emulator.record.count == 0)
        _ = emulator.respond(target: "/collection/batch/limits", body: batch(["d"]))
        #expect(emulator.record.messages.map(\.sequence) == [0])
        emulator.record.removeAll()
        #expect(emulator.record.droppedCount == 0 && emulator.record.count == 0)
    }

    @Test func limitsMustBePositive() {
        var configuration = AEPInletEmulator.Configuration()
        configuration.recordLimits = .init(messages: 0)
        #expect(throws: AEPInletEmulatorError.self) { try AEPInletEmulator(configuration: configuration) }
    }
}
