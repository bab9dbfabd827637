import ChatlioAEPSupport
public import Foundation

#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A durable dead-letter store: one file per letter in one directory.
///
/// Each letter is written to a temporary file, synced, renamed into place
/// and the directory synced, so after a kill or a power loss at any instant
/// a letter is either whole or absent — and the client removes the event from
/// the outbox only after ``add(_:)`` returned. A letter file is its JSON
/// header on one line, then the payload bytes (`head -1 letter-*.dl` reads
/// the headers). Files are created with mode 0600 and the directory with
/// 0700; an exclusive `flock` on `lock` keeps a second process out, so an
/// admin tool cannot change the letters under a running client.
///
/// ```swift
/// let store = try FileDeadLetterStore(directory: URL(fileURLWithPath: "/var/lib/chatlio-relay/dead-letters"))
/// for entry in try await store.entries() { print(entry.id, entry.reason) }
/// ```
public final class FileDeadLetterStore: DeadLetterStore {
    private struct Stored: Sendable {
        var file: String
        var order: UInt64
        var entry: DeadLetterEntry
    }

    private struct State: Sendable {
        var letters: [String: Stored] = [:]
        var bytes = 0
        var nextOrder: UInt64 = 1
        var lockFD: Int32 = -1
    }

    /// The directory.
    public let directory: URL
    /// The bounds it keeps to.
    public let limits: DeadLetterLimits
    /// Files found at open that are not whole letters (left in place for a person to look at).
    public let unreadableFiles: [String]

    private let state: Locked<State>

    /// Opens (creating if needed) the store in `directory` and reads every letter's header.
    ///
    /// - Throws: ``AEPStreamingClientError/Code/deadLetterStoreIO`` when the
    ///   directory cannot be created, written or locked (another process has it open).
    public init(directory: URL, limits: DeadLetterLimits = DeadLetterLimits()) throws(AEPStreamingClientError) {
        self.directory = directory
        self.limits = limits
        let path = directory.path
        var state = State()
        var unreadable: [String] = []
        do throws(AEPStreamingClientError) {
            try POSIXFile.makeDirectory(path)
            state.lockFD = try POSIXFile.lockFile(path + "/lock")
            let names: [String]
            do {
                names = try FileManager.default.contentsOfDirectory(atPath: path).sorted()
            } catch {
                throw AEPStreamingClientError(.outboxIO, "cannot list \(path): \(error.localizedDescription)")
            }
            for name in names {
                if name.hasPrefix("tmp-") {
                    // A write that never got renamed into place: its add(_:) did not return.
                    POSIXFile.unlinkQuietly(path + "/" + name)
                    continue
                }
                guard let order = Self.order(fromFileName: name) else { continue }
                // Past every letter file, readable or not: a rename never lands on one.
                state.nextOrder = max(state.nextOrder, order + 1)
                guard let entry = try Self.readHeader(path + "/" + name) else {
                    unreadable.append(name)
                    continue
                }
                if let older = state.letters[entry.id] {
                    // A replacement whose predecessor's unlink did not reach the disk.
                    guard older.order < order else { continue }
                    POSIXFile.unlinkQuietly(path + "/" + older.file)
                    state.bytes -= older.entry.payloadBytes
                }
                state.letters[entry.id] = Stored(file: name, order: order, entry: entry)
                state.bytes += entry.payloadBytes
            }
        } catch {
            POSIXFile.closeQuietly(state.lockFD)
            throw Self.storeError(error)
        }
        self.unreadableFiles = unreadable
        self.state = Locked(state)
    }

    deinit {
        state.withLock { state in
            POSIXFile.closeQuietly(state.lockFD)
            state.lockFD = -1
        }
    }

    /// Letters kept now.
    public var count: Int { state.withLock { $0.letters.count } }

    /// Payload bytes kept now.
    public var payloadBytes: Int { state.withLock { $0.bytes } }

    public func add(_ letter: DeadLetter) async throws(AEPStreamingClientError) {
        let path = directory.path
        try state.withLock { (state: inout State) throws(AEPStreamingClientError) in
            let replaced = state.letters[letter.id]
            if let refusal = limits.refusal(
                count: state.letters.count - (replaced == nil ? 0 : 1), bytes: state.bytes - (replaced?.entry.payloadBytes ?? 0),
                payloadBytes: letter.payload.count
            ) {
                throw AEPStreamingClientError(.deadLetterStoreFull, "\(refusal); event \(letter.id) stays in the outbox")
            }
            let order = state.nextOrder
            let name = Self.fileName(order: order)
            let temporary = "\(path)/tmp-\(name)"
            do throws(AEPStreamingClientError) {
                let fd = try POSIXFile.open(temporary, create: true, exclusive: true)
                defer { POSIXFile.closeQuietly(fd) }
                try POSIXFile.writeAll(fd, DeadLetterFileFormat.encode(letter), path: temporary)
                try POSIXFile.sync(fd, path: temporary)
                guard rename(temporary, "\(path)/\(name)") == 0 else { throw POSIXFile.failure("rename", temporary) }
                try POSIXFile.syncDirectory(path)
            } catch {
                POSIXFile.unlinkQuietly(temporary)
                throw Self.storeError(error)
            }
            state.nextOrder += 1
            if let replaced {
                POSIXFile.unlinkQuietly("\(path)/\(replaced.file)")
                state.bytes -= replaced.entry.payloadBytes
            }
            var entry = letter.entry
            entry.payloadBytes = letter.payload.count
            state.letters[letter.id] = Stored(file: name, order: order, entry: entry)
            state.bytes += letter.payload.count
        }
    }

    public func entries() async throws(AEPStreamingClientError) -> [DeadLetterEntry] {
        state.withLock { state in state.letters.values.sorted { $0.order < $1.order }.map(\.entry) }
    }

    public func letter(id: String) async throws(AEPStreamingClientError) -> DeadLetter? {
        guard let stored = state.withLock({ $0.letters[id] }) else { return nil }
        let path = directory.path + "/" + stored.file
        do throws(AEPStreamingClientError) {
            let fd = try POSIXFile.open(path, create: false)
            defer { POSIXFile.closeQuietly(fd) }
            let bytes = try POSIXFile.readAll(fd, path: path)
            guard let (entry, offset) = DeadLetterFileFormat.decodeHeader(bytes, fileSize: bytes.count), entry.id == id else {
                throw AEPStreamingClientError(.deadLetterStoreIO, "\(path) is no longer a whole dead letter for \(id)")
            }
            return DeadLetter(entry: entry, payload: Data(bytes[offset...]))
        } catch {
            throw Self.storeError(error)
        }
    }

    public func remove(_ ids: [String]) async throws(AEPStreamingClientError) {
        let path = directory.path
        try state.withLock { (state: inout State) throws(AEPStreamingClientError) in
            var removedAny = false
            for id in ids {
                guard let stored = state.letters.removeValue(forKey: id) else { continue }
                POSIXFile.unlinkQuietly("\(path)/\(stored.file)")
                state.bytes -= stored.entry.payloadBytes
                removedAny = true
            }
            // A purge that a power loss undid would bring letters back, not lose them; sync anyway.
            if removedAny {
                do throws(AEPStreamingClientError) { try POSIXFile.syncDirectory(path) } catch { throw Self.storeError(error) }
            }
        }
    }

    // MARK: - Files

    static func fileName(order: UInt64) -> String {
        let hex = String(order, radix: 16)
        return "letter-" + String(repeating: "0", count: max(0, 16 - hex.count)) + hex + ".dl"
    }

    static func order(fromFileName name: String) -> UInt64? {
        guard name.hasPrefix("letter-"), name.hasSuffix(".dl") else { return nil }
        return UInt64(name.dropFirst("letter-".count).dropLast(".dl".count), radix: 16)
    }

    /// The header of a letter file; `nil` when it is not a whole letter.
    private static func readHeader(_ path: String) throws(AEPStreamingClientError) -> DeadLetterEntry? {
        let fd = try POSIXFile.open(path, create: false)
        defer { POSIXFile.closeQuietly(fd) }
        let size = try POSIXFile.size(fd, path: path)
        let head = try POSIXFile.read(fd, offset: 0, count: min(size, 64 << 10), path: path)
        // Only the header is read here; the payload length is checked against the file size.
        return DeadLetterFileFormat.decodeHeader(head, fileSize: size)?.entry
    }

    private static func storeError(_ error: AEPStreamingClientError) -> AEPStreamingClientError {
        guard error.code != .deadLetterStoreFull, error.code != .deadLetterStoreIO else { return error }
        let reason = error.code == .outboxLocked
            ? error.reason.replacingOccurrences(of: "another FileOutbox holds", with: "another process holds").replacingOccurrences(of: "; one outbox directory per client", with: " (a running relay or client?)")
            : error.reason
        return AEPStreamingClientError(.deadLetterStoreIO, "dead-letter store: \(reason)")
    }
}
