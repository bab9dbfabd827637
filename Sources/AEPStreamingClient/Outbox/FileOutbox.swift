import ChatlioAEPSupport
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
/// Appends that wait together share one `write` and one `fsync` (group
/// commit). Removals are written at once and synced at most once a second
/// (and on ``close()``): a power loss may bring back events removed in the
/// last second, which are then sent again (AEP Profile drops a repeated
/// `_id`); it never loses an event whose append returned.
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
        /// The commit group that writes it (0: on disk and durable as the mode promises already).
        var group: UInt64 = 0
    }

    struct Segment: Sendable {
        var number: UInt64
        var fd: Int32
        /// Its size once every record assigned to it is written (the open group's included).
        var size: Int
        var live: Int
        var ackFD: Int32 = -1
        /// Its file's path, and its ack file's (built once: error messages and syncs need them).
        var path: String
        var ackPath: String
        /// Acknowledgements written since the ack file was last synced.
        var ackDirty = false
    }

    struct State: Sendable {
        var segments: [UInt64: Segment] = [:]
        var index: [String: Location] = [:]
        var active: UInt64 = 0
        var nextOrder: UInt64 = 0
        var closed = false
        /// The group appends join now; it is written and synced by the committing task.
        var openGroup = CommitGroup(number: 1)
        /// The last group whose sync succeeded (groups commit in order, one at a time).
        var durableGroup: UInt64 = 0
        /// Whether a task is committing groups.
        var committing = false
        /// Appends of an id already in a group that is not durable yet: they return with that group.
        var lateWaiters: [(group: UInt64, continuation: CheckedContinuation<Void, any Error>)] = []
        /// Ids acknowledged in the active segment: appending one again starts a new segment, since an
        /// acknowledgement names an id, not a record, and would take the new copy with the old on reopen.
        var acknowledgedInActive: Set<String> = []
        /// When the ack files were last synced; a directory entry (an ack file made, a segment deleted) not synced yet.
        var lastAckSync = ContinuousClock.now
        var directoryDirty = false
        var lockFD: Int32 = -1
        /// fsyncs of segments for groups (for tests and benchmarks).
        var groupSyncs = 0
        /// The size of the last group taken for a commit: what the next one reserves.
        var lastGroupBytes = 0
    }

    /// Appends that share one write and one fsync.
    struct CommitGroup: Sendable {
        var number: UInt64
        /// Its records, framed, one after another: what goes down in one `write` at `startOffset`.
        var bytes: [UInt8] = []
        var ids: [String] = []
        var waiters: [CheckedContinuation<Void, any Error>] = []
        /// The active segment's size before the group's first record.
        var startOffset = 0
    }

    /// The directory.
    public let directory: URL
    /// `directory.path`, computed once (`URL.path` decodes percent escapes on every call).
    let directoryPath: String
    /// The options it was opened with.
    public let options: Options
    /// What opening the directory found.
    public let recovery: Recovery

    let state: Locked<State>
    let log: @Sendable (ChatlioLogRecord) -> Void
    /// `fsync` (tests substitute a counting or failing one).
    let syncFile: @Sendable (Int32, String) throws(AEPStreamingClientError) -> Void
    /// Acknowledgements are synced at most this often (and on close): one not synced yet only risks
    /// sending its event again after a power loss (Profile drops the copy by `_id`), never losing one.
    let ackSyncInterval: Duration
    /// Where group commits run (see ``appendGrouped(_:head:gather:)``).
    let commitQueue = DispatchQueue(label: "FileOutbox.commit", qos: .userInitiated)

    /// Opens (creating if needed) the outbox in `directory` and recovers what it holds.
    ///
    /// - Throws: ``AEPStreamingClientError/Code/outboxLocked`` when another
    ///   outbox has the directory open; ``AEPStreamingClientError/Code/outboxIO``
    ///   when files cannot be created or read.
    public convenience init(directory: URL, options: Options = Options(), log: @escaping @Sendable (ChatlioLogRecord) -> Void = { _ in }) throws(AEPStreamingClientError) {
        try self.init(directory: directory, options: options, log: log, syncFile: { fd, path throws(AEPStreamingClientError) in try POSIXFile.sync(fd, path: path) })
    }

    init(
        directory: URL, options: Options, log: @escaping @Sendable (ChatlioLogRecord) -> Void,
        syncFile: @escaping @Sendable (Int32, String) throws(AEPStreamingClientError) -> Void, ackSyncInterval: Duration = .seconds(1)
    ) throws(AEPStreamingClientError) {
        self.ackSyncInterval = ackSyncInterval
        guard options.segmentBytes >= 4096 else {
            throw AEPStreamingClientError(.invalidConfiguration, "FileOutbox segmentBytes must be at least 4096 (got \(options.segmentBytes))")
        }
        self.directory = directory
        self.directoryPath = directory.path
        self.options = options
        self.log = log
        self.syncFile = syncFile
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
            log(ChatlioLogRecord(
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

    /// Appends in the open group, waiting for the next commit (for tests).
    var pendingAppends: Int { state.withLock { $0.openGroup.ids.count } }

    /// Segment syncs done for groups so far (for tests).
    var groupSyncCount: Int { state.withLock { $0.groupSyncs } }

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
        // Framed and checksummed before the lock: the lock only orders bytes.
        let head = RecordFormat.eventHead(id: record.id, payload: record.payload, enqueuedAt: record.enqueuedAt)
        switch options.durability.kind {
        case .osBuffered:
            var bytes: [UInt8] = []
            bytes.reserveCapacity(head.recordBytes)
            RecordFormat.appendEventRecord(head, payload: record.payload, to: &bytes)
            try appendUnsynced(record, bytes: bytes)
        case .everyAppend:
            try await appendGrouped(record, head: head, gather: .zero)
        case .groupCommit(let maxDelay):
            try await appendGrouped(record, head: head, gather: maxDelay)
        }
    }

    /// `.osBuffered`: written before returning (a kill loses nothing), never synced.
    private func appendUnsynced(_ record: OutboxRecord, bytes: [UInt8]) throws(AEPStreamingClientError) {
        let path = directoryPath
        let durability = options.durability
        let segmentBytes = options.segmentBytes
        try state.withLock { (state: inout State) throws(AEPStreamingClientError) in
            guard !state.closed else { throw Self.closedError() }
            if state.index[record.id] != nil { return }
            if let active = state.segments[state.active], active.size > RecordFormat.magic.count, active.size + bytes.count > segmentBytes
                || state.acknowledgedInActive.contains(record.id)
            {
                try Self.rotate(directory: path, durability: durability, state: &state)
            }
            guard var segment = state.segments[state.active] else { throw Self.closedError() }
            do throws(AEPStreamingClientError) {
                try POSIXFile.writeAll(segment.fd, bytes, path: segment.path)
            } catch {
                // A partial write would leave a torn record in the middle: cut it off.
                try? POSIXFile.truncate(segment.fd, to: segment.size, path: segment.path)
                throw error
            }
            state.index[record.id] = Location(
                segment: segment.number, payloadOffset: segment.size + RecordFormat.payloadOffset(idBytes: record.id.utf8.count),
                payloadLength: record.payload.count, enqueuedAt: record.enqueuedAt, order: state.nextOrder
            )
            state.nextOrder += 1
            segment.size += bytes.count
            segment.live += 1
            state.segments[segment.number] = segment
        }
    }

    public func payloads(for ids: [String]) async throws(AEPStreamingClientError) -> [Data?] {
        // Locations and duplicated descriptors under the lock; the reads
        // outside it, so appends are not held up (a duplicate stays valid even
        // if the segment is deleted meanwhile).
        let plan = try state.withLock { (state: inout State) throws(AEPStreamingClientError) -> PayloadPlan in
            guard !state.closed else { throw Self.closedError() }
            var plan = PayloadPlan()
            plan.locations.reserveCapacity(ids.count)
            for (position, id) in ids.enumerated() {
                guard let location = state.index[id], let segment = state.segments[location.segment] else {
                    plan.locations.append(nil)
                    continue
                }
                if location.group == state.openGroup.number {
                    // Not written yet (its append has not returned): from the group's buffer.
                    let start = location.payloadOffset - state.openGroup.startOffset
                    plan.unwritten[position] = Data(state.openGroup.bytes[start ..< start + location.payloadLength])
                    plan.locations.append(nil)
                    continue
                }
                if plan.files[segment.number] == nil {
                    let fd = POSIXFile.duplicate(segment.fd)
                    guard fd >= 0 else {
                        for file in plan.files.values { POSIXFile.closeQuietly(file.fd) }
                        throw POSIXFile.failure("dup", segment.path)
                    }
                    plan.files[segment.number] = (fd, segment.path)
                }
                plan.locations.append(location)
            }
            return plan
        }
        defer { for file in plan.files.values { POSIXFile.closeQuietly(file.fd) } }
        var result = try Self.readPayloads(plan)
        for (position, payload) in plan.unwritten { result[position] = payload }
        return result
    }

    public func remove(_ ids: [String]) async throws(AEPStreamingClientError) {
        let path = directoryPath
        let syncs = options.durability.syncs
        let toSync = try state.withLock { (state: inout State) throws(AEPStreamingClientError) -> AckSync? in
            guard !state.closed else { throw Self.closedError() }
            // One write per segment for the whole batch: every id's record, concatenated (a batch is
            // mostly one segment's, so the last one's buffer is kept at hand).
            var acks: [UInt64: (count: Int, records: [UInt8])] = [:]
            var current: UInt64?
            var currentCount = 0
            var currentRecords: [UInt8] = []
            for id in ids {
                // An id whose group is not written yet is acknowledged too: the ack file names ids, in any order.
                guard let location = state.index.removeValue(forKey: id) else { continue }
                if location.segment == state.active { state.acknowledgedInActive.insert(id) }
                if current != location.segment {
                    if let number = current { acks[number] = (currentCount, currentRecords) }
                    (currentCount, currentRecords) = acks.removeValue(forKey: location.segment) ?? (0, [])
                    current = location.segment
                }
                currentCount += 1
                RecordFormat.appendAckRecord(id: id, to: &currentRecords)
            }
            if let number = current { acks[number] = (currentCount, currentRecords) }
            var failure: AEPStreamingClientError?
            for (number, (count, records)) in acks {
                guard var segment = state.segments[number] else { continue }
                segment.live -= count
                if segment.live == 0, number != state.active {
                    Self.deleteSegment(segment)
                    state.segments[number] = nil
                    state.directoryDirty = true
                    continue
                }
                // A failed write leaves these events on disk unacknowledged: sent again after a restart, not lost.
                // The other segments' acknowledgements still go down.
                do throws(AEPStreamingClientError) {
                    if segment.ackFD < 0 {
                        segment.ackFD = try POSIXFile.open(segment.ackPath, create: true, append: true)
                        // A new name is durable only once its directory is synced (POSIX; ext4 happens to
                        // commit it with the file); until then a power loss could take these acks with it.
                        state.directoryDirty = true
                    }
                    try POSIXFile.writeAll(segment.ackFD, records, path: segment.ackPath)
                    segment.ackDirty = true
                } catch {
                    failure = failure ?? error
                }
                state.segments[number] = segment
            }
            if let failure { throw failure }
            guard syncs, state.lastAckSync.duration(to: .now) >= ackSyncInterval else { return nil }
            return Self.takeAckSync(&state)
        }
        // Syncs outside the lock, on duplicates, so appends go on meanwhile.
        if let toSync { try performAckSync(toSync, directory: path) }
    }

    public func close() async {
        let path = directoryPath
        let syncs = options.durability.syncs
        let (completions, ackSync) = state.withLock { state -> ([Completion], AckSync?) in
            guard !state.closed else { return ([], nil) }
            var completions: [Completion] = []
            // The open group goes down with the final sync; so do appends waiting on a group in flight.
            let group = state.openGroup
            state.openGroup = CommitGroup(number: group.number + 1)
            var failure: AEPStreamingClientError?
            if !group.ids.isEmpty, let active = state.segments[state.active] {
                failure = Self.writeGroup(group, to: active)
            }
            if syncs, let active = state.segments[state.active] {
                do throws(AEPStreamingClientError) { try syncFile(active.fd, active.path) } catch { failure = failure ?? error }
            }
            completions.append(Completion(waiters: group.waiters, failure: failure))
            completions.append(Completion(waiters: state.lateWaiters.map(\.continuation), failure: failure))
            state.lateWaiters = []
            let ackSync = syncs ? Self.takeAckSync(&state) : nil
            Self.closeFiles(&state)
            return (completions, ackSync)
        }
        if let ackSync { try? performAckSync(ackSync, directory: path) }
        for completion in completions { completion.resume() }
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
        state.segments[number] = Segment(
            number: number, fd: fd, size: RecordFormat.magic.count, live: 0, path: path, ackPath: segmentPath(directory, number, ack: true))
        state.active = number
        state.acknowledgedInActive = []
    }

    /// Closes the active segment (synced, so earlier groups stay covered) and starts the next.
    static func rotate(directory: String, durability: Durability, state: inout State) throws(AEPStreamingClientError) {
        guard let old = state.segments[state.active] else { return }
        if durability.syncs { try POSIXFile.sync(old.fd, path: old.path) }
        try startSegment(number: old.number + 1, directory: directory, durability: durability, state: &state)
        if old.live == 0 {
            deleteSegment(old)
            state.segments[old.number] = nil
        }
    }

    static func deleteSegment(_ segment: Segment) {
        POSIXFile.closeQuietly(segment.fd)
        POSIXFile.closeQuietly(segment.ackFD)
        POSIXFile.unlinkQuietly(segment.path)
        POSIXFile.unlinkQuietly(segment.ackPath)
    }
}
