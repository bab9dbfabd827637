import BenchmarkSupport
import Foundation

/// Appends garbage to the newest segment, as a write cut short by a power loss would leave it.
func tearNewestSegment(in directory: URL, random: inout SplitMix64) -> Bool {
    let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { !$0.hasPrefix(".") && !$0.hasSuffix(".lock") }.sorted()
    guard let newest = names.last, let handle = FileHandle(forWritingAtPath: directory.appendingPathComponent(newest).path) else { return false }
    defer { try? handle.close() }
    let garbage = (0..<Int(random.next() % 40 + 1)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
    _ = try? handle.seekToEnd()
    return (try? handle.write(contentsOf: Data(garbage))) != nil
}
