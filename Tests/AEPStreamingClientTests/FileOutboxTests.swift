@testable import AEPStreamingClient
import ChatlioAEPTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("FileOutbox")
struct FileOutboxTests {
    func record(_ index: Int, bytes: Int = 64) -> OutboxRecord {
        OutboxRecord(
            id: "evt-\(index)", payload: Data((#"{"_id":"evt-\#(index)","pad":""# + String(repeating: "p", count: bytes) + #""}"#).utf8),
            enqueuedAt: Date(timeIntervalSince1970: 1_700_000_000 + Double(index))
        )
    }

    func segmentFiles(_ directory: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasPrefix("segment-") }.sorted()
    }

    @Test("appended records come back after reopening, in order, with payloads and times")
    func reopen() async throws {
        let directory = Fixture.temporaryDirectory()
        defer { Fixture.removeDirectory(directory) }
        do {
            let outbox = try FileOutbox(directory: directory, options: .init(durability: .everyAppend))
            for index in 0 ..< 10 { try await outbox.append(record(index)) }
            try await outbox.remove(["evt-3", "evt-7", "unknown"])
            await outbox.close()
        }
        let reopened = try FileOutbox(directory: directory)
        defer { Task { await reopened.close() } }
        let entries = try await reopened.storedEntries()
        #expect(entries.map(\.id) == ["evt-0", "evt-1", "evt-2", "evt-4", "evt-5", "evt-6", "evt-8", "evt-9"])
        #expect(entries.first?.enqueuedAt == record(0).enqueuedAt)
        #expect(reopened.recovery.records == 8)
        #expect(reopened.recovery.tornBytesSkipped == 0)
        let payloads = try await reopened.payloads(for: ["evt-9", "evt-3"])
        #expect(payloads == [record(9).payload, nil])
    }

    @Test("garbage after the last record is detected, skipped and truncated")
    func tornTailGarbage() async throws {
        let directory = Fixture.temporaryDirectory()
        defer { Fixture.removeDirectory(directory) }
        do {
            let outbox = try FileOutbox(directory: directory)
            for index in 0 ..< 5 { try await outbox.append(record(index)) }
            await outbox.close()
        }
        let segment = try #require(segmentFiles(directory).first { $0.hasSuffix(".log") })
        let handle = try FileHandle(forWritingTo: directory.appendingPathComponent(segment))
        handle.seekToEndOfFile()
        handle.write(Data([0x40, 0x00, 0x00, 0x00, 0xDE, 0xAD, 0xBE, 0xEF, 1, 2, 3]))   // a frame claiming 64 bytes, 3 present
        handle.closeFile()

        let reopened = try FileOutbox(directory: directory)
        #expect(reopened.recovery.records == 5)
        #expect(reopened.recovery.tornBytesSkipped == 11)
        #expect(reopened.recovery.tornFiles == 1)
        try await reopened.append(record(5))
        await reopened.close()

        let again = try FileOutbox(directory: directory)
        #expect(try await again.storedEntries().map(\.id) == (0 ... 5).map { "evt-\($0)" })
        #expect(again.recovery.tornBytesSkipped == 0, "the torn tail was truncated the first time")
        await again.close()
    }

    @Test("a record cut in the middle (a kill during write) is dropped; the ones before survive")
    func tornTailCut() async throws {
        let directory = Fixture.temporaryDirectory()
        defer { Fixture.removeDirectory(directory) }
        do {
            let outbox = try FileOutbox(directory: directory)
            for index in 0 ..< 4 { try await outbox.append(record(index)) }
            await outbox.close()
        }
        let segment = directory.appendingPathComponent(try #require(segmentFiles(directory).first { $0.hasSuffix(".log") }))
        let size = try #require(try FileManager.default.attributesOfItem(atPath: segment.path)[.size] as? Int)
        #expect(truncate(segment.path, off_t(size - 10)) == 0)
        let reopened = try FileOutbox(directory: directory)
        #expect(try await reopened.storedEntries().map(\.id) == ["evt-0", "evt-1", "evt-2"])
        #expect(reopened.recovery.tornBytesSkipped > 0)
        await reopened.close()
    }

    @Test("a flipped byte inside a record fails its checksum")
    func corruptRecord() async throws {
        let directory = Fixture.temporaryDirectory()
        defer { Fixture.removeDirectory(directory) }
        do {
            let outbox = try FileOutbox(directory: directory)
            for index in 0 ..< 3 { try await outbox.append(record(index)) }
            await outbox.close()
        }
        let segment = directory.appendingPathComponent(try #require(segmentFiles(directory).first { $0.hasSuffix(".log") }))
        var bytes = try Data(contentsOf: segment)
        bytes[bytes.count - 5] ^= 0xFF
        try bytes.write(to: segment)
        let reopened = try FileOutbox(directory: directory)
        #expect(try await reopened.storedEntries().map(\.id) == ["evt-0", "evt-1"])
        await reopened.close()
    }

    @Test("segments rotate, and fully acknowledged ones are deleted")
    func segmentsReclaimed() async throws {
        let directory = Fixture.temporaryDirectory()
        defer { Fixture.removeDirectory(directory) }
        let outbox = try FileOutbox(directory: directory, options: .init(durability: .osBuffered, segmentBytes: 4096))
        for index in 0 ..< 100 { try await outbox.append(record(index, bytes: 200)) }
        let segments = outbox.segmentCount
        #expect(segments > 4)
        // Acknowledge all but one event of the first segment.
        try await outbox.remove((1 ..< 100).map { "evt-\($0)" })
        #expect(outbox.segmentCount == 2, "the first segment (one live event) and the active one")
        try await outbox.remove(["evt-0"])
        #expect(outbox.segmentCount == 1)
        let files = segmentFiles(directory)
        #expect(files.filter { $0.hasSuffix(".log") }.count == 1, "only the active segment is left: \(files)")
        #expect(Set(files.map { $0.prefix(24) }).count == 1, "no ack file of a deleted segment is left: \(files)")
        await outbox.close()
        let reopened = try FileOutbox(directory: directory)
        #expect(reopened.recovery.records == 0)
        await reopened.close()
    }

    @Test("acknowledgements survive a reopen (ack files are read back)")
    func acksPersist() async throws {
        let directory = Fixture.temporaryDirectory()
        defer { Fixture.removeDirectory(directory) }
        do {
            let outbox = try FileOutbox(directory: directory, options: .init(durability: .osBuffered, segmentBytes: 4096))
            for index in 0 ..< 40 { try await outbox.append(record(index, bytes: 200)) }
            try await outbox.remove(stride(from: 0, to: 40, by: 2).map { "evt-\($0)" })
            await outbox.close()
        }
        let reopened = try FileOutbox(directory: directory)
        #expect(try await reopened.storedEntries().map(\.id) == stride(from: 1, to: 40, by: 2).map { "evt-\($0)" })
        await reopened.close()
    }

    @Test("an ack file left without its segment (a kill between the unlinks) is removed on open")
    func orphanAck() async throws {
        let directory = Fixture.temporaryDirectory()
        defer { Fixture.removeDirectory(directory) }
        do {
            let outbox = try FileOutbox(directory: directory)
            try await outbox.append(record(0))
            await outbox.close()
        }
        let orphan = directory.appendingPathComponent("segment-00000000000000ff.ack")
        try Data(FileOutbox.RecordFormat.ackRecord(id: "evt-0")).write(to: orphan)
        let reopened = try FileOutbox(directory: directory)
        #expect(!FileManager.default.fileExists(atPath: orphan.path))
        #expect(try await reopened.storedEntries().map(\.id) == ["evt-0"], "an orphan ack does not touch other segments")
        await reopened.close()
    }

    @Test("files are owner-only, and a second outbox on the directory is refused")
    func permissionsAndLock() async throws {
        let directory = Fixture.temporaryDirectory()
        defer { Fixture.removeDirectory(directory) }
        let outbox = try FileOutbox(directory: directory)
        try await outbox.append(record(0))
        let directoryMode = try #require(try FileManager.default.attributesOfItem(atPath: directory.path)[.posixPermissions] as? Int)
        #expect(directoryMode & 0o077 == 0)
        for name in segmentFiles(directory) {
            let mode = try #require(try FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent(name).path)[.posixPermissions] as? Int)
            #expect(mode & 0o077 == 0, "\(name) has mode \(String(mode, radix: 8))")
        }
        #expect(throws: AEPStreamingClientError.self) { try FileOutbox(directory: directory) }
        do {
            _ = try FileOutbox(directory: directory)
        } catch {
            #expect(error.code == .outboxLocked)
        }
        await outbox.close()
        let next = try FileOutbox(directory: directory)
        #expect(next.recovery.records == 1)
        await next.close()
    }

    @Test("a lock held for a moment by another descriptor (a child being spawned holds copies of them all) is waited for")
    func transientLockHolderIsWaitedFor() async throws {
        let directory = Fixture.temporaryDirectory()
        defer { Fixture.removeDirectory(directory) }
        let first = try FileOutbox(directory: directory)
        try await first.append(record(0))
        await first.close()
        // Another open file description of the lock, as a spawning child's copy is, released 50 ms later
        // on a thread of its own: a dispatch timer could wait behind the busy pool past the outbox's wait.
        let holder = open(directory.appendingPathComponent("lock").path, O_RDWR | O_CLOEXEC)
        #expect(holder >= 0)
        // The test's own take can meet the same thing: a child that another test spawns while `first` was
        // open holds a copy of its lock until the child's exec, so it is waited for here too.
        try #require(await eventually(timeout: .seconds(10)) { flock(holder, LOCK_EX | LOCK_NB) == 0 })
        Thread.detachNewThread {
            usleep(50_000)
            close(holder)
        }
        let reopened = try FileOutbox(directory: directory)
        #expect(reopened.recovery.records == 1)
        await reopened.close()
    }

    @Test("group commit: concurrent appends all become durable")
    func groupCommit() async throws {
        let directory = Fixture.temporaryDirectory()
        defer { Fixture.removeDirectory(directory) }
        let outbox = try FileOutbox(directory: directory, options: .init(durability: .groupCommit(maxDelay: .milliseconds(1))))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0 ..< 200 {
                group.addTask { try await outbox.append(self.record(index)) }
            }
            try await group.waitForAll()
        }
        #expect(outbox.count == 200)
        await outbox.close()
        let reopened = try FileOutbox(directory: directory)
        #expect(Set(try await reopened.storedEntries().map(\.id)) == Set((0 ..< 200).map { "evt-\($0)" }))
        await reopened.close()
    }

    @Test("appending an id that is stored does nothing; closed outboxes refuse work")
    func duplicatesAndClose() async throws {
        let directory = Fixture.temporaryDirectory()
        defer { Fixture.removeDirectory(directory) }
        let outbox = try FileOutbox(directory: directory)
        try await outbox.append(record(1))
        try await outbox.append(OutboxRecord(id: "evt-1", payload: Data("{}".utf8), enqueuedAt: Date()))
        #expect(outbox.count == 1)
        #expect(try await outbox.payloads(for: ["evt-1"]) == [record(1).payload])
        await outbox.close()
        await #expect(throws: AEPStreamingClientError.self) { try await outbox.append(record(2)) }
    }

    @Test("the record format round-trips and CRC-32 matches the standard check value")
    func recordFormat() throws {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        let date = Date(timeIntervalSince1970: 1_700_000_000.123)
        let bytes = FileOutbox.RecordFormat.eventRecord(id: "é-1", payload: Data("{}".utf8), enqueuedAt: date)
        let walk = FileOutbox.RecordFormat.frames(bytes, from: 0)
        #expect(walk.validEnd == bytes.count)
        let frame = try #require(walk.frames.first)
        let header = try #require(FileOutbox.RecordFormat.event(in: bytes, frame: frame))
        #expect(header.id == "é-1")
        #expect(abs(header.enqueuedAt.timeIntervalSince(date)) < 0.001)
        #expect(Array(bytes[header.payloadOffset ..< header.payloadOffset + header.payloadLength]) == Array("{}".utf8))
        #expect(header.payloadOffset == FileOutbox.RecordFormat.payloadOffset(idBytes: "é-1".utf8.count))
    }
}
