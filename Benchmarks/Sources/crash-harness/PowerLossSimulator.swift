import BenchmarkSupport
import Foundation
#if canImport(Glibc)
import Glibc
#endif

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
