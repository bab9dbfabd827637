import Foundation

/// The SIGKILL child is the root package's `aep-client-harness` (one child for the crash tests and this
/// harness), built next to crash-harness because crash-harness depends on its product. FsyncLedger is
/// linked into it, so $FSYNC_LEDGER makes it log its fsyncs.
enum ChildExecutable {
    static var path: String {
        let own = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: own).deletingLastPathComponent().appendingPathComponent("aep-client-harness").path
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// `aep-client-harness drain`: what the outbox still held after delivering everything it could.
    static func drain(_ executable: String, outbox: URL, inlet: URL) -> Result<Int, Failure> {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["drain", "--outbox", outbox.path, "--inlet", inlet.absoluteString]
        let output = Pipe()
        process.standardOutput = output
        do { try process.run() } catch { return .failure(Failure(description: "cannot start \(executable): \(error)")) }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let line = text.split(separator: "\n").last(where: { $0.hasPrefix("remaining ") }),
              let count = Int(line.dropFirst("remaining ".count))
        else { return .failure(Failure(description: "drain exited with \(process.terminationStatus): \(text)")) }
        return .success(count)
    }
}
