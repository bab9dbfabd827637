public import Foundation

/// Disk figures of a benchmark's directories.
///
/// ```swift
/// let bytes = DiskUse.bytes(in: outboxDirectory)
/// ```
public enum DiskUse {
    /// The sizes of the files directly in `directory`, added up (0 when it cannot be listed): an outbox's
    /// segments, acknowledgement files and lock, as its disk bound counts them.
    public static func bytes(in directory: URL) -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.reduce(0) { total, name in
            total + ((try? FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent(name).path)[.size] as? Int) ?? 0)
        }
    }
}
