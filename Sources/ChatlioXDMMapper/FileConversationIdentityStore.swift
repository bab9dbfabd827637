public import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ChatlioAEPSupport

/// A ``ConversationIdentityStore`` that survives restarts: an in-memory
/// bounded store plus an append-only NDJSON journal, replayed on open and
/// rewritten compactly when it grows past twice the capacity.
///
/// A write that fails (a full disk, an I/O error) is reported through `log`
/// and counted in ``journalWriteFailures``; the entry stays in memory, the
/// next append first cuts the file back to its last whole line, and the first
/// append that succeeds again rewrites the journal from memory, so what was
/// recorded while writes failed is on disk once they work. A torn last line
/// found on open (a crash or a full disk mid-write) is removed, or, when it is
/// a whole entry that only lacks its newline, kept and ended. The file is
/// created with owner-only permissions.
///
/// ```swift
/// let store = try FileConversationIdentityStore(
///     url: stateDirectory.appendingPathComponent("identities.ndjson"),
///     log: { event in FileHandle.standardError.write(Data("\(event)\n".utf8)) }
/// )
/// let mapper = try XDMMapper(configuration: configuration, identityStore: store)
/// // Later, for a health check or a metric:
/// if store.journalWriteFailures > 0 { alert("identity journal writes failed") }
/// ```
public final class FileConversationIdentityStore: ConversationIdentityStore {
    /// Writes bytes at a handle's offset: `FileHandle.write(contentsOf:)`, or a
    /// test's stand-in that fails like a full disk.
    package typealias JournalWrite = @Sendable (FileHandle, Data) throws -> Void

    private let memory: InMemoryConversationIdentityStore
    private let journal: Locked<Journal>
    private let log: @Sendable (ChatlioLogRecord) -> Void
    private let writeJournal: JournalWrite

    /// The journal file.
    public let url: URL

    struct Journal {
        var handle: FileHandle?
        var lines: Int
        /// The file's length up to the end of the last write that succeeded.
        var committedLength: UInt64
        /// The file ends with a whole entry but no newline (found so on open).
        var endsMidLine: Bool
        /// A write failed since the journal last held every remembered entry:
        /// the file may end in a torn line and lacks what failed.
        var failing = false
        var failures = 0
    }

    /// Journal writes (appends and rewrites) that failed since the store was
    /// opened. Each failed entry stays in memory and is written again once a
    /// write succeeds.
    public var journalWriteFailures: Int {
        journal.withLock { $0.failures }
    }

    /// Opens (or creates) the journal at `url` and replays it.
    ///
    /// - Parameters:
    ///   - url: the journal file (one JSON line per conversation).
    ///   - capacity: the most conversations remembered.
    ///   - log: receives a warning when a torn last line is repaired and an
    ///     error when a journal write fails; the default discards them.
    /// - Throws: when the file cannot be created, read or opened for writing.
    public convenience init(url: URL, capacity: Int = 100_000, log: @escaping @Sendable (ChatlioLogRecord) -> Void = { _ in }) throws {
        try self.init(url: url, capacity: capacity, log: log, writeJournal: { handle, data in try handle.write(contentsOf: data) })
    }

    /// The designated initializer, with the write call injectable so tests can fail it like a full disk.
    package init(url: URL, capacity: Int = 100_000, log: @escaping @Sendable (ChatlioLogRecord) -> Void, writeJournal: @escaping JournalWrite) throws {
        self.url = url
        self.log = log
        self.writeJournal = writeJournal
        memory = InMemoryConversationIdentityStore(capacity: capacity)
        var lines = 0
        var keptLength = 0
        var endsMidLine = false
        if FileManager.default.fileExists(atPath: url.path) {
            // Read errors throw: creating the file afresh would wipe a journal we merely could not read.
            let data = try Data(contentsOf: url)
            var lineStart = data.startIndex
            while lineStart < data.endIndex {
                let newline = data[lineStart...].firstIndex(of: UInt8(ascii: "\n"))
                let line = data[lineStart ..< (newline ?? data.endIndex)]
                let entry = try? JSONDecoder().decode(JournalEntry.self, from: Data(line))
                if let entry {
                    memory.record(entry.identities, forConversation: entry.conversation)
                    lines += 1
                }
                guard let newline else {
                    // The last line has no newline: a write was cut short.
                    if entry != nil {
                        keptLength = data.count
                        endsMidLine = true
                    } else {
                        log(ChatlioLogRecord(level: .warning, message: "identity journal \(url.path): removed a torn last line of \(line.count) bytes"))
                    }
                    break
                }
                lineStart = newline + 1
                keptLength = lineStart - data.startIndex
            }
            let handle = try FileHandle(forWritingTo: url)
            if keptLength < data.count {
                // Appending after half a line would glue the next entry to it, and both would be skipped on replay.
                try handle.truncate(atOffset: UInt64(keptLength))
            }
            try handle.seek(toOffset: UInt64(keptLength))
            journal = Locked(Journal(handle: handle, lines: lines, committedLength: UInt64(keptLength), endsMidLine: endsMidLine))
        } else {
            guard FileManager.default.createFile(atPath: url.path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
            }
            let handle = try FileHandle(forWritingTo: url)
            journal = Locked(Journal(handle: handle, lines: 0, committedLength: 0, endsMidLine: false))
        }
    }

    deinit {
        journal.withLock { try? $0.handle?.close() }
    }

    struct JournalEntry: Codable {
        var conversation: String
        var identities: ConversationIdentities
    }

    public func identities(forConversation conversationID: String) -> ConversationIdentities? {
        memory.identities(forConversation: conversationID)
    }

    public func record(_ identities: ConversationIdentities, forConversation conversationID: String) {
        guard !identities.isEmpty else { return }
        let known = memory.identities(forConversation: conversationID)
        if let known, known.filling(from: identities) == known { return }  // nothing new
        memory.record(identities, forConversation: conversationID)
        journal.withLock { journal in
            let line: Data
            do {
                line = try JSONEncoder().encode(JournalEntry(conversation: conversationID, identities: identities))
            } catch {
                noteFailure(error, while: "encoding an entry", &journal)
                return
            }
            guard append(line, to: &journal) else { return }
            if journal.failing {
                // Entries recorded while writes failed are only in memory: write them all again.
                let failures = journal.failures
                if compact(&journal) {
                    log(ChatlioLogRecord(level: .info, message: "identity journal \(url.path): writes work again; rewrote it after \(failures) failed writes"))
                }
            } else if journal.lines > memory.capacity * 2 {
                compact(&journal)
            }
        }
    }

    /// Appends one entry; `false` (failure noted) when the write fails.
    private func append(_ line: Data, to journal: inout Journal) -> Bool {
        do {
            if journal.handle == nil {
                journal.handle = try FileHandle(forWritingTo: url)
            }
            guard let handle = journal.handle else { return false }
            if journal.failing {
                // A failed write may have left part of a line (and moved the offset): cut back to the last whole one.
                try handle.truncate(atOffset: journal.committedLength)
            }
            var bytes = Data()
            if journal.endsMidLine { bytes.append(UInt8(ascii: "\n")) }
            bytes.append(line)
            bytes.append(UInt8(ascii: "\n"))
            try writeJournal(handle, bytes)
            journal.committedLength += UInt64(bytes.count)
            journal.endsMidLine = false
            journal.lines += 1
            return true
        } catch {
            noteFailure(error, while: "appending an entry", &journal)
            return false
        }
    }

    private func noteFailure(_ error: any Error, while action: String, _ journal: inout Journal) {
        journal.failures += 1
        // The first failure of a run, then every 1000th: a full disk must not flood the log.
        if !journal.failing || journal.failures % 1000 == 0 {
            log(ChatlioLogRecord(
                level: .error,
                message: "identity journal \(url.path): \(action) failed (\(journal.failures) failed writes so far): \(error); "
                    + "entries stay in memory and are written again once a write succeeds"
            ))
        }
        journal.failing = true
    }

    /// Rewrites the journal with one line per remembered conversation; `false` (failure noted) when it cannot.
    @discardableResult
    private func compact(_ journal: inout Journal) -> Bool {
        let snapshot = memory.state.withLock { state in
            state.order[state.orderStart...].compactMap { record -> JournalEntry? in
                guard let entry = state.entries[record.conversationID], entry.stamp == record.stamp else { return nil }
                return JournalEntry(conversation: record.conversationID, identities: entry.identities)
            }
        }
        var data = Data()
        do {
            for entry in snapshot {
                data.append(try JSONEncoder().encode(entry))
                data.append(UInt8(ascii: "\n"))
            }
        } catch {
            noteFailure(error, while: "encoding the journal for a rewrite", &journal)
            return false
        }
        let temporary = url.appendingPathExtension("compacting")
        do {
            // Create the file empty and owner-only first, then write: createFile with
            // contents writes them under the default mode (0644 with the usual umask)
            // and only then applies the permissions, so others could read them.
            guard FileManager.default.createFile(atPath: temporary.path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary.path])
            }
            let writer = try FileHandle(forWritingTo: temporary)
            do {
                try writeJournal(writer, data)
                try writer.synchronize()
                try writer.close()
            } catch {
                try? writer.close()
                throw error
            }
            // rename(2) replaces the journal atomically: a crash leaves the old or the new file, never neither.
            guard rename(temporary.path, url.path) == 0 else {
                throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            }
        } catch {
            _ = unlink(temporary.path)
            noteFailure(error, while: "rewriting the journal", &journal)
            return false
        }
        try? journal.handle?.close()
        journal.handle = nil
        journal.lines = snapshot.count
        journal.committedLength = UInt64(data.count)
        journal.endsMidLine = false
        journal.failing = false
        do {
            let handle = try FileHandle(forWritingTo: url)
            try handle.seekToEnd()
            journal.handle = handle
        } catch {
            // The next append opens it again.
            noteFailure(error, while: "reopening the rewritten journal", &journal)
        }
        return true
    }
}
