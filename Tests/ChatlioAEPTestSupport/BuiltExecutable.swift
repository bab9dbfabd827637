import ChatlioAEPSupport
public import Foundation

/// The package's executables, built next to the test bundle by
/// `swift build --build-tests`: the crash test's child process, the admin tool.
public enum BuiltExecutable {
    /// The executable named `name` in the build folder, or `nil` when it is not built.
    ///
    /// ```swift
    /// let harness = try #require(BuiltExecutable.url(named: "aep-client-harness"))
    /// ```
    public static func url(named name: String) -> URL? {
        var candidates = [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()]
        #if os(Linux)
        candidates.append(URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent())
        #endif
        for directory in candidates {
            for path in [directory, directory.deletingLastPathComponent(), directory.deletingLastPathComponent().deletingLastPathComponent()] {
                let url = path.appendingPathComponent(name)
                if FileManager.default.isExecutableFile(atPath: url.path) { return url }
            }
        }
        return nil
    }
}

extension BuiltExecutable {
    /// What a finished run printed and returned.
    public struct Run: Sendable {
        /// The exit status.
        public var status: Int32
        /// Standard output.
        public var output: String
        /// Standard error.
        public var errors: String
        /// Standard output, line by line.
        public var lines: [String] { output.split(separator: "\n").map(String.init) }
    }

    /// This process's environment with `extra` on top, for a child executable. Under the
    /// AddressSanitizer pass the children are sanitized too, but their exit-time leak check is
    /// off: it reads the executables' top-level String globals as leaked (a String keeps flag bits
    /// in its pointer, which LeakSanitizer does not follow). The library code they run is
    /// leak-checked in the test process itself.
    ///
    /// ```swift
    /// process.environment = BuiltExecutable.childEnvironment(["SECRET": "…"])
    /// ```
    public static func childEnvironment(_ extra: [String: String] = [:]) -> [String: String] {
        var inherited = ProcessInfo.processInfo.environment
        if let asan = inherited["ASAN_OPTIONS"] { inherited["ASAN_OPTIONS"] = asan + ":detect_leaks=0" }
        return inherited.merging(extra) { _, new in new }
    }

    /// Runs the built executable `name` to its end, off the cooperative pool
    /// (its pipes are read on a dispatch thread, so a test's async work and an
    /// in-process server it talks to keep running meanwhile).
    ///
    /// ```swift
    /// let run = try await BuiltExecutable.run("chatlio-aep-setup", ["--help"])
    /// #expect(run.status == 0)
    /// ```
    ///
    /// `standardInput`, when given, is written to the child's standard input, which is then closed.
    public static func run(
        _ name: String, _ arguments: [String], environment: [String: String] = [:], standardInput: Data? = nil
    ) async throws -> Run {
        guard let binary = url(named: name) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "\(name) is not built next to the tests (swift build --build-tests builds it)"])
        }
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                let process = Process()
                process.executableURL = binary
                process.arguments = arguments
                process.environment = childEnvironment(environment)
                let output = Pipe()
                let errors = Pipe()
                process.standardOutput = output
                process.standardError = errors
                let input = standardInput.map { _ in Pipe() }
                if let input { process.standardInput = input }
                do {
                    try process.run()
                } catch {
                    continuation.resume(throwing: error)
                    return
                }
                if let input, let standardInput {
                    // On a thread of its own: a child that answers before reading everything must not block
                    // us; and a child that exits first makes the write fail with EPIPE, not kill the tests.
                    signal(SIGPIPE, SIG_IGN)
                    DispatchQueue.global().async {
                        try? input.fileHandleForWriting.write(contentsOf: standardInput)
                        try? input.fileHandleForWriting.close()
                    }
                }
                // Standard error is read on its own thread, so neither pipe can fill and block the child.
                let errorData = Locked(Data())
                let errorsRead = DispatchSemaphore(value: 0)
                DispatchQueue.global().async {
                    let data = errors.fileHandleForReading.readDataToEndOfFile()
                    errorData.withLock { $0 = data }
                    errorsRead.signal()
                }
                let out = output.fileHandleForReading.readDataToEndOfFile()
                errorsRead.wait()
                process.waitUntilExit()
                continuation.resume(returning: Run(
                    status: process.terminationStatus, output: String(decoding: out, as: UTF8.self),
                    errors: String(decoding: errorData.withLock { $0 }, as: UTF8.self)))
            }
        }
    }
}
