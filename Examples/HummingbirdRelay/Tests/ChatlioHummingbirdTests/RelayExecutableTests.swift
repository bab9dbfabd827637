import Foundation
import Testing

/// The built `chatlio-hummingbird-relay`, as an operator starts it.
@Suite struct RelayExecutableTests {
    static var executable: URL? {
        let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for folder in [directory, directory.deletingLastPathComponent(), directory.deletingLastPathComponent().deletingLastPathComponent()] {
            let url = folder.appendingPathComponent("chatlio-hummingbird-relay")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return nil
    }

    /// Output read as it arrives, on the pipes' own threads.
    final class Collected: @unchecked Sendable {
        private let lock = NSLock()
        private var data = Data()
        func append(_ more: Data) { lock.withLock { data.append(more) } }
        var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }
    }

    func start(_ environment: [String: String]) throws -> (Process, stdout: Collected, stderr: Collected) {
        let process = Process()
        process.executableURL = try #require(Self.executable, "swift build --build-tests builds chatlio-hummingbird-relay next to the tests")
        var inherited = ProcessInfo.processInfo.environment
        for name in ["CHATLIO_URL_TOKEN", "ALLOW_UNAUTHENTICATED", "PORT", "AEP_INLET_URL", "ADMIN_TOKEN"] { inherited[name] = nil }
        process.environment = inherited.merging(environment) { _, new in new }
        let (output, errors) = (Pipe(), Pipe())
        let (stdout, stderr) = (Collected(), Collected())
        output.fileHandleForReading.readabilityHandler = { stdout.append($0.availableData) }
        errors.fileHandleForReading.readabilityHandler = { stderr.append($0.availableData) }
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        return (process, stdout, stderr)
    }

    @Test(arguments: [
        (["PORT": "notaport", "CHATLIO_URL_TOKEN": "a-long-enough-url-token"], "PORT 'notaport' is not a port number"),
        ([:], "CHATLIO_URL_TOKEN is not set"),
    ])
    func aBadSettingStopsItWithStatus2NamingTheVariable(_ environment: [String: String], _ message: String) async throws {
        let (process, _, stderr) = try start(environment)
        process.waitUntilExit()
        #expect(process.terminationStatus == 2)
        // The pipe's handler may deliver the last bytes after the exit is seen.
        var waited = 0
        while !stderr.text.contains(message), waited < 200 {
            try await Task.sleep(for: .milliseconds(25))
            waited += 1
        }
        #expect(stderr.text.contains(message), "\(stderr.text)")
    }

    @Test func theListeningLineArrivesWhileItRunsAndSIGTERMStopsItCleanly() async throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("hb-exe-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: state) }
        let (process, stdout, stderr) = try start(["PORT": "0", "ALLOW_UNAUTHENTICATED": "1", "STATE_DIR": state.path])
        defer { if process.isRunning { process.terminate() } }
        var waited = 0
        while !stdout.text.contains("listening on"), process.isRunning, waited < 600 {
            try await Task.sleep(for: .milliseconds(50))
            waited += 1
        }
        // Written while the server runs, not when it exits: stdout is a pipe here.
        #expect(stdout.text.contains("listening on http://127.0.0.1:"), "\(stdout.text) \(stderr.text)")
        #expect(process.isRunning)
        #expect(stderr.text.contains("anyone who can reach this port"))
        process.terminate()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(stderr.text)")
        var drained = 0
        while !stderr.text.contains("every queued event was delivered"), drained < 200 {
            try await Task.sleep(for: .milliseconds(25))
            drained += 1
        }
        #expect(stderr.text.contains("every queued event was delivered"), "\(stderr.text)")
    }
}
