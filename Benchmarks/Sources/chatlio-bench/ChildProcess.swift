import BenchmarkSupport
import Foundation

/// This executable's own path, to re-run it as a child (`--scenario`, `--instruction-child`).
func selfExecutablePath() -> String {
    if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return resolved }
    return Bundle.main.executablePath ?? CommandLine.arguments[0]
}

/// The first executable called `name` on `PATH`, if any.
func executableOnPath(_ name: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for directory in path.split(separator: ":") {
        let candidate = "\(directory)/\(name)"
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
}

struct ChildResult {
    var status: Int32
    var standardOutput: String
    /// CPU seconds (user + system) the child used, from wait4's rusage.
    var cpuSeconds: Double
    var wallSeconds: Double
}

/// Runs a program to its end; its stdout is captured, its stderr goes to ours unless `standardError` is given.
func runChild(_ executable: String, _ arguments: [String], standardError: FileHandle? = nil, environment: [String: String]? = nil) throws -> ChildResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
    let output = Pipe()
    process.standardOutput = output
    if let standardError { process.standardError = standardError }
    let childrenBefore = ProcessUsage.childrenCPUSeconds()
    let start = ContinuousClock.now
    try process.run()
    // Read to the end before waiting: a child that fills the pipe would otherwise never exit.
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let elapsed = ContinuousClock.now - start
    return ChildResult(
        status: process.terminationStatus, standardOutput: String(decoding: data, as: UTF8.self),
        cpuSeconds: ProcessUsage.childrenCPUSeconds() - childrenBefore,
        wallSeconds: elapsed.seconds)
}
