@testable import AEPStreamingClient
import ChatlioAEPSupport
import Foundation
import Testing

/// An fsync the test controls: counts calls by file kind, can hold the first segment sync until
/// released (so appends pile up behind it), and can fail chosen segment syncs.
final class SyncProbe: Sendable {
    struct Counts: Sendable {
        var segments = 0
        var acks = 0
        var failSegmentSyncs: Set<Int> = []
    }

    let counts = Locked(Counts())
    private let gate = DispatchSemaphore(value: 0)
    let holdsFirst: Bool

    init(holdsFirst: Bool = false) {
        self.holdsFirst = holdsFirst
    }

    func release() { gate.signal() }

    var segments: Int { counts.withLock { $0.segments } }
    var acks: Int { counts.withLock { $0.acks } }

    func sync(_ fd: Int32, _ path: String) throws(AEPStreamingClientError) {
        if path.hasSuffix(".ack") {
            counts.withLock { $0.acks += 1 }
            try POSIXFile.sync(fd, path: path)
            return
        }
        let (number, fails) = counts.withLock { counts -> (Int, Bool) in
            counts.segments += 1
            return (counts.segments, counts.failSegmentSyncs.contains(counts.segments))
        }
        if number == 1, holdsFirst { _ = gate.wait(timeout: .now() + 60) }
        if fails { throw AEPStreamingClientError(.outboxIO, "fsync \(path): Input/output error (injected)") }
        try POSIXFile.sync(fd, path: path)
    }
}

@Suite("FileOutbox group commit and lazy acknowledgements")
struct FileOutboxGroupCommitTests {
    func record(_ index: Int, bytes: Int = 64) -> OutboxRecord {
        OutboxRecord(
            id: "evt-\(index)", payload: Data((#"{"_id":"evt-\#(index)","pad":""# + String(repeating: "p", count: bytes) + #""}"#).utf8),
            enqueuedAt: Date(timeIntervalSince1970: 1_700_000_000 + Double(index))
        )
    }

    @Test("an id appended again after its removal (a redriven dead letter) survives a reopen")
    func reappendAfterRemovalSurvivesReopen() async throws {
        let directory = Fixture.temporaryDirectory()
        defer { Fixture.removeDirectory(directory) }
        do {
            let outbox = try FileOutbox(directory: directory, options: .init(durability: .everyAppend))
            try await outbox.append(record(1))
            try await outbox.append(record(2))
            try await outbox.remove(["evt-1"])
            try await outbox.append(record(1))
            await outbox.close()
        }
        let reopened = try FileOutbox(directory: directory)
        #expect(Set(try await reopened.storedEntries().map(\.id)) == ["evt-1", "evt-2"])
        #expect(try await reopened.payloads(for: ["evt-1"]) == [record(1).payload])
        await reopened.close()
    }

    func open(_ directory: URL, _ probe: SyncProbe, durability: FileOutbox.Durability = .groupCommit(), segmentBytes: Int = 8 << 20,
              ackSyncInterval: Duration = .seconds(3600)) throws -> FileOutbox {
        try FileOutbox(
            directory: directory, options: .init(durability: durability, segmentBytes: segmentBytes), log: { _ in },
            syncFile: { fd, path throws(AEPStreamingClientError) in try probe.sync(fd, path) }, ackSyncInterval: ackSyncInterval)
    }

    /// Appends `indices` concurrently and returns each one's error (nil: it returned).
    func appendConcurrently(_ outbox: FileOutbox, _ indices: Range<Int>) async -> [Int: AEPStreamingClientError?] {
        await withTaskGroup(of: (Int, AEPStreamingClientError?).self) { group in
            for index in indices {
                group.addTask {
                    do throws(AEPStreamingClientError) {
                        try await outbox.append(self.record(index))
                        return (index, nil)
                    } catch {
                        return (index, error)
                    }
                }
            }
            var results: [Int: AEPStreamingClientError?] = [:]
            for await (index, error) in group { results[index] = error }
            return results
        }
    }

    @Test("appends that arrive during a sync share the next one: ten enqueuers, one write and one fsync, all durable")
    func concurrentEnqueuersShareOneSync() async throws {
        let directory = Fixture.temporaryDirectory()
        defer { Fixture.removeDirectory(directory) }
        let probe = SyncProbe(holdsFirst: true)
        let outbox = try open(directory, probe)
        let first = Task { try await outbox.append(record(0)) }
        #expect(await eventually { probe.segments == 1 })   // the first group's sync, held
        let rest = Task { await appendConcurrently(outbox, 1 ..< 11) }
        #expect(await eventually { outbox.pendingAppends == 10 })
        probe.release()
        try await first.value
        let results = await rest.value
        #expect(results.count == 10 && results.values.allSatisfy { $0 == nil })
        #expect(probe.segments == 2)
        #expect(outbox.groupSyncCount == 2)
        await outbox.close()
        let reopened = try FileOutbox(directory: directory)
        #expect(Set(try await reopened.storedEntries().map(\.id)) == Set((0 ..< 11).map { "evt-\($0)" }))
        #expect(try await reopened.payloads(for: ["evt-7"]) == [record(7).payload])
        await reopened.close()
    }

    @Test("a failed fsync fails every enqueuer of its group with outboxIO; appended again, they are kept once")
    func failedSyncFailsTheWholeGroup() async throws {
        let directory = Fixture.temporaryDirectory()
        defer { Fixture.removeDirectory(directory) }
        let probe = SyncProbe(holdsFirst: true)
        probe.counts.withLock { $0.failSegmentSyncs = [2] }
        let outbox = try open(directory, probe)
        let first = Task { try await outbox.append(record(0)) }
        #expect(await eventually { probe.segments == 1 })
        let rest = Task { await appendConcurrently(outbox, 1 ..< 11) }
        #expect(await eventually { outbox.pendingAppends == 10 })
        probe.release()
        try await first.value
        let results = await rest.value
        #expect(results.count == 10)
        for (index, error) in results {
            #expect(error?.code == .outboxIO, "append \(index)")
            #expect(error?.reason.contains("injected") == true)
        }
        // Not held: a retry appends again (the failed bytes may still be in the segment).
        #expect(outbox.count == 1)
        let retried = await appendConcurrently(outbox, 1 ..< 11)
        #expect(retried.values.allSatisfy { $0 == nil })
        #expect(outbox.count == 11)
        await outbox.close()
        let reopened = try FileOutbox(directory: directory)
        let entries = try await reopened.storedEntries()
        #expect(entries.count == 11)
        #expect(Set(entries.map(\.id)) == Set((0 ..< 11).map { "evt-\($0)" }))
        try await reopened.remove(["evt-3"])
        await reopened.close()
        let again = try FileOutbox(directory: directory)
        #expect(Set(try await again.storedEntries().map(\.id)) == Set((0 ..< 11).filter { $0 != 3 }.map { "evt-\($0)" }))
        await again.close()
    }

    @Test("acknowledgements: one write per removal call, synced lazily (not per call), and on close")
    func acknowledgementsAreSyncedLazily() async throws {
        let directory = Fixture.temporaryDirectory()
        defer { Fixture.removeDirectory(directory) }
        let probe = SyncProbe()
        let outbox = try open(directory, probe, durability: .everyAppend)
        for index in 0 ..< 100 { try await outbox.append(record(index)) }
        try await outbox.remove((0 ..< 50).map { "evt-\($0)" })
        try await outbox.remove((50 ..< 60).map { "evt-\($0)" })
        #expect(probe.acks == 0)
        await outbox.close()
        #expect(probe.acks == 1)
        let ackFile = try #require(try FileManager.default.contentsOfDirectory(atPath: directory.path).first { $0.hasSuffix(".ack") })
        let ackBytes = Array(try Data(contentsOf: directory.appendingPathComponent(ackFile)))
        #expect(FileOutbox.RecordFormat.frames(ackBytes, from: 0).frames.count == 60)
        let reopened = try FileOutbox(directory: directory)
        #expect(try await reopened.storedEntries().map(\.id) == (60 ..< 100).map { "evt-\($0)" })
        await reopened.close()

        // With no interval, every removal syncs its ack file.
        let eager = SyncProbe()
        let outbox2 = try open(directory, eager, durability: .everyAppend, ackSyncInterval: .zero)
        try await outbox2.remove(["evt-60", "evt-61"])
        try await outbox2.remove(["evt-62"])
        #expect(eager.acks == 2)
        await outbox2.close()
    }

    @Test("payloads come back in the order asked, across segments, from shared reads that outlive the outbox")
    func coalescedPayloadReads() async throws {
        let directory = Fixture.temporaryDirectory()
        defer { Fixture.removeDirectory(directory) }
        let outbox = try open(directory, SyncProbe(), durability: .everyAppend, segmentBytes: 4096)
        let sizes = (0 ..< 60).map { 10 + ($0 * 37) % 600 }
        for index in 0 ..< 60 { try await outbox.append(record(index, bytes: sizes[index])) }
        #expect(outbox.segmentCount > 3)
        try await outbox.remove(["evt-5", "evt-6", "evt-40"])
        var generator = SplitMix64(seed: 15)
        var asked = (0 ..< 60).map { "evt-\($0)" } + ["unknown"]
        asked.shuffle(using: &generator)
        let payloads = try await outbox.payloads(for: asked)
        await outbox.close()
        for (id, payload) in zip(asked, payloads) {
            guard let index = Int(id.dropFirst(4)), ![5, 6, 40].contains(index) else {
                #expect(payload == nil, "\(id)")
                continue
            }
            #expect(payload == record(index, bytes: sizes[index]).payload, "\(id)")
            #expect(payload?.startIndex == 0)
        }
    }

    @Test("CRC-32 slicing-by-8 equals the bitwise definition at every length and alignment")
    func crcMatchesBitwiseDefinition() {
        func reference(_ bytes: ArraySlice<UInt8>) -> UInt32 {
            var crc: UInt32 = 0xFFFF_FFFF
            for byte in bytes {
                crc ^= UInt32(byte)
                for _ in 0 ..< 8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
            }
            return ~crc
        }
        var generator = SplitMix64(seed: 32)
        let bytes = (0 ..< 5000).map { _ in UInt8.random(in: 0 ... 255, using: &generator) }
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        for start in 0 ..< 9 {
            for count in [0, 1, 7, 8, 9, 15, 16, 17, 63, 64, 100, 1000, 4099] {
                let slice = bytes[start ..< start + count]
                #expect(CRC32.checksum(Array(slice)) == reference(slice), "start \(start), count \(count)")
            }
        }
    }

    @Test("a group's records go down with writev in order, more buffers than one call takes")
    func writevWritesEveryBuffer() throws {
        let directory = Fixture.temporaryDirectory()
        defer { Fixture.removeDirectory(directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("writev").path
        let fd = try POSIXFile.open(path, create: true)
        defer { POSIXFile.closeQuietly(fd) }
        let buffers = (0 ..< 200).map { index in [UInt8](repeating: UInt8(index % 251), count: index % 7 == 0 ? 0 : index * 13) }
        try POSIXFile.writeAll(fd, buffers: buffers, path: path)
        #expect(try POSIXFile.readAll(fd, path: path) == buffers.flatMap { $0 })
    }
}
