import Foundation

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

/// Segment fsyncs in one child's ledger.
func segmentSyncs(in ledger: [LedgerLine]) -> Int {
    ledger.reduce(0) { count, line in
        guard case .file(let path, _, _) = line else { return count }
        let name = (path as NSString).lastPathComponent
        return count + (name.hasPrefix("segment-") && name.hasSuffix(".log") ? 1 : 0)
    }
}
