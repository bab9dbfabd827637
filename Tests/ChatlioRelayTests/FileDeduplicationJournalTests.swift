import ChatlioAEPSupport
import ChatlioRelay
import Foundation
import Testing

/// The journal on real files: reopened, torn, bounded, owner-only, refused
/// where it cannot write.
@Suite struct FileDeduplicationJournalTests {
    static func file(in directory: URL) -> URL {
        directory.appendingPathComponent(FileDeduplicationJournal.fileName)
    }

    static func lines(in directory: URL) throws -> [String] {
        try String(decoding: Data(contentsOf: file(in: directory)), as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    @Test func recordedIdsAreReadBackAfterReopeningWithOwnerOnlyPermissions() async throws {
        let directory = temporaryPath("dedup-journal")
        defer { try? FileManager.default.removeItem(at: directory) }
        let ids = ["a", "b\"quoted\"", "line\nbreak", String(repeating: "f", count: 64)]
        do {
            let journal = try FileDeduplicationJournal(directory: directory)
            for id in ids { try await journal.record(id) }
            #expect(try journal.recordedIDs() == ids)
        }
        let reopened = try FileDeduplicationJournal(directory: directory)
        #expect(try reopened.recordedIDs() == ids)
        #expect(reopened.recovery == .init())
        #expect(try Self.lines(in: directory).count == ids.count + 1, "one line per id, newline-terminated")
        let files = FileManager.default
        #expect(try files.attributesOfItem(atPath: Self.file(in: directory).path)[.posixPermissions] as? Int == 0o600)
        #expect(try files.attributesOfItem(atPath: directory.path)[.posixPermissions] as? Int == 0o700)
        #expect(try files.contentsOfDirectory(atPath: directory.path) == [FileDeduplicationJournal.fileName], "no probe or temporary file left")
    }

    /// A crash or a full disk mid-append leaves a torn last line: it is cut
    /// off on open, and the next id does not join it (and get lost).
    @Test func aTornLastLineIsCutOffOnOpen() async throws {
        let directory = temporaryPath("dedup-journal")
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            let journal = try FileDeduplicationJournal(directory: directory)
            try await journal.record("kept-1")
            try await journal.record("kept-2")
        }
        let handle = try FileHandle(forWritingTo: Self.file(in: directory))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(#"{"id":"torn-"#.utf8))
        try handle.close()

        let logs = Locked<[String]>([])
        let journal = try FileDeduplicationJournal(directory: directory, log: { event in logs.withLock { $0.append(event.message) } })
        #expect(journal.recovery.truncatedBytes == #"{"id":"torn-"#.utf8.count)
        #expect(logs.withLock { $0 }.contains { $0.contains("torn") }, "\(logs.withLock { $0 })")
        try await journal.record("after")
        #expect(try journal.recordedIDs() == ["kept-1", "kept-2", "after"])
        #expect(try FileDeduplicationJournal(directory: directory).recordedIDs() == ["kept-1", "kept-2", "after"])
    }

    @Test func anUnreadableLineInTheMiddleIsSkippedAndCounted() async throws {
        let directory = temporaryPath("dedup-journal")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data("{\"id\":\"a\"}\nnot json\n{\"other\":1}\n{\"id\":\"b\"}\n".utf8).write(to: Self.file(in: directory))
        let journal = try FileDeduplicationJournal(directory: directory)
        #expect(journal.recovery.unreadableLines == 2 && journal.recovery.truncatedBytes == 0)
        #expect(try journal.recordedIDs() == ["a", "b"])
    }

    /// Many ids through a small journal: the file never holds more than
    /// twice its capacity, and the newest ids survive every compaction.
    @Test func theFileStaysWithinTwiceItsCapacity() async throws {
        let directory = temporaryPath("dedup-journal")
        defer { try? FileManager.default.removeItem(at: directory) }
        let capacity = 10
        let journal = try FileDeduplicationJournal(directory: directory, capacity: capacity)
        var most = 0
        for index in 0 ..< 1_000 {
            try await journal.record("id-\(index)")
            let lines = try Self.lines(in: directory).count - 1
            most = max(most, lines)
            #expect(lines <= 2 * capacity, "after id-\(index): \(lines) lines")
            let recorded = try journal.recordedIDs()
            #expect(recorded.last == "id-\(index)" && recorded.count >= min(index + 1, capacity))
        }
        #expect(most == 2 * capacity, "it fills to the bound before compacting")
        let newest = (990 ..< 1_000).map { "id-\($0)" }
        #expect(Array(try FileDeduplicationJournal(directory: directory, capacity: capacity).recordedIDs().suffix(capacity)) == newest)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == [FileDeduplicationJournal.fileName])
    }

    @Test func aFileOverItsBoundIsCompactedOnOpen() async throws {
        let directory = temporaryPath("dedup-journal")
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            let journal = try FileDeduplicationJournal(directory: directory, capacity: 100)
            for index in 0 ..< 50 { try await journal.record("id-\(index)") }
        }
        let journal = try FileDeduplicationJournal(directory: directory, capacity: 5)
        #expect(journal.recovery.compacted)
        #expect(try journal.recordedIDs() == (45 ..< 50).map { "id-\($0)" })
        #expect(try Self.lines(in: directory).count - 1 == 5)
    }

    /// Concurrent records share syncs; every one is read back.
    @Test func concurrentRecordsAreAllKept() async throws {
        let directory = temporaryPath("dedup-journal")
        defer { try? FileManager.default.removeItem(at: directory) }
        let journal = try FileDeduplicationJournal(directory: directory, capacity: 1_000)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0 ..< 300 { group.addTask { try await journal.record("id-\(index)") } }
            try await group.waitForAll()
        }
        let recorded = try FileDeduplicationJournal(directory: directory, capacity: 1_000).recordedIDs()
        #expect(Set(recorded) == Set((0 ..< 300).map { "id-\($0)" }) && recorded.count == 300)
    }

    @Test func aDirectoryUnderARegularFileIsRefusedNamingThePath() throws {
        let file = temporaryPath("dedup-parent")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data("x".utf8).write(to: file)
        let error = #expect(throws: DeduplicationJournalError.self) { try FileDeduplicationJournal(directory: file.appendingPathComponent("dedup-journal")) }
        #expect(error?.code == .cannotOpen)
        #expect(error?.reason.contains("\(file.path) is not a directory") == true, "\(String(describing: error))")
    }

    @Test func aReadOnlyDirectoryIsRefusedAtOpen() throws {
        guard let readOnly = try ReadOnlyDirectory.make() else { return }
        defer { readOnly.cleanUp() }
        let error = #expect(throws: DeduplicationJournalError.self) { try FileDeduplicationJournal(directory: readOnly.url) }
        #expect(error?.code == .cannotOpen)
        #expect(error?.reason.contains("\(readOnly.url.path) is not writable") == true, "\(String(describing: error))")
    }

    @Test func aCapacityBelowOneIsRefused() {
        let directory = temporaryPath("dedup-journal")
        defer { try? FileManager.default.removeItem(at: directory) }
        let error = #expect(throws: DeduplicationJournalError.self) { try FileDeduplicationJournal(directory: directory, capacity: 0) }
        #expect(error?.code == .invalidCapacity)
        #expect(!FileManager.default.fileExists(atPath: directory.path), "nothing created for a refused configuration")
    }
}

/// A full disk mid-append, on a real small file system: set
/// `CHATLIO_SMALL_FS` to an empty tmpfs mount (as root:
/// `mount -t tmpfs -o size=16k tmpfs /tmp/tinyfs`) to run it.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["CHATLIO_SMALL_FS"] != nil, "needs CHATLIO_SMALL_FS, a small tmpfs"))
struct FileDeduplicationJournalFullDiskTests {
    @Test func aLineCutShortByAFullDiskIsCutOffAndTheNextRecordIsKept() async throws {
        let mount = URL(fileURLWithPath: try #require(ProcessInfo.processInfo.environment["CHATLIO_SMALL_FS"]))
        let directory = mount.appendingPathComponent("dedup-journal-\(UUID().uuidString)")
        let filler = mount.appendingPathComponent("filler-\(UUID().uuidString)")
        defer {
            try? FileManager.default.removeItem(at: directory)
            try? FileManager.default.removeItem(at: filler)
        }
        let journal = try FileDeduplicationJournal(directory: directory)
        let file = FileDeduplicationJournalTests.file(in: directory)
        // One line ending 30 bytes before a page boundary: the next line's start fits, its end needs a new page.
        let page = 4096
        try await journal.record(String(repeating: "p", count: page - 30 - #"{"id":""}"#.utf8.count - 1))
        let before = try #require(try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int)
        #expect(before == page - 30)
        // Fill every free page.
        #expect(FileManager.default.createFile(atPath: filler.path, contents: nil))
        let handle = try FileHandle(forWritingTo: filler)
        while (try? handle.write(contentsOf: Data(repeating: 0, count: page))) != nil {}
        try? handle.close()

        let error = await #expect(throws: DeduplicationJournalError.self) { try await journal.record(String(repeating: "x", count: 64)) }
        #expect(error?.code == .writeFailed)
        #expect(error?.reason.contains(file.path) == true && error?.reason.contains("No space left on device") == true, "\(String(describing: error))")
        #expect(try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int == before, "the partial line is cut off at once")

        try FileManager.default.removeItem(at: filler)
        try await journal.record("after")
        let reopened = try FileDeduplicationJournal(directory: directory)
        #expect(reopened.recovery == .init())
        #expect(try reopened.recordedIDs().last == "after" && reopened.recordedIDs().count == 2)
    }
}
