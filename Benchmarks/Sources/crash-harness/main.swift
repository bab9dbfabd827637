// crash-harness: kill a writer process with SIGKILL at random points, restart it on the same file outbox,
// and prove that every event whose `send` returned reaches the inlet exactly as sent.
//
//   swift run -c release --package-path Benchmarks crash-harness [--kills 200] [--seed 42] [--senders 16] [--memory-outbox]
//
//   swift run -c release --package-path Benchmarks crash-harness --power-loss [--kills 200] [--seed 42] [--senders 16] [--unsynced] [--posix-dirs] [--verbose]
//
// The parent runs an in-process AEPInletEmulator (with a seeded 10 % fault rate: 5xx, 429 with Retry-After,
// dropped connections, slow answers) and starts `crash-harness child` again and again on one outbox
// directory. The child runs --senders tasks (16 by default; 1 sends one event after another), each sending
// events through one AEPStreamingClient (file outbox, durability alternating between fsync-per-send and
// group commit, where concurrent appends share an fsync) and printing "ok <id> <n> <t0> <t1>" after each
// `send` returns (t0, t1: the call's start and end, epoch ms). The parent kills it after a seeded random
// delay, checks the outbox's disk use stays within its bound, now and then tears the newest segment's tail
// on purpose, and finally drains the outbox itself and compares. Every copy is checked, not just one per
// id: after each kill every event record the outbox could recover (its payload bytes exactly, its id, and
// for a promised event an enqueuedAt inside its send call), and at the end every message at the inlet,
// duplicates included (the xdmEntity bytes, `_id`, schema and dataset of the envelope). The children's
// fsyncs are counted (FsyncLedger), so the summary shows how many appends each segment fsync covered.
//
// A SIGKILL keeps the page cache, so it cannot show what fsync is for. This executable links FsyncLedger,
// which interposes fsync/fdatasync; with --power-loss the child gets $FSYNC_LEDGER and so logs every successful sync:
// the file, its size when the sync began, and for a directory the entries it held. After each kill the
// parent turns the outbox directory into what a power loss could have left: every file cut to its last
// synced size, files whose directory entry was never made durable deleted, unlinks not followed by a
// directory sync undone (the file comes back as it was), and, seeded, part of the unsynced bytes kept (a
// partial write that reached the disk) or garbage appended (a torn sector). The next child starts on that.
// After each simulated loss the parent also reads the segment files itself and notes, per promised event not
// yet delivered, whether a reopen could still find it, so a loss is reported with the kill and cuts behind it.
// --unsynced is the self-check: the child uses .osBuffered (no fsync), so the harness must report FAIL.
// --posix-dirs holds the outbox to POSIX rather than ext4: a file's fsync alone does not keep its new name.
import AEPInletEmulator
import AEPStreamingClient
import ChatlioJSON
import Foundation
#if canImport(Glibc)
import Glibc
#endif

let maxEvents = 2_000
let maxBytes = 2 << 20
let segmentBytes = 256 << 10

/// The payload of an event: a function of its id and number, so the parent knows what must arrive.
func payload(id: String, number: Int) -> JSONValue {
    [
        "_id": .string(id), "timestamp": "2024-01-01T00:00:00.000Z", "eventType": "chat.crashTest",
        "n": .number(JSONNumber(number)), "pad": .string(String(repeating: "x", count: number % 700)),
    ]
}

func clientConfiguration(inlet: URL) -> AEPStreamingClient.Configuration {
    var configuration = AEPStreamingClient.Configuration(inletURL: inlet, format: .xdm(schemaID: "https://ns.adobe.com/acme/schemas/crash", datasetID: "crash"), flowID: "flow-1")
    configuration.batching.linger = .milliseconds(5)
    configuration.batching.maxMessages = 50
    configuration.outboxLimits = OutboxLimits(maxEvents: maxEvents, maxBytes: maxBytes)
    configuration.retry = RetryPolicy(initialBackoff: .milliseconds(20), maxBackoff: .milliseconds(200), maxAttempts: 1_000, maxRetryAfter: .milliseconds(200))
    return configuration
}

func value(_ name: String, in arguments: [String]) -> String? {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

// MARK: Child

func runChild(_ arguments: [String]) async -> Never {
    guard let directory = value("--outbox", in: arguments), let inlet = value("--inlet", in: arguments).flatMap(URL.init(string:)),
          let run = value("--run", in: arguments).flatMap(Int.init)
    else {
        FileHandle.standardError.write(Data("child: bad arguments\n".utf8))
        exit(2)
    }
    let senders = max(1, value("--senders", in: arguments).flatMap(Int.init) ?? 1)
    // --alter-self-check: one event in 50 carries a payload other than its id says, so the copy checks must FAIL.
    let alters = arguments.contains("--alter-self-check")
    // --unsynced is the power-loss self-check: without fsync a simulated power loss must lose events.
    let durability: FileOutbox.Durability = arguments.contains("--unsynced") ? .osBuffered : run % 2 == 0 ? .everyAppend : .groupCommit()
    do {
        // --memory-outbox is the harness's self-check: an outbox that does not survive a kill must FAIL.
        let outbox: any Outbox = arguments.contains("--memory-outbox")
            ? InMemoryOutbox()
            : try FileOutbox(directory: URL(fileURLWithPath: directory), options: .init(durability: durability, segmentBytes: segmentBytes))
        let client = try await AEPStreamingClient(configuration: clientConfiguration(inlet: inlet), outbox: outbox)
        // Each sender owns the numbers congruent to its index; the id carries the number, so any copy of
        // any event (promised or in flight at the kill) can be checked against the payload it must have.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for sender in 0 ..< senders {
                group.addTask {
                    var number = sender
                    while true {
                        let id = "r\(run)-\(number)"
                        let before = Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
                        let sent = alters && number % 50 == 7 ? payload(id: id, number: number + 1) : payload(id: id, number: number)
                        try await client.send(StreamingEvent(id: id, payload: sent.serialized(sortedKeys: true)))
                        let after = Int64((Date().timeIntervalSince1970 * 1000).rounded(.up))
                        // Only after send returned: this id is now promised. One write(2) per line, under
                        // PIPE_BUF, so the senders' lines never interleave.
                        FileHandle.standardOutput.write(Data("ok \(id) \(number) \(before) \(after)\n".utf8))
                        number += senders
                    }
                }
            }
            try await group.next()
        }
        exit(4)
    } catch {
        FileHandle.standardError.write(Data("child: \(error)\n".utf8))
        exit(3)
    }
}

/// The number an id `r<run>-<number>` carries, or `nil` for an id the harness never makes.
func number(inID id: String) -> Int? {
    guard id.hasPrefix("r"), let dash = id.firstIndex(of: "-"), Int(id[id.index(after: id.startIndex) ..< dash]) != nil else { return nil }
    return Int(id[id.index(after: dash)...])
}

// MARK: Parent

struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// An event whose `send` returned: its id, number, and the send call's start and end (epoch ms).
struct Promise {
    var id: String
    var number: Int
    var sendStarted: Int64
    var sendReturned: Int64
}

/// Reads a child's stdout; complete "ok <id> <n> <t0> <t1>" lines are promises.
final class PromiseReader: @unchecked Sendable {
    private let lock = NSLock()
    private var buffer = Data()
    private(set) var promised: [Promise] = []

    func consume(_ data: Data) {
        lock.lock()
        defer { lock.unlock() }
        buffer.append(data)
        while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
            let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
            buffer.removeSubrange(buffer.startIndex...newline)
            let parts = line.split(separator: " ")
            if parts.count == 5, parts[0] == "ok", let number = Int(parts[2]), let started = Int64(parts[3]), let returned = Int64(parts[4]) {
                promised.append(Promise(id: String(parts[1]), number: number, sendStarted: started, sendReturned: returned))
            }
        }
    }

    func take() -> [Promise] {
        lock.lock()
        defer { lock.unlock() }
        return promised
    }
}

func diskUse(of directory: URL) -> Int {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
    return names.reduce(0) { total, name in
        total + ((try? FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent(name).path)[.size] as? Int) ?? 0)
    }
}

/// Appends garbage to the newest segment, as a write cut short by a power loss would leave it.
func tearNewestSegment(in directory: URL, random: inout SplitMix64) -> Bool {
    let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { !$0.hasPrefix(".") && !$0.hasSuffix(".lock") }.sorted()
    guard let newest = names.last, let handle = FileHandle(forWritingAtPath: directory.appendingPathComponent(newest).path) else { return false }
    defer { try? handle.close() }
    let garbage = (0..<Int(random.next() % 40 + 1)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
    _ = try? handle.seekToEnd()
    return (try? handle.write(contentsOf: Data(garbage))) != nil
}

// MARK: Power loss

/// One line of the fsync ledger (format: Sources/FsyncLedger/include/FsyncLedger.h), in the order the
/// states they describe were taken.
enum LedgerLine {
    case file(path: String, inode: UInt64, size: Int)
    case directory(path: String, entries: [String: UInt64])
}

func readLedger(at path: String) -> (lines: [LedgerLine], outOfOrder: Int) {
    guard let data = FileManager.default.contents(atPath: path) else { return ([], 0) }
    var lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
    // The piece after the last newline is empty, or a line the kill cut short: its sync had not returned yet.
    lines.removeLast()
    let parsed = lines.compactMap { raw -> (moment: UInt64, line: LedgerLine)? in
        let fields = String(decoding: raw, as: UTF8.self).split(separator: "\t", omittingEmptySubsequences: false)
        let head = fields[0].split(separator: " ", maxSplits: 4, omittingEmptySubsequences: false)
        guard head.count == 5, let moment = UInt64(head[1]), let inode = UInt64(head[2]), let size = Int(head[3]) else { return nil }
        let path = String(head[4])
        switch head[0] {
        case "f":
            return (moment, .file(path: path, inode: inode, size: size))
        case "d":
            var entries: [String: UInt64] = [:]
            for field in fields.dropFirst() {
                let parts = field.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
                guard parts.count == 2, let inode = UInt64(parts[0]) else { return nil }
                entries[String(parts[1])] = inode
            }
            return (moment, .directory(path: path, entries: entries))
        default:
            return nil
        }
    }
    // Written when each sync returned: concurrent syncs (a group-commit leader's and a rotation's, an ack
    // file's and a new segment's directory) can land out of order. Sorting (stably) by when each state was
    // taken keeps an older size or listing from undoing a newer one.
    let outOfOrder = zip(parsed, parsed.dropFirst()).filter { $0.moment > $1.moment }.count
    return (parsed.enumerated().sorted { ($0.element.moment, $0.offset) < ($1.element.moment, $1.offset) }.map(\.element.line), outOfOrder)
}

struct DiskFile {
    var inode: UInt64
    var bytes: [UInt8]
}

func readFiles(in directory: String) -> [String: DiskFile] {
    var files: [String: DiskFile] = [:]
    for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] {
        let path = directory + "/" + name
        var info = stat()
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG, let data = FileManager.default.contents(atPath: path) else { continue }
        files[name] = DiskFile(inode: UInt64(info.st_ino), bytes: [UInt8](data))
    }
    return files
}

/// Replaces a file's bytes; O_TRUNC on an existing file keeps its inode, which the next ledger refers to.
func writeFile(_ path: String, _ bytes: [UInt8]) -> Bool {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    return bytes.withUnsafeBytes { raw in
        var offset = 0
        while offset < raw.count {
            let written = write(fd, raw.baseAddress! + offset, raw.count - offset)
            if written < 0 { if errno == EINTR { continue }; return false }
            offset += written
        }
        return true
    }
}

struct PowerLossFigures {
    var losses = 0
    var ledgerLines = 0
    var bytesDiscarded = 0
    var filesCut = 0
    var filesDeleted = 0
    var filesRestored = 0
    var unrestorable = 0
    var partialWrites = 0
    var partialBytes = 0
    var garbageTails = 0
    var garbageBytes = 0
}

/// Turns the outbox directory into what the disk could hold after a power loss at the moment of the kill.
///
/// The disk is modelled as the directory right after the previous simulated loss (all of it durable: it
/// is what the machine would boot with) plus what this run's ledger says was synced since. Each modelled
/// file is a name, the inode the durable directory entry points at, and its durable bytes: known bytes, or
/// the first n bytes of that inode as it is now (the outbox only appends after a sync, so the synced
/// prefix is still there at the kill). Every choice it makes is one a real disk could make.
struct PowerLossSimulator {
    let directory: String
    let posixDirectories: Bool
    var random: SplitMix64
    var figures = PowerLossFigures()
    private var baseline: [String: DiskFile] = [:]

    init(directory: String, seed: UInt64, posixDirectories: Bool) {
        self.directory = directory
        self.posixDirectories = posixDirectories
        random = SplitMix64(state: seed ^ 0x504F_5745_524C_4F53)
    }

    private func name(of path: String) -> String? {
        guard path.hasPrefix(directory + "/") else { return nil }
        let name = String(path.dropFirst(directory.count + 1))
        // readlink names an unlinked file "<path> (deleted)": syncing it changes nothing under any name.
        guard !name.contains("/"), !name.hasSuffix(" (deleted)") else { return nil }
        return name
    }

    /// Applies one power loss; returns what it did to each file, for a report should an event go missing.
    mutating func simulate(ledger: [LedgerLine]) -> [String] {
        enum Content { case bytes([UInt8]), prefix(Int) }
        var durable: [String: (inode: UInt64, content: Content)] = baseline.mapValues { ($0.inode, .bytes($0.bytes)) }
        // Synced sizes by inode, for a file whose entry becomes durable only at a later directory sync.
        var synced: [UInt64: Int] = [:]
        for line in ledger {
            switch line {
            case .file(let path, let inode, let size):
                guard let name = name(of: path) else { continue }
                synced[inode] = size
                // ext4 and xfs make a new file's entry durable with its fsync; POSIX asks for a directory
                // sync too, and --posix-dirs holds the outbox to that.
                if !posixDirectories || durable[name]?.inode == inode { durable[name] = (inode, .prefix(size)) }
            case .directory(let path, let entries):
                guard path == directory else { continue }
                // Exactly the listed names survive; one whose data was never synced survives empty.
                var next: [String: (inode: UInt64, content: Content)] = [:]
                for (name, inode) in entries {
                    if let known = durable[name], known.inode == inode {
                        next[name] = known
                    } else {
                        next[name] = (inode, synced[inode].map { .prefix($0) } ?? .bytes([]))
                    }
                }
                durable = next
            }
        }
        figures.ledgerLines += ledger.count
        figures.losses += 1

        let current = readFiles(in: directory)
        var notes: [String] = []
        for name in Set(current.keys).union(durable.keys).sorted() {
            let path = directory + "/" + name
            let now = current[name]
            guard let model = durable[name] else {
                // Created after the last directory sync and never synced itself: its entry never reached the disk.
                if let now {
                    unlink(path)
                    figures.filesDeleted += 1
                    figures.bytesDiscarded += now.bytes.count
                    notes.append("\(name): deleted, never synced (\(now.bytes.count) bytes)")
                }
                continue
            }
            let sameFile = now?.inode == model.inode
            var kept: [UInt8]
            switch model.content {
            case .bytes(let bytes):
                kept = bytes
            case .prefix(let size):
                guard let now, sameFile else {
                    // The synced inode was unlinked (or replaced) with no directory sync after; its bytes are
                    // gone from this simulation's reach, so the unlink is taken as having reached the disk.
                    if let now {
                        unlink(path)
                        figures.bytesDiscarded += now.bytes.count
                    }
                    figures.unrestorable += 1
                    notes.append("\(name): synced file unlinked without a directory sync; taken as gone")
                    continue
                }
                kept = Array(now.bytes.prefix(size))
            }
            let durableSize = kept.count
            var lost: ArraySlice<UInt8> = []
            if let now, sameFile, now.bytes.count > kept.count { lost = now.bytes[kept.count...] }
            figures.bytesDiscarded += sameFile ? lost.count : now?.bytes.count ?? 0
            var note = "\(name): "
            if now == nil || !sameFile {
                figures.filesRestored += 1
                note += "unlink or replacement not durable, restored to \(durableSize) bytes"
            } else if lost.isEmpty {
                note += "back to its last durable \(durableSize) bytes"
            } else {
                figures.filesCut += 1
                note += "cut from \(now!.bytes.count) to \(durableSize) bytes"
            }
            if !lost.isEmpty {
                switch random.next() % 8 {
                case 0, 1:
                    let length = 1 + Int(random.next() % UInt64(lost.count))
                    kept += lost.prefix(length)
                    figures.partialWrites += 1
                    figures.partialBytes += length
                    note += ", \(length) unsynced bytes kept (partial write)"
                case 2:
                    let length = 1 + Int(random.next() % 64)
                    let zeros = random.next() % 2 == 0
                    kept += (0..<length).map { _ in zeros ? 0 : UInt8(truncatingIfNeeded: random.next()) }
                    figures.garbageTails += 1
                    figures.garbageBytes += length
                    note += ", \(length) \(zeros ? "zero" : "garbage") bytes appended (torn sector)"
                default:
                    break
                }
            }
            if let now, sameFile, now.bytes == kept { continue }
            if now != nil, !sameFile { unlink(path) }
            if !writeFile(path, kept) { notes.append("\(name): could not be rewritten: \(String(cString: strerror(errno)))") }
            notes.append(note)
        }
        // What the machine boots with is durable as it stands: the next run's ledger starts from it.
        baseline = readFiles(in: directory)
        return notes
    }
}

/// One event record a reopen of the outbox would find.
struct RecoveredRecord {
    var id: String
    var enqueuedAtMs: Int64
    var payload: ArraySlice<UInt8>
    /// Its segment's acknowledgement file lists it: recovery skips it.
    var acknowledged: Bool
}

/// The ids a reopen of the outbox would find and deliver (not acknowledged).
func recoverableIDs(in directory: String) -> Set<String> {
    Set(recoverableRecords(in: directory).lazy.filter { !$0.acknowledged }.map(\.id))
}

/// Every event record a reopen of the outbox would find, read the way FileOutbox's recovery reads (record
/// format: Sources/AEPStreamingClient/Outbox/FileOutbox+RecordFormat.swift), without touching the files.
func recoverableRecords(in directory: String) -> [RecoveredRecord] {
    let table: [UInt32] = (0..<256).map { index in
        (0..<8).reduce(UInt32(index)) { value, _ in value & 1 == 1 ? (value >> 1) ^ 0xEDB8_8320 : value >> 1 }
    }
    func frames(_ bytes: [UInt8], from start: Int) -> [Range<Int>] {
        func word(_ at: Int) -> Int { (0..<4).reduce(0) { $0 | Int(bytes[at + $1]) << (8 * $1) } }
        var bodies: [Range<Int>] = []
        var offset = start
        while offset + 8 <= bytes.count {
            let length = word(offset)
            let body = offset + 8
            guard length <= 64 << 20, body + length <= bytes.count else { break }
            let crc = ~bytes[body..<body + length].reduce(~UInt32(0)) { table[Int(($0 ^ UInt32($1)) & 0xFF)] ^ ($0 >> 8) }
            guard crc == UInt32(word(offset + 4)) else { break }
            bodies.append(body..<body + length)
            offset = body + length
        }
        return bodies
    }
    let files = readFiles(in: directory)
    var records: [RecoveredRecord] = []
    let magic = Array("AEPOBX1\n".utf8)
    for (name, file) in files where name.hasPrefix("segment-") && name.hasSuffix(".log") {
        guard file.bytes.starts(with: magic) else { continue }
        let acked = Set((files[String(name.dropLast(4)) + ".ack"].map { ack in frames(ack.bytes, from: 0).map { String(decoding: ack.bytes[$0], as: UTF8.self) } }) ?? [])
        for body in frames(file.bytes, from: magic.count) where body.count >= 11 && file.bytes[body.lowerBound] == 1 {
            let idLength = Int(file.bytes[body.lowerBound + 9]) | Int(file.bytes[body.lowerBound + 10]) << 8
            let idStart = body.lowerBound + 11
            guard idLength > 0, idStart + idLength <= body.upperBound else { continue }
            let id = String(decoding: file.bytes[idStart..<idStart + idLength], as: UTF8.self)
            let enqueuedAt = (0..<8).reduce(UInt64(0)) { $0 | UInt64(file.bytes[body.lowerBound + 1 + $1]) << (8 * $1) }
            records.append(RecoveredRecord(
                id: id, enqueuedAtMs: Int64(bitPattern: enqueuedAt), payload: file.bytes[(idStart + idLength)..<body.upperBound], acknowledged: acked.contains(id)
            ))
        }
    }
    return records
}

/// Checks every copy of every event: against the payload its id's number determines, and for a promised
/// event the moment it was enqueued against its send call. Problems are kept, a few of each kind.
struct CopyChecker {
    var promisedByID: [String: Promise] = [:]
    var recordsChecked = 0
    var inletCopiesChecked = 0
    var problems: [String] = []
    var problemCount = 0

    mutating func note(_ problem: String) {
        problemCount += 1
        if problems.count < 10 { problems.append(problem) }
    }

    mutating func add(_ promises: [Promise]) {
        for promise in promises { promisedByID[promise.id] = promise }
    }

    /// The records on disk after a kill (and, with --power-loss, its simulated power loss).
    mutating func checkRecords(in directory: String, afterKill kill: Int) {
        for record in recoverableRecords(in: directory) {
            recordsChecked += 1
            guard let number = number(inID: record.id) else {
                note("kill \(kill): a record with an id the harness never made: \(record.id)")
                continue
            }
            if Array(record.payload) != payload(id: record.id, number: number).serialized(sortedKeys: true) {
                note("kill \(kill): record \(record.id): payload differs from what was sent (\(record.payload.count) bytes)")
            }
            // The outbox stamps enqueuedAt (rounded to the ms) inside send; a promise knows when that was.
            if let promise = promisedByID[record.id],
               !(promise.sendStarted - 1 ... promise.sendReturned + 1).contains(record.enqueuedAtMs) {
                note("kill \(kill): record \(record.id): enqueuedAt \(record.enqueuedAtMs) outside its send call \(promise.sendStarted)…\(promise.sendReturned)")
            }
        }
    }

    /// Every message at the inlet, duplicates included.
    mutating func checkInlet(_ messages: [ReceivedMessage], schemaID: String, datasetID: String) {
        for message in messages {
            inletCopiesChecked += 1
            guard let id = message.id, let number = number(inID: id) else {
                note("inlet: a message with an id the harness never made: \(message.id ?? "none")")
                continue
            }
            let expected = payload(id: id, number: number)
            if message.xdmEntity?.serialized(sortedKeys: true) != expected.serialized(sortedKeys: true) {
                note("inlet: a copy of \(id) differs from what was sent")
            }
            if message.xdmEntity?["_id"]?.stringValue != id { note("inlet: a copy of \(id) has _id \(message.xdmEntity?["_id"]?.stringValue ?? "none")") }
            if message.schemaID != schemaID || message.datasetID != datasetID {
                note("inlet: a copy of \(id) has schema \(message.schemaID ?? "none"), dataset \(message.datasetID ?? "none")")
            }
        }
    }
}

/// Segment fsyncs in one child's ledger.
func segmentSyncs(in ledger: [LedgerLine]) -> Int {
    ledger.reduce(0) { count, line in
        guard case .file(let path, _, _) = line else { return count }
        let name = (path as NSString).lastPathComponent
        return count + (name.hasPrefix("segment-") && name.hasSuffix(".log") ? 1 : 0)
    }
}

func runParent(_ arguments: [String]) async -> Int32 {
    let kills = value("--kills", in: arguments).flatMap(Int.init) ?? 200
    let seed = value("--seed", in: arguments).flatMap(UInt64.init) ?? 42
    var random = SplitMix64(state: seed)
    let powerLoss = arguments.contains("--power-loss")
    let senders = max(1, value("--senders", in: arguments).flatMap(Int.init) ?? 16)
    let unsynced = powerLoss && arguments.contains("--unsynced")
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("crash-harness-\(seed)-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: scratch) }
    var base = scratch

    // The outbox and the per-run ledgers share one temporary directory, named by its real path, since the
    // ledger names files the way /proc/self/fd resolves them. Every run keeps a ledger, to count fsyncs;
    // with --power-loss it also drives the simulated power loss.
    var simulator: PowerLossSimulator?
    do {
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    } catch {
        print("could not create \(scratch.path): \(error)")
        return 1
    }
    guard let real = realpath(scratch.path, nil) else {
        print("could not resolve \(scratch.path)")
        return 1
    }
    base = URL(fileURLWithPath: String(cString: real))
    free(real)
    if powerLoss {
        simulator = PowerLossSimulator(directory: base.appendingPathComponent("outbox").path, seed: seed, posixDirectories: arguments.contains("--posix-dirs"))
    }
    let directory = base.appendingPathComponent("outbox")
    var checker = CopyChecker()
    // Appends promised and segment fsyncs, by durability (index 0: everyAppend runs, 1: group commit).
    var appendsByDurability = [0, 0]
    var syncsByDurability = [0, 0]
    var ledgerLinesOutOfOrder = 0
    var missingSince: [String: Int] = [:]
    var lossNotes: [Int: [String]] = [:]

    var emulatorConfiguration = AEPInletEmulator.Configuration(inletId: "crash")
    emulatorConfiguration.faultRate = 0.1
    emulatorConfiguration.faultSeed = seed
    let emulator: AEPInletEmulator
    do {
        emulator = try AEPInletEmulator(configuration: emulatorConfiguration)
        _ = try emulator.start()
    } catch {
        print("could not start the emulator: \(error)")
        return 1
    }
    defer { emulator.stop() }

    let executable = URL(fileURLWithPath: CommandLine.arguments[0]).path
    var promised: [Promise] = []
    var maxDisk = 0
    var tears = 0
    var unexpectedExits = 0
    let started = Date()
    for run in 0..<kills {
        let child = Process()
        child.executableURL = URL(fileURLWithPath: executable)
        child.arguments = ["child", "--outbox", directory.path, "--inlet", emulator.inletURL.absoluteString, "--run", String(run)]
            + (arguments.contains("--memory-outbox") ? ["--memory-outbox"] : [])
            + (unsynced ? ["--unsynced"] : []) + ["--senders", String(senders)]
            + (arguments.contains("--alter-self-check") ? ["--alter-self-check"] : [])
        let ledger = base.appendingPathComponent("ledger-\(run).log").path
        // A fresh ledger per run: what earlier runs synced is already folded into the simulator's disk.
        var environment = ProcessInfo.processInfo.environment
        environment["FSYNC_LEDGER"] = ledger
        child.environment = environment
        let output = Pipe()
        child.standardOutput = output
        let reader = PromiseReader()
        output.fileHandleForReading.readabilityHandler = { handle in reader.consume(handle.availableData) }
        do { try child.run() } catch {
            print("could not start the child: \(error)")
            return 1
        }
        let delay = 30 + Int(random.next() % 400)
        try? await Task.sleep(for: .milliseconds(delay))
        if child.isRunning {
            kill(child.processIdentifier, SIGKILL)
        } else {
            unexpectedExits += 1
        }
        child.waitUntilExit()
        output.fileHandleForReading.readabilityHandler = nil
        reader.consume(output.fileHandleForReading.readDataToEndOfFile())
        let promisedThisRun = reader.take()
        promised += promisedThisRun
        checker.add(promisedThisRun)
        maxDisk = max(maxDisk, diskUse(of: directory))
        let (ledgerLines, outOfOrder) = readLedger(at: ledger)
        ledgerLinesOutOfOrder += outOfOrder
        try? FileManager.default.removeItem(atPath: ledger)
        if !unsynced {
            appendsByDurability[run % 2] += promisedThisRun.count
            syncsByDurability[run % 2] += segmentSyncs(in: ledgerLines)
        }
        if var lossSimulator = simulator {
            let notes = lossSimulator.simulate(ledger: ledgerLines)
            simulator = lossSimulator
            if arguments.contains("--verbose") { print("power loss \(run + 1):" + notes.map { "\n  " + $0 }.joined()) }
            // Promised, not at the inlet, not findable on disk: lost unless a request already in flight lands.
            let delivered = emulator.record.uniqueIDs
            let recoverable = recoverableIDs(in: directory.path)
            for promise in promised where missingSince[promise.id] == nil && !delivered.contains(promise.id) && !recoverable.contains(promise.id) {
                missingSince[promise.id] = run
                lossNotes[run] = notes
            }
        } else if run % 25 == 24, tearNewestSegment(in: directory, random: &random) {
            tears += 1
        }
        checker.checkRecords(in: directory.path, afterKill: run + 1)
        if run % 20 == 0 { print("kill \(run + 1)/\(kills): \(promised.count) events promised, outbox \(diskUse(of: directory)) bytes") }
    }

    // Drain what is left, in this process, on the same outbox.
    var remaining = -1
    do {
        let outbox = try FileOutbox(directory: directory, options: .init(segmentBytes: segmentBytes))
        let client = try await AEPStreamingClient(configuration: clientConfiguration(inlet: emulator.inletURL), outbox: outbox)
        _ = await client.flush(timeout: .seconds(300))
        remaining = await client.shutdown(timeout: .seconds(10)).remaining
    } catch {
        print("could not reopen the outbox for the final drain: \(error)")
        return 1
    }

    var lost: [String] = []
    var altered: [String] = []
    // The first message per id, as record.message(withID:) finds it, without a scan per promised event.
    var firstByID: [String: ReceivedMessage] = [:]
    for message in emulator.record.messages { if let id = message.id, firstByID[id] == nil { firstByID[id] = message } }
    for promise in promised {
        guard let message = firstByID[promise.id] else {
            lost.append(promise.id)
            continue
        }
        if message.xdmEntity != payload(id: promise.id, number: promise.number) { altered.append(promise.id) }
    }
    checker.checkInlet(emulator.record.messages, schemaID: "https://ns.adobe.com/acme/schemas/crash", datasetID: "crash")
    func perSync(_ index: Int) -> String {
        syncsByDurability[index] == 0 ? "no segment fsync"
            : String(format: "%d appends, %d segment fsyncs: %.2f appends per fsync", appendsByDurability[index], syncsByDurability[index],
                     Double(appendsByDurability[index]) / Double(syncsByDurability[index]))
    }
    let duplicates = emulator.record.duplicateIDs.values.reduce(0) { $0 + $1 - 1 }
    let bound = maxBytes + 2 * segmentBytes
    let syncLines = unsynced ? "" : """

          senders                \(senders) concurrent send loops per child
          fsyncs, everyAppend    \(perSync(0))
          fsyncs, group commit   \(perSync(1))
          ledger lines reordered \(ledgerLinesOutOfOrder)   (written after a later-taken state; sorted back)
        """
    // The lines both summaries end with.
    let outcome = """
          events promised        \(promised.count)   (send returned in a child that was later killed)
          delivered              \(promised.count - lost.count)
          lost                   \(lost.count)\(lost.prefix(5).map { " " + $0 }.joined())
          altered                \(altered.count)\(altered.prefix(5).map { " " + $0 }.joined())
          duplicates at inlet    \(duplicates)   (allowed: a kill between AEP's 200 and the outbox ack; _id dedups)
          copies checked         \(checker.recordsChecked) outbox records after the kills, \(checker.inletCopiesChecked) messages at the inlet: \(checker.problemCount) wrong\(checker.problems.map { "\n                           " + $0 }.joined())
          left in outbox         \(remaining)
          outbox disk use        max \(maxDisk) bytes (bound \(bound): maxBytes + 2 segments)
          inlet faults injected  \(emulator.faults.injectedCount)
          time                   \(String(format: "%.0f", Date().timeIntervalSince(started))) s\(syncLines)
        """
    if let simulator {
        let figures = simulator.figures
        var ok = lost.isEmpty && altered.isEmpty && checker.problemCount == 0 && remaining == 0 && maxDisk <= bound && unexpectedExits == 0 && !promised.isEmpty
        // A ledger that stays empty while the outbox fsyncs means the preload did not take: nothing was tested.
        let preloadWorked = unsynced || figures.ledgerLines > 0
        ok = ok && preloadWorked
        print("""

            crash-harness --power-loss (seed \(seed), durability \(unsynced ? "osBuffered: self-check, must FAIL" : "everyAppend / groupCommit alternating")\(simulator.posixDirectories ? ", new entries durable only after a directory fsync" : ""))
              kills                  \(kills) SIGKILLs at random points (\(unexpectedExits) children had already exited)
              power losses           \(figures.losses) simulated, one after each kill (\(figures.ledgerLines) syncs in the ledgers)
              bytes discarded        \(figures.bytesDiscarded) unsynced (\(figures.filesCut) files cut, \(figures.filesDeleted) never-durable files deleted)
              unlinks undone         \(figures.filesRestored) files restored (\(figures.unrestorable) synced files unlinked without a directory sync, taken as gone)
              partial writes kept    \(figures.partialWrites) (\(figures.partialBytes) bytes)
              garbage tails          \(figures.garbageTails) (\(figures.garbageBytes) bytes)
            \(outcome)
            """)
        if !preloadWorked { print("  the ledger recorded no fsync: the FsyncLedger interposer is not in effect") }
        if let first = lost.compactMap({ id in missingSince[id].map { (id, $0) } }).min(by: { $0.1 < $1.1 }) {
            let count = lost.filter { missingSince[$0] == first.1 }.count
            print("  first loss: \(count) promised events (e.g. \(first.0)) not findable on disk after the power loss at kill \(first.1 + 1); it did:")
            for note in lossNotes[first.1] ?? [] { print("    " + note) }
        }
        print(ok ? "PASS" : "FAIL")
        return ok ? 0 : 1
    }
    print("""

        crash-harness (seed \(seed))
          kills                  \(kills) SIGKILLs at random points (\(unexpectedExits) children had already exited)
          torn tails injected    \(tears)
        \(outcome)
        """)
    let ok = lost.isEmpty && altered.isEmpty && checker.problemCount == 0 && remaining == 0 && maxDisk <= bound && unexpectedExits == 0 && !promised.isEmpty
    print(ok ? "PASS" : "FAIL")
    return ok ? 0 : 1
}

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "child" {
    await runChild(arguments)
} else if arguments.contains("--help") {
    print("""
        Usage: crash-harness [--kills N] [--seed S] [--senders N] [--memory-outbox]
               crash-harness --power-loss [--kills N] [--seed S] [--senders N] [--unsynced]
          --kills N          SIGKILLs of the writer (default 200)
          --senders N        concurrent send loops in each writer, sharing group-commit fsyncs (default 16; 1: one send after another)
          --seed S           seeds kill times, torn tails and inlet faults (default 42)
          --memory-outbox    self-check: writers use the in-memory outbox, so the harness must report FAIL
          --alter-self-check self-check: one event in 50 is sent with a payload its id does not match, so the copy checks must FAIL
          --power-loss       after each kill, cut the outbox back to what fsync made durable
          --unsynced         with --power-loss, self-check: writers use .osBuffered, so the harness must report FAIL
          --posix-dirs       with --power-loss, a new file's name survives only a directory fsync, not its own fsync
          --verbose          with --power-loss, print what each simulated power loss did to each file
        """)
} else {
    exit(await runParent(arguments))
}
