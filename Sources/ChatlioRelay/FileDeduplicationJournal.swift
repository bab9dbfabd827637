import ChatlioAEPSupport
import ChatlioWebhooks
public import Foundation
#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The ids of recently stored events in one append-only file,
/// `DIRECTORY/ids.ndjson` (one `{"id":"…"}` per line), so deduplication
/// survives a restart. In the state layout the directory is
/// `STATE/dedup-journal`.
///
/// - **Durable before the 202.** ``record(_:)`` returns once its line is
///   synced. Concurrent records share one `fsync` (group commit): a record
///   arriving while a sync runs waits for the next, which covers every line
///   written meanwhile.
/// - **Bounded.** Once the file holds more than twice ``capacity`` lines it
///   is rewritten with the newest ``capacity`` ids (a temporary file, synced,
///   renamed over the old one, directory synced), so it never holds much
///   more than 2 × ``capacity`` lines.
/// - **Crash-safe.** A torn last line (a crash or a full disk mid-append)
///   is cut off when the journal opens, and a failed append is cut off at
///   once, so the next line never joins a torn one. Lines that do not parse
///   are skipped (and counted in ``recovery``): the journal only prevents
///   resends, so losing a line can cost a duplicate downstream, never an event.
/// - **Owner-only.** Directory 0700, files 0600.
///
/// It should be the only writer of its directory: one relay process per
/// state directory.
///
/// ```swift
/// let journal = try FileDeduplicationJournal(
///     directory: state.appendingPathComponent("dedup-journal"),
///     capacity: 100_000)                               // match Configuration.deduplicationWindow
/// let relay = try ChatlioRelay(mapper: mapper, sink: client, quarantine: quarantine, journal: journal)
/// ```
public final class FileDeduplicationJournal: DeduplicationJournal {
    /// What opening the journal found and repaired.
    public struct Recovery: Sendable, Hashable {
        /// Bytes of a torn last line cut off.
        public var truncatedBytes = 0
        /// Complete lines that did not hold an id, skipped.
        public var unreadableLines = 0
        /// Whether the file was over its bound and rewritten.
        public var compacted = false

        /// A recovery; all zero: nothing was repaired.
        public init(truncatedBytes: Int = 0, unreadableLines: Int = 0, compacted: Bool = false) {
            self.truncatedBytes = truncatedBytes
            self.unreadableLines = unreadableLines
            self.compacted = compacted
        }
    }

    /// The journal file's name inside ``directory``.
    public static let fileName = "ids.ndjson"

    /// The directory holding the journal.
    public let directory: URL
    /// Ids kept when the file is compacted; the file holds at most about twice as many lines.
    public let capacity: Int
    /// What opening the journal repaired.
    public let recovery: Recovery

    private let path: String
    private let temporaryPath: String
    private let log: (@Sendable (ChatlioLogRecord) -> Void)?
    private let state: Locked<State>

    /// What a record waiting for durability is told.
    private enum Turn: Sendable {
        /// Its line is synced.
        case durable
        /// No sync is running: this record runs the next.
        case sync
        /// The sync that covered its line failed.
        case failed(String)
        /// A sync finished without covering its line: look again.
        case again
    }

    private struct Waiter {
        let sequence: UInt64
        let continuation: CheckedContinuation<Turn, Never>
    }

    private struct State {
        /// The append descriptor; -1 when a compaction could not reopen the file.
        var descriptor: Int32
        /// Bytes of complete lines in the file.
        var length: Int
        /// Complete lines in the file.
        var lines: Int
        /// Lines appended so far (the sequence of the newest) and the newest one synced.
        var written: UInt64 = 0
        var synced: UInt64 = 0
        var syncing = false
        var waiters: [Waiter] = []
        /// The line count at which to compact next (after a failed compaction it backs off).
        var compactAt: Int
    }

    /// Opens (creating if needed) the journal in `directory`, repairs a torn
    /// last line and compacts a file over its bound.
    ///
    /// - Parameters:
    ///   - directory: the journal's folder; it holds `ids.ndjson`.
    ///   - capacity: ids kept when compacting; use the relay's
    ///     `deduplicationWindow` (default 100,000).
    ///   - log: receives repairs and compaction failures.
    /// - Throws: ``DeduplicationJournalError`` with code `invalidCapacity`,
    ///   or `cannotOpen` naming the path and the problem (a parent that is a
    ///   regular file, a read-only directory, a file that cannot be read or repaired).
    public init(directory: URL, capacity: Int = 100_000, log: (@Sendable (ChatlioLogRecord) -> Void)? = nil) throws(DeduplicationJournalError) {
        guard capacity >= 1 else {
            throw DeduplicationJournalError(.invalidCapacity, "the deduplication journal's capacity must be at least 1 (it is \(capacity))")
        }
        self.directory = directory
        self.capacity = capacity
        self.log = log
        let directoryPath = directory.path
        path = directoryPath + "/" + Self.fileName
        temporaryPath = directoryPath + "/." + Self.fileName + ".tmp"
        do {
            try StateDirectory.prepare(directoryPath)
        } catch {
            throw DeduplicationJournalError(.cannotOpen, "the deduplication journal directory \(error)")
        }
        var recovery = Recovery()
        let descriptor: Int32
        let scan: Scan
        do {
            // A crash mid-compaction: the old file is still whole.
            try POSIXFile.remove(temporaryPath)
            let existed = try POSIXFile.size(path) != nil
            descriptor = try POSIXFile.openForWriting(path, append: true)
            do {
                _ = fchmod(descriptor, 0o600)
                scan = Scan(try POSIXFile.readAll(path, limit: .max))
                if scan.tornBytes > 0 {
                    try POSIXFile.truncate(descriptor, to: scan.length, path: path)
                    try POSIXFile.sync(descriptor, path: path)
                }
                if !existed { try POSIXFile.syncDirectory(directoryPath) }
            } catch {
                POSIXFile.close(descriptor)
                throw error
            }
        } catch {
            throw DeduplicationJournalError(.cannotOpen, "the deduplication journal \(path) cannot be opened: \(error)")
        }
        recovery.truncatedBytes = scan.tornBytes
        recovery.unreadableLines = scan.unreadableLines
        var opened = State(descriptor: descriptor, length: scan.length, lines: scan.lines, compactAt: 2 * capacity + 1)
        if opened.lines >= opened.compactAt {
            recovery.compacted = Self.compact(&opened, ids: scan.ids, capacity: capacity, path: path, temporaryPath: temporaryPath, directoryPath: directoryPath, log: log)
        }
        self.recovery = recovery
        state = Locked(opened)
        if scan.tornBytes > 0 || scan.unreadableLines > 0 {
            log?(ChatlioLogRecord(level: .warning, message: "the deduplication journal \(path) was repaired: \(scan.tornBytes) bytes of a torn last line cut off, \(scan.unreadableLines) unreadable lines skipped"))
        }
    }

    deinit {
        let descriptor = state.withLock { $0.descriptor }
        if descriptor >= 0 { POSIXFile.close(descriptor) }
    }

    /// The ids in the file, oldest first (at most about 2 × ``capacity``).
    ///
    /// - Throws: ``DeduplicationJournalError`` with code `unreadable`.
    public func recordedIDs() throws(DeduplicationJournalError) -> [String] {
        do {
            return Scan(try POSIXFile.readAll(path, limit: .max)).ids
        } catch {
            throw DeduplicationJournalError(.unreadable, "the deduplication journal \(path) cannot be read: \(error)")
        }
    }

    /// Appends `id` and returns once it is synced.
    ///
    /// - Throws: ``DeduplicationJournalError`` with code `writeFailed`; a
    ///   line that could not be written whole is cut off again.
    public func record(_ id: String) async throws(DeduplicationJournalError) {
        let line = JSONValue.object(["id": .string(id)]).serialized() + [UInt8(ascii: "\n")]
        let sequence = try state.withLock { state throws(DeduplicationJournalError) -> UInt64 in
            try append(line, to: &state)
            state.written += 1
            return state.written
        }
        try await waitUntilDurable(sequence)
    }

    private func append(_ line: [UInt8], to state: inout State) throws(DeduplicationJournalError) {
        do {
            if state.descriptor < 0 { state.descriptor = try POSIXFile.openForWriting(path, append: true) }
            try POSIXFile.writeAll(state.descriptor, line, path: path)
        } catch {
            // Cut a partial line off now, so the next line does not join it and get lost on reading.
            if state.descriptor >= 0 { try? POSIXFile.truncate(state.descriptor, to: state.length, path: path) }
            throw DeduplicationJournalError(.writeFailed, "an id could not be appended to the deduplication journal: \(error)")
        }
        state.length += line.count
        state.lines += 1
    }

    /// Group commit: one record at a time runs `fsync`; the others wait for
    /// a sync that started after their line was written.
    private func waitUntilDurable(_ sequence: UInt64) async throws(DeduplicationJournalError) {
        while true {
            let turn = await withCheckedContinuation { (continuation: CheckedContinuation<Turn, Never>) in
                let immediate = state.withLock { state -> Turn? in
                    if state.synced >= sequence { return .durable }
                    if !state.syncing {
                        state.syncing = true
                        return .sync
                    }
                    state.waiters.append(Waiter(sequence: sequence, continuation: continuation))
                    return nil
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
            switch turn {
            case .durable: return
            case .again: continue
            case .failed(let reason): throw DeduplicationJournalError(.writeFailed, reason)
            case .sync:
                if let failure = runSync() { throw DeduplicationJournalError(.writeFailed, failure) }
                return
            }
        }
    }

    /// Syncs every line written so far, compacts when due, and tells the
    /// waiters; returns the failure, if any, for the caller's own line.
    private func runSync() -> String? {
        let (descriptor, target) = state.withLock { ($0.descriptor, $0.written) }
        var failure: String?
        do {
            if descriptor >= 0 { try POSIXFile.sync(descriptor, path: path) }
        } catch {
            failure = "the deduplication journal could not be synced: \(error)"
        }
        let woken = state.withLock { state -> [(Waiter, Turn)] in
            state.syncing = false
            if failure == nil {
                state.synced = max(state.synced, target)
                if state.lines >= state.compactAt { compactNow(&state) }
            }
            let waiters = state.waiters
            state.waiters = []
            return waiters.map { waiter in
                guard waiter.sequence <= target else { return (waiter, .again) }
                return (waiter, failure.map(Turn.failed) ?? .durable)
            }
        }
        for (waiter, turn) in woken { waiter.continuation.resume(returning: turn) }
        return failure
    }

    /// Called with the lock held: writers wait while the file is rewritten
    /// (once per `capacity` records).
    private func compactNow(_ state: inout State) {
        let ids: [String]
        do {
            ids = Scan(try POSIXFile.readAll(path, limit: state.length)).ids
        } catch {
            state.compactAt = state.lines + max(1, capacity / 2)
            log?(ChatlioLogRecord(level: .error, message: "the deduplication journal \(path) could not be read to compact it (tried again later): \(error)"))
            return
        }
        if Self.compact(&state, ids: ids, capacity: capacity, path: path, temporaryPath: temporaryPath, directoryPath: directory.path, log: log) {
            // The rewritten file is synced and holds every line written so far.
            state.synced = state.written
        }
    }

    /// Rewrites the file with the newest `capacity` ids; `false` (and the
    /// old file kept, with a later retry) when that fails.
    private static func compact(
        _ state: inout State, ids: [String], capacity: Int, path: String, temporaryPath: String, directoryPath: String,
        log: (@Sendable (ChatlioLogRecord) -> Void)?
    ) -> Bool {
        var bytes: [UInt8] = []
        let kept = ids.suffix(capacity)
        for id in kept {
            bytes += JSONValue.object(["id": .string(id)]).serialized()
            bytes.append(UInt8(ascii: "\n"))
        }
        do {
            try POSIXFile.remove(temporaryPath)
            let temporary = try POSIXFile.openForWriting(temporaryPath, exclusive: true)
            do {
                try POSIXFile.writeAll(temporary, bytes, path: temporaryPath)
                try POSIXFile.sync(temporary, path: temporaryPath)
            } catch {
                POSIXFile.close(temporary)
                throw error
            }
            POSIXFile.close(temporary)
            try POSIXFile.rename(temporaryPath, to: path)
        } catch {
            try? POSIXFile.remove(temporaryPath)
            state.compactAt = state.lines + max(1, capacity / 2)
            log?(ChatlioLogRecord(level: .error, message: "the deduplication journal \(path) could not be compacted (it keeps growing; tried again later): \(error)"))
            return false
        }
        // Renamed: from here the new file is the journal, whatever else fails.
        if state.descriptor >= 0 { POSIXFile.close(state.descriptor) }
        state.descriptor = (try? POSIXFile.openForWriting(path, append: true)) ?? -1
        state.length = bytes.count
        state.lines = kept.count
        state.compactAt = 2 * capacity + 1
        do {
            try POSIXFile.syncDirectory(directoryPath)
        } catch {
            log?(ChatlioLogRecord(level: .error, message: "the deduplication journal's compaction may not survive a power loss: \(error)"))
        }
        return true
    }
}

/// The complete lines of a journal file.
private struct Scan {
    var ids: [String] = []
    /// Bytes of complete lines (up to and including the last newline).
    var length = 0
    var lines = 0
    var unreadableLines = 0
    /// Bytes after the last newline: a torn line.
    var tornBytes = 0

    init(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            var start = 0
            // memchr: a byte-by-byte loop is slow in debug builds, and a full journal is 15 MB.
            while start < buffer.count, let found = memchr(base + start, Int32(UInt8(ascii: "\n")), buffer.count - start) {
                let index = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                lines += 1
                if let id = Self.id(in: UnsafeBufferPointer(rebasing: buffer[start ..< index])) { ids.append(id) } else { unreadableLines += 1 }
                start = index + 1
            }
            length = start
            tornBytes = buffer.count - start
        }
    }

    /// `{"id":"`, and `"}`.
    private static let prefix = Array(#"{"id":""#.utf8)
    private static let suffix = Array(#""}"#.utf8)

    private static func id(in line: UnsafeBufferPointer<UInt8>) -> String? {
        // The lines this journal writes for ASCII ids without escapes (the mapper's hex ids) are read
        // without the JSON parser: opening a full journal reads 200,000 of them.
        if let id = plainID(in: line) { return id }
        guard let value = try? JSONValue(parsing: line), let id = value["id"]?.stringValue, !id.isEmpty else { return nil }
        return id
    }

    private static func plainID(in line: UnsafeBufferPointer<UInt8>) -> String? {
        let end = line.count - suffix.count
        guard end > prefix.count else { return nil }
        for index in 0 ..< prefix.count where line[index] != prefix[index] { return nil }
        for index in 0 ..< suffix.count where line[end + index] != suffix[index] { return nil }
        for index in prefix.count ..< end {
            let byte = line[index]
            if byte < 0x20 || byte >= 0x80 || byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "\"") { return nil }
        }
        return String(decoding: UnsafeBufferPointer(rebasing: line[prefix.count ..< end]), as: UTF8.self)
    }
}
