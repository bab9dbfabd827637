public import Foundation
public import Testing

/// A built relay server executable (`chatlio-hummingbird-relay`, `chatlio-vapor-relay`), started as
/// an operator starts it, with its output collected as it arrives.
///
/// ```swift
/// let relay = RelayExecutable(name: "chatlio-vapor-relay")
/// let running = try relay.start(["PORT": "0", "ALLOW_UNAUTHENTICATED": "1"])
/// #expect(await running.stdout.waitFor("listening on"))
/// ```
public struct RelayExecutable: Sendable {
    /// Output read as it arrives, on the pipe's own thread.
    public final class Output: @unchecked Sendable {
        private let lock = NSLock()
        private var data = Data()

        init() {}

        func append(_ more: Data) { lock.withLock { data.append(more) } }

        /// Everything so far, as UTF-8.
        public var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }

        /// Waits until the output holds `text`, for up to `timeout`, or until `stillWaiting` says no
        /// (a process that exited); whether it does. A pipe's handler may deliver the last bytes
        /// after the exit is seen, so a check after an exit waits too.
        public func waitFor(_ text: String, timeout: Duration = .seconds(30), while stillWaiting: () -> Bool = { true }) async -> Bool {
            _ = await eventually(timeout: timeout) { self.text.contains(text) || !stillWaiting() }
            return self.text.contains(text)
        }
    }

    /// A started process and what it wrote.
    public struct Running: Sendable {
        public let process: Process
        public let stdout: Output
        public let stderr: Output
    }

    /// The variables a relay reads that the test's own environment must not lend it.
    public static let settingVariables = [
        "CHATLIO_URL_TOKEN", "ALLOW_UNAUTHENTICATED", "PORT", "HOST", "STATE_DIR", "AEP_INLET_URL", "ADMIN_TOKEN", "LOG_LEVEL",
    ]

    public let name: String

    public init(name: String) {
        self.name = name
    }

    /// The executable beside the test bundle (or one or two folders up), where
    /// `swift build --build-tests` puts it.
    public var url: URL? {
        let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for folder in [directory, directory.deletingLastPathComponent(), directory.deletingLastPathComponent().deletingLastPathComponent()] {
            let url = folder.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return nil
    }

    /// Starts it with `environment` over this process's own, less ``settingVariables``.
    public func start(_ environment: [String: String], sourceLocation: SourceLocation = #_sourceLocation) throws -> Running {
        let executable = try #require(self.url, "swift build --build-tests builds \(name) next to the tests", sourceLocation: sourceLocation)
        let process = Process()
        process.executableURL = executable
        var inherited = ProcessInfo.processInfo.environment
        for variable in Self.settingVariables { inherited[variable] = nil }
        process.environment = inherited.merging(environment) { _, new in new }
        let (output, errors) = (Pipe(), Pipe())
        let running = Running(process: process, stdout: Output(), stderr: Output())
        output.fileHandleForReading.readabilityHandler = { [stdout = running.stdout] in stdout.append($0.availableData) }
        errors.fileHandleForReading.readabilityHandler = { [stderr = running.stderr] in stderr.append($0.availableData) }
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        return running
    }
}
