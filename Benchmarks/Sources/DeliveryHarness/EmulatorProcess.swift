import BenchmarkSupport
public import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The root package's `aep-inlet-emulator` executable, running as a child process of its own, so the
/// client's figures are the client's: its CPU is not shared with the inlet's parsing and recording.
///
/// ```swift
/// let emulator = try EmulatorProcess.start(executable: try EmulatorProcess.locate(nil))
/// defer { _ = emulator.stop() }
/// print(emulator.batchURL)
/// ```
public final class EmulatorProcess: @unchecked Sendable {
    public let inletURL: URL
    public let batchURL: URL
    private let process: Process?
    private let childrenCPUBefore: Double

    /// An emulator someone else started (`--inlet URL`): for runs under valgrind, whose children Foundation's
    /// `Process` cannot spawn (EBADF on valgrind's reserved descriptors). Its CPU is not known (`stop()` is 0).
    public static func running(inletURL: URL) -> EmulatorProcess {
        let batch = inletURL.deletingLastPathComponent().appendingPathComponent("batch").appendingPathComponent(inletURL.lastPathComponent)
        return EmulatorProcess(inletURL: inletURL, batchURL: batch, process: nil, childrenCPUBefore: 0)
    }

    /// The emulator to run: `explicit`, else `$CHATLIO_EMULATOR`, else `aep-inlet-emulator` next to this
    /// executable (`swift build -c release --package-path Benchmarks --product aep-inlet-emulator` puts it there).
    public static func locate(_ explicit: String?) throws -> String {
        let beside = URL(fileURLWithPath: ownExecutablePath()).deletingLastPathComponent().appendingPathComponent("aep-inlet-emulator").path
        let candidates = [explicit, ProcessInfo.processInfo.environment["CHATLIO_EMULATOR"], beside].compactMap { $0 }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw HarnessError(
                "no aep-inlet-emulator executable (looked at \(candidates.joined(separator: ", "))); build it with "
                    + "`swift build -c release --package-path Benchmarks --product aep-inlet-emulator` or pass --emulator PATH")
        }
        return found
    }

    /// Starts the emulator (`--inlet-id bench`, any free port) and waits for the URL lines it prints.
    public static func start(executable: String, inletID: String = "bench") throws -> EmulatorProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["--inlet-id", inletID]
        let output = Pipe()
        process.standardOutput = output
        let before = ProcessUsage.childrenCPUSeconds()
        try process.run()
        var text = ""
        var inlet: URL?
        var batch: URL?
        let handle = output.fileHandleForReading
        while inlet == nil || batch == nil {
            let chunk = handle.availableData
            guard !chunk.isEmpty else {
                process.terminate()
                process.waitUntilExit()
                throw HarnessError("aep-inlet-emulator exited (status \(process.terminationStatus)) before printing its URLs: \(text)")
            }
            text += String(decoding: chunk, as: UTF8.self)
            for line in text.split(separator: "\n") {
                if line.hasPrefix("Inlet URL: ") { inlet = URL(string: String(line.dropFirst("Inlet URL: ".count))) }
                if line.hasPrefix("Batch URL: ") { batch = URL(string: String(line.dropFirst("Batch URL: ".count))) }
            }
        }
        guard let inlet, let batch else { throw HarnessError("unreachable") }
        return EmulatorProcess(inletURL: inlet, batchURL: batch, process: process, childrenCPUBefore: before)
    }

    private init(inletURL: URL, batchURL: URL, process: Process?, childrenCPUBefore: Double) {
        self.inletURL = inletURL
        self.batchURL = batchURL
        self.process = process
        self.childrenCPUBefore = childrenCPUBefore
    }

    /// Stops it (SIGTERM), waits for it, and returns the CPU seconds it used (RUSAGE_CHILDREN once reaped),
    /// its start-up included.
    public func stop() -> Double {
        guard let process else { return 0 }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return ProcessUsage.childrenCPUSeconds() - childrenCPUBefore
    }
}

public struct HarnessError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

func ownExecutablePath() -> String {
    if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return resolved }
    return Bundle.main.executablePath ?? CommandLine.arguments[0]
}
