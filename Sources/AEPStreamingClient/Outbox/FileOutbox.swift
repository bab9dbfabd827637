public import Foundation

/// A durable outbox: append-only segment files in one directory per client.
///
/// Every event is one length-prefixed, CRC-32-checked record in the active
/// segment (`segment-<n>.log`); removing an event appends its id to the
/// segment's acknowledgement file (`segment-<n>.ack`), and a segment whose
/// events are all removed is deleted with its ack file. After a kill at any
/// instant, reopening the directory returns every record whose ``append(_:)``
/// returned and that was not removed; a torn last record (a kill during
/// `write`) fails its checksum and is skipped, counted in ``recovery``.
///
/// Files are created with mode 0600 and the directory with 0700. An
/// exclusive `flock` on `lock` keeps a second process (or client) out.
///
/// ```swift
/// let outbox = try FileOutbox(
///     directory: URL(fileURLWithPath: "/var/lib/chatlio-relay/aep-outbox"),
///     options: .init(durability: .groupCommit())
/// )
/// print(outbox.recovery)   // records recovered, torn bytes skipped
/// ```
public final class FileOutbox: Outbox {
    /// How ``FileOutbox`` writes.
    ///
    /// ```swift
    /// let options = FileOutbox.Options(durability: .everyAppend, segmentBytes: 4 << 20)
    /// ```
    public struct Options: Sendable, Hashable {
        /// When data reaches the disk (default ``Durability-swift.struct/groupCommit(maxDelay:)``).
        public var durability: Durability
        /// A segment is closed and a new one started past this size (default 8 MiB).
        public var segmentBytes: Int

        /// Creates options; see the properties for the defaults.
        public init(durability: Durability = .groupCommit(), segmentBytes: Int = 8 << 20) {
            self.durability = durability
            self.segmentBytes = segmentBytes
        }
    }

    /// When an appended record is on stable storage.
    ///
    /// Every mode survives a process kill (the kernel has the bytes once
    /// `write` returns); they differ on power loss and kernel crashes.
    ///
    /// ```swift
    /// .everyAppend                             // an fsync before each append returns, with no wait to gather others
    /// .groupCommit(maxDelay: .milliseconds(2)) // appends waiting together share one fsync
    /// .osBuffered                              // no fsync: survives kills, not power loss
    /// ```
    public struct Durability: Sendable, Hashable, CustomStringConvertible {
        enum Kind: Sendable, Hashable {
            case everyAppend
            case groupCommit(maxDelay: Duration)
            case osBuffered
        }

        let kind: Kind

        /// `append` returns after an `fsync` that covers it, started at once:
        /// appends that arrive while one runs share the next (there is no
        /// waiting to gather more, unlike ``groupCommit(maxDelay:)``).
        public static let everyAppend = Durability(kind: .everyAppend)
        /// `append` returns after an `fsync` that covers it; concurrent appends
        /// share one. The syncing task first waits up to `maxDelay` to gather more.
        public static func groupCommit(maxDelay: Duration = .zero) -> Durability {
            Durability(kind: .groupCommit(maxDelay: maxDelay))
        }
        /// No `fsync`: a process kill loses nothing, a power loss may lose the
        /// last seconds of appends.
        public static let osBuffered = Durability(kind: .osBuffered)

        var syncs: Bool { kind != .osBuffered }

        public var description: String {
            switch kind {
            case .everyAppend: "everyAppend"
            case .groupCommit(let maxDelay): "groupCommit(maxDelay: \(maxDelay))"
            case .osBuffered: "osBuffered"
            }
        }
    }

    /// What opening the directory found.
    ///
    /// ```swift
    /// if outbox.recovery.tornBytesSkipped > 0 { alert("outbox had a torn tail") }
    /// ```
    public struct Recovery: Sendable, Hashable, CustomStringConvertible {
        /// Segment files found.
        public var segments = 0
        /// Records still to deliver.
        public var records = 0
        /// Payload bytes of those records.
        public var payloadBytes = 0
        /// Bytes after the last valid record of a file (torn or corrupt), skipped and truncated.
        public var tornBytesSkipped = 0
        /// Files with such bytes.
        public var tornFiles = 0
        /// Fully acknowledged segments deleted while opening.
        public var segmentsDeleted = 0

        public var description: String {
            "\(records) records (\(payloadBytes) bytes) in \(segments) segments; \(tornBytesSkipped) torn bytes skipped in \(tornFiles) files; \(segmentsDeleted) empty segments deleted"
        }
    }

    struct Location: Sendable {
        var segment: UInt64
        var payloadOffset: Int
        var payloadLength: Int
        var enqueuedAt: Date
        var order: UInt64
    }

    struct Segment: Sendable {
        var number: UInt64
        var fd: Int32
        var size: Int
        var live: Int
        var ackFD: Int32 = -1
    }

    struct State: Sendable {
        var segments: [UInt64: Segment] = [:]
        var index: [String: Location] = [:]
        var active: UInt64 = 0
        var nextOrder: UInt64 = 0
        var closed = false
        /// Appends written so far (tickets) and the last one known on disk.
        var written: UInt64 = 0
        var synced: UInt64 = 0
        var syncing = false
        var waiters: [(ticket: UInt64, continuation: CheckedContinuation<Void, any Error>)] = []
        var lockFD: Int32 = -1
    }

    /// The directory.
    public let directory: URL
    /// The options it was opened with.
    public let options: Options
    /// What opening the directory found.
    public let recovery: Recovery

    let state: Locked<State>
    let log: AEPStreamingClient.LogHandler

    /// Opens (creating if needed) the outbox in `directory` and recovers what it holds.
    ///
    /// - Throws: ``AEPStreamingClientError/Code/outboxLocked`` when another
    ///   outbox has the directory open; ``AEPStreamingClientError/Code/outboxIO``
    ///   when files cannot be created or read.
    public init(directory: URL, options: Options = Options(), log: @escaping AEPStreamingClient.LogHandler = { _ in }) throws(AEPStreamingClientError) {
        guard options.segmentBytes >= 4096 else {
            throw AEPStreamingClientError(.invalidConfiguration, "FileOutbox segmentBytes must be at least 4096 (got \(options.segmentBytes))")
        }
        self.directory = directory
        self.options = options
        self.log = log
        let path = directory.path
        try POSIXFile.makeDirectory(path)
        let lockFD = try POSIXFile.lockFile(path + "/lock")
        var state = State()
        state.lockFD = lockFD
        let recovery: Recovery
        do throws(AEPStreamingClientError) {
            recovery = try Self.recover(directory: path, into: &state, log: log)
            try Self.startSegment(number: (state.segments.keys.max() ?? 0) + 1, directory: path, durability: options.durability, state: &state)
        } catch {
            for segment in state.segments.values {
                POSIXFile.closeQuietly(segment.fd)
                POSIXFile.closeQuietly(segment.ackFD)
            }
            POSIXFile.closeQuietly(lockFD)
            throw error
        }
        self.recovery = recovery
        self.state = Locked(state)
        if recovery.records > 0 || recovery.tornBytesSkipped > 0 {
            log(AEPStreamingClient.LogEvent(
                level: recovery.tornBytesSkipped > 0 ? .warning : .info, message: "FileOutbox \(path): recovered \(recovery)"
            ))
        }
    }

    deinit {
        state.withLock { state in
            Self.closeFiles(&state)
        }
    }

    /// Records stored now.
    public var count: Int { state.withLock { $0.index.count } }

    /// Segment files now (the active one included).
    public var segmentCount: Int { state.withLock { $0.segments.count } }

    static func segmentPath(_ directory: String, _ number: UInt64, ack: Bool = false) -> String {
        let hex = String(number, radix: 16)
        let padded = String(repeating: "0", count: max(0, 16 - hex.count)) + hex
        return "\(directory)/segment-\(padded).\(ack ? "ack" : "log")"
    }

    static func closeFiles(_ state: inout State) {
        for segment in state.segments.values {
            POSIXFile.closeQuietly(segment.fd)
            POSIXFile.closeQuietly(segment.ackFD)
        }
        state.segments = [:]
        POSIXFile.closeQuietly(state.lockFD)
        state.lockFD = -1
        state.closed = true
    }

    static func closedError() -> AEPStreamingClientError {
        AEPStreamingClientError(.outboxClosed, "the file outbox is closed")
    }

    // MARK: - Outbox

    public func storedEntries() async throws(AEPStreamingClientError) -> [OutboxEntry] {
        try state.withLock { (state: inout State) throws(AEPStreamingClientError) in
            guard !state.closed else { throw Self.closedError() }
            return state.index
                .sorted { $0.value.order < $1.value.order }
                .map { OutboxEntry(id: $0.key, payloadBytes: $0.value.payloadLength, enqueuedAt: $0.value.enqueuedAt) }
        }
    }

    public func append(_ record: OutboxRecord) async throws(AEPStreamingClientError) {
        guard !record.id.isEmpty, record.id.utf8.count <= Int(UInt16.max) else {
            throw AEPStreamingClientError(.invalidEvent, "an outbox record id must be 1…65535 UTF-8 bytes")
        }
        let bytes = RecordFormat.eventRecord(id: record.id, payload: record.payload, enqueuedAt: record.enqueuedAt)
        let path = directory.path
        let durability = options.durability
        let segmentBytes = options.segmentBytes
        let ticket = try state.withLock { (state: inout State) throws(AEPStreamingClientError) -> UInt64? in
            guard !state.closed else { throw Self.closedError() }
            if state.index[record.id] != nil { return nil }
            if let active = state.segments[state.active], active.size > RecordFormat.magic.count, active.size + bytes.count > segmentBytes {
                try Self.rotate(directory: path, durability: durability, state: &state)
            }
            guard var segment = state.segments[state.active] else { throw Self.closedError() }
            let segmentPath = Self.segmentPath(path, segment.number)
            do throws(AEPStreamingClientError) {
                try POSIXFile.writeAll(segment.fd, bytes, path: segmentPath)
            } catch {
                // A partial write would leave a torn record in the middle: cut it off.
                try? POSIXFile.truncate(segment.fd, to: segment.size, path: segmentPath)
                throw error
            }
            let idBytes = record.id.utf8.count
            state.index[record.id] = Location(
                segment: segment.number, payloadOffset: segment.size + RecordFormat.payloadOffset(idBytes: idBytes),
                payloadLength: record.payload.count, enqueuedAt: record.enqueuedAt, order: state.nextOrder
            )
            state.nextOrder += 1
            segment.size += bytes.count
            segment.live += 1
            state.segments[segment.number] = segment
            state.written += 1
            return state.written
        }
        guard let ticket else { return }
        switch durability.kind {
        case .osBuffered:
            return
        case .everyAppend:
            try await waitUntilDurable(ticket, gather: .zero)
        case .groupCommit(let maxDelay):
            try await waitUntilDurable(ticket, gather: maxDelay)
        }
    }

    public func payloads(for ids: [String]) async throws(AEPStreamingClientError) -> [Data?] {
        let path = directory.path
        // Locations and duplicated descriptors under the lock; the reads
        // outside it, so appends are not held up (a duplicate stays valid even
        // if the segment is deleted meanwhile).
        let plan = try state.withLock { (state: inout State) throws(AEPStreamingClientError) -> (locations: [Location?], fds: [UInt64: Int32]) in
            guard !state.closed else { throw Self.closedError() }
            var fds: [UInt64: Int32] = [:]
            var locations: [Location?] = []
            locations.reserveCapacity(ids.count)
            for id in ids {
                guard let location = state.index[id], let segment = state.segments[location.segment] else {
                    locations.append(nil)
                    continue
                }
                if fds[segment.number] == nil {
                    let fd = POSIXFile.duplicate(segment.fd)
                    guard fd >= 0 else {
                        for fd in fds.values { POSIXFile.closeQuietly(fd) }
                        throw POSIXFile.failure("dup", Self.segmentPath(path, segment.number))
                    }
                    fds[segment.number] = fd
                }
                locations.append(location)
            }
            return (locations, fds)
        }
        defer { for fd in plan.fds.values { POSIXFile.closeQuietly(fd) } }
        var result: [Data?] = []
        result.reserveCapacity(ids.count)
        for location in plan.locations {
            guard let location, let fd = plan.fds[location.segment] else {
                result.append(nil)
                continue
            }
            let bytes = try POSIXFile.read(fd, offset: location.payloadOffset, count: location.payloadLength, path: Self.segmentPath(path, location.segment))
            result.append(Data(bytes))
        }
        return result
    }

    public func remove(_ ids: [String]) async throws(AEPStreamingClientError) {
        let path = directory.path
        let durability = options.durability
        var toSync: [(fd: Int32, path: String)] = []
        let directoryChanged = try state.withLock { (state: inout State) throws(AEPStreamingClientError) -> Bool in
            guard !state.closed else { throw Self.closedError() }
            var acks: [UInt64: [UInt8]] = [:]
            for id in ids {
                guard let location = state.index.removeValue(forKey: id), var segment = state.segments[location.segment] else { continue }
                segment.live -= 1
                state.segments[location.segment] = segment
                acks[location.segment, default: []].append(contentsOf: RecordFormat.ackRecord(id: id))
            }
            var directoryChanged = false
            for (number, records) in acks {
                guard var segment = state.segments[number] else { continue }
                if segment.live == 0, number != state.active {
                    Self.deleteSegment(segment, directory: path)
                    state.segments[number] = nil
                    directoryChanged = true
                    continue
                }
                let ackPath = Self.segmentPath(path, number, ack: true)
                if segment.ackFD < 0 {
                    segment.ackFD = try POSIXFile.open(ackPath, create: true, append: true)
                    state.segments[number] = segment
                    // A new name is durable only once its directory is synced (POSIX; ext4 happens to
                    // commit it with the file): without it a power loss could take the acks with it,
                    // and every acknowledged event of the segment would be sent again.
                    directoryChanged = true
                }
                try POSIXFile.writeAll(segment.ackFD, records, path: ackPath)
                if durability.syncs {
                    let fd = POSIXFile.duplicate(segment.ackFD)
                    if fd >= 0 { toSync.append((fd, ackPath)) }
                }
            }
            return directoryChanged
        }
        // Syncs outside the lock, on duplicates, so appends go on meanwhile.
        defer { for (fd, _) in toSync { POSIXFile.closeQuietly(fd) } }
        guard durability.syncs else { return }
        for (fd, ackPath) in toSync { try POSIXFile.sync(fd, path: ackPath) }
        if directoryChanged { try POSIXFile.syncDirectory(path) }
    }

    public func close() async {
        let path = directory.path
        let syncs = options.durability.syncs
        let waiters = state.withLock { state -> [CheckedContinuation<Void, any Error>] in
            guard !state.closed else { return [] }
            if syncs, let active = state.segments[state.active] {
                try? POSIXFile.sync(active.fd, path: Self.segmentPath(path, active.number))
            }
            state.synced = state.written
            let waiters = state.waiters.map(\.continuation)
            state.waiters = []
            Self.closeFiles(&state)
            return waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    // MARK: - Segments

    static func startSegment(number: UInt64, directory: String, durability: Durability, state: inout State) throws(AEPStreamingClientError) {
        let path = segmentPath(directory, number)
        let fd = try POSIXFile.open(path, create: true, exclusive: true, append: true)
        do throws(AEPStreamingClientError) {
            try POSIXFile.writeAll(fd, RecordFormat.magic, path: path)
            if durability.syncs {
                try POSIXFile.sync(fd, path: path)
                try POSIXFile.syncDirectory(directory)
            }
        } catch {
            POSIXFile.closeQuietly(fd)
            POSIXFile.unlinkQuietly(path)
            throw error
        }
        state.segments[number] = Segment(number: number, fd: fd, size: RecordFormat.magic.count, live: 0)
        state.active = number
    }

    /// Closes the active segment (synced, so earlier tickets stay covered) and starts the next.
    static func rotate(directory: String, durability: Durability, state: inout State) throws(AEPStreamingClientError) {
        guard let old = state.segments[state.active] else { return }
        if durability.syncs { try POSIXFile.sync(old.fd, path: segmentPath(directory, old.number)) }
        try startSegment(number: old.number + 1, directory: directory, durability: durability, state: &state)
        if old.live == 0 {
            deleteSegment(old, directory: directory)
            state.segments[old.number] = nil
        }
    }

    static func deleteSegment(_ segment: Segment, directory: String) {
        POSIXFile.closeQuietly(segment.fd)
        POSIXFile.closeQuietly(segment.ackFD)
        POSIXFile.unlinkQuietly(segmentPath(directory, segment.number))
        POSIXFile.unlinkQuietly(segmentPath(directory, segment.number, ack: true))
    }
}
