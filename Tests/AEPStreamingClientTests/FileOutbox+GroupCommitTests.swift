@testable import AEPStreamingClient
import ChatlioAEPSupport
import ChatlioAEPTestSupport
import Foundation
import Testing

/// An fsync the test controls: counts calls by file kind, can hold the first segment sync until
/// released (so appends pile up behind it), and can fail chosen segment syncs.
final class SyncProbe: Sendable {
    struct Counts: Sendable {
        var segments = 0
        var acks = 0
        var failSegmentSyncs: Set<Int> = []
        /// Each file's size at its last sync: what a power loss leaves of it.
        var syncedSizes: [String: Int] = [:]
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
        var status = stat()
        let size = fstat(fd, &status) == 0 ? Int(status.st_size) : 0
        if path.hasSuffix(".ack") {
            counts.withLock { $0.acks += 1 }
            try POSIXFile.sync(fd, path: path)
            counts.withLock { $0.syncedSizes[path] = size }
            return
        }
        let (number, fails) = counts.withLock { counts -> (Int, Bool) in
            counts.segments += 1
            return (counts.segments, counts.failSegmentSyncs.contains(counts.segments))
        }
        if number == 1, holdsFirst { _ = gate.wait(timeout: .now() + 150) }
        if fails { throw AEPStreamingClientError(.outboxIO, "fsync \(path): Input/output error (injected)") }
        try POSIXFile.sync(fd, path: path)
        counts.withLock { $0.syncedSizes[path] = size }
    }

    /// Copies `directory` as a power loss now could leave its acknowledgements: each ack file cut to its
    /// size at its last sync, and one never synced gone (neither its bytes nor its name are durable).
    /// Segment files are copied whole: every append of these tests returned, so each record was synced
    /// (some by a rotation's own fsync, which this probe does not see).
    func powerLossCopy(of directory: URL) throws -> URL {
        let copy = Fixture.temporaryDirectory()
        try FileManager.default.createDirectory(at: copy, withIntermediateDirectories: true)
        let sizes = counts.withLock { $0.syncedSizes }
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) where name != "lock" {
            let source = directory.appendingPathComponent(name)
            var bytes = try Data(contentsOf: source)
            if name.hasSuffix(".ack") {
                guard let synced = sizes[source.path] else { continue }
                bytes = bytes.prefix(synced)
            }
            try bytes.write(to: copy.appendingPathComponent(name))
        }
        return copy
    }
}

@Suite("FileOutbox group commit and lazy acknowledgements")
struct FileOutboxGroupCommitTests {
    /// How long a held sync waits for the appends behind it: generous, since in a full parallel run the
    /// cooperative pool was seen busy for ~50 s (trivial tests of other suites finishing after 49 s).
    static let busyMachineWait: Duration = .seconds(120)

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
        #expect(await eventually(timeout: Self.busyMachineWait) { probe.segments == 1 })   // the first group's sync, held
        let rest = Task { await appendConcurrently(outbox, 1 ..< 11) }
        #expect(await eventually(timeout: Self.busyMachineWait) { outbox.pendingAppends == 10 })
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
        #expect(await eventually(timeout: Self.busyMachineWait) { probe.segments == 1 })
        let rest = Task { await appendConcurrently(outbox, 1 ..< 11) }
        #expect(await eventually(timeout: Self.busyMachineWait) { outbox.pendingAppends == 10 })
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
    @Test("a power loss between acknowledgement syncs: unsynced acknowledgements are lost, so those events come back (sent again), none is lost")
    func unsyncedAcknowledgementsComeBackAfterPowerLoss() async throws {
        let directory = Fixture.temporaryDirectory()
        defer { Fixture.removeDirectory(directory) }
        let probe = SyncProbe()
        // Acknowledgements synced only when asked (or on close): the window a power loss falls into.
        let outbox = try open(directory, probe, durability: .groupCommit(), segmentBytes: 4096)
        for index in 0 ..< 120 { try await outbox.append(record(index)) }
        #expect(outbox.segmentCount > 3)
        try await outbox.remove((0 ..< 40).map { "evt-\($0)" })
        try outbox.syncAcknowledgements()
        // Written, not synced; every segment keeps an odd one, so none is deleted (an unlink a power loss
        // could undo, which this copy does not model).
        let unsynced = (40 ..< 120).filter { $0 % 2 == 0 }
        try await outbox.remove(unsynced.map { "evt-\($0)" })
        #expect(probe.acks > 0)

        let afterLoss = try probe.powerLossCopy(of: directory)
        defer { Fixture.removeDirectory(afterLoss) }
        await outbox.close()
        let reopened = try FileOutbox(directory: afterLoss)
        let ids = Set(try await reopened.storedEntries().map(\.id))
        // Every event not acknowledged durably is there, payload intact; the durably acknowledged ones are not.
        #expect(ids == Set((40 ..< 120).map { "evt-\($0)" }))
        let payloads = try await reopened.payloads(for: (40 ..< 120).map { "evt-\($0)" })
        #expect(payloads == (40 ..< 120).map { record($0).payload })
        #expect(reopened.recovery.tornBytesSkipped == 0)
        await reopened.close()

        // Closed cleanly instead, every acknowledgement holds.
        let closed = try FileOutbox(directory: directory)
        #expect(Set(try await closed.storedEntries().map(\.id)) == Set((40 ..< 120).filter { $0 % 2 == 1 }.map { "evt-\($0)" }))
        await closed.close()
    }

    @Test("a power loss that tears an ack file's unsynced tail: the torn record is skipped by its checksum, nothing acknowledged before the last sync comes back")
    func tornAcknowledgementTailIsSkipped() async throws {
        let directory = Fixture.temporaryDirectory()
        defer { Fixture.removeDirectory(directory) }
        let probe = SyncProbe()
        let outbox = try open(directory, probe, durability: .everyAppend)
        for index in 0 ..< 20 { try await outbox.append(record(index)) }
        try await outbox.remove((0 ..< 5).map { "evt-\($0)" })
        try outbox.syncAcknowledgements()
        try await outbox.remove((5 ..< 10).map { "evt-\($0)" })
        let afterLoss = try probe.powerLossCopy(of: directory)
        defer { Fixture.removeDirectory(afterLoss) }
        // Part of the unsynced tail reached the disk: the synced acks, then half of the next record.
        let ackName = try #require(try FileManager.default.contentsOfDirectory(atPath: directory.path).first { $0.hasSuffix(".ack") })
        let full = try Data(contentsOf: directory.appendingPathComponent(ackName))
        let synced = try Data(contentsOf: afterLoss.appendingPathComponent(ackName)).count
        try full.prefix(synced + 7).write(to: afterLoss.appendingPathComponent(ackName))
        await outbox.close()
        let reopened = try FileOutbox(directory: afterLoss)
        #expect(Set(try await reopened.storedEntries().map(\.id)) == Set((5 ..< 20).map { "evt-\($0)" }))
        #expect(reopened.recovery.tornBytesSkipped == 7)
        await reopened.close()
    }
}
