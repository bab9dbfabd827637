public import Testing
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

extension RelayExecutable {
    /// The bad settings every relay must refuse at start, and the words its line must hold.
    public static let badSettings: [([String: String], String)] = [
        (["PORT": "notaport", "CHATLIO_URL_TOKEN": "a-long-enough-url-token"], "PORT 'notaport' is not a port number"),
        ([:], "CHATLIO_URL_TOKEN is not set"),
    ]

    /// Started with `environment`, it exits with status 2 and a stderr line holding `message`.
    ///
    /// ```swift
    /// @Test(arguments: RelayExecutable.badSettings)
    /// func aBadSettingStopsIt(_ environment: [String: String], _ message: String) async throws {
    ///     try await RelayExecutable(name: "chatlio-vapor-relay").checkRefuses(environment, naming: message)
    /// }
    /// ```
    public func checkRefuses(_ environment: [String: String], naming message: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let running = try start(environment, sourceLocation: sourceLocation)
        running.process.waitUntilExit()
        #expect(running.process.terminationStatus == 2, sourceLocation: sourceLocation)
        #expect(await running.stderr.waitFor(message, timeout: .seconds(5)), "\(running.stderr.text)", sourceLocation: sourceLocation)
    }

    /// Started on a free port without a URL token, it writes its listening line while it runs (stdout
    /// is a pipe here, so it must not buffer it), answers `/health` on the port it printed, warns that
    /// anyone may post, and on SIGTERM exits 0 after draining its client.
    public func checkServesUntilSIGTERM(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: state) }
        let running = try start(["PORT": "0", "ALLOW_UNAUTHENTICATED": "1", "STATE_DIR": state.path], sourceLocation: sourceLocation)
        let process = running.process
        defer { if process.isRunning { process.terminate() } }
        _ = await running.stdout.waitFor("listening on", while: { process.isRunning })
        #expect(running.stdout.text.contains("listening on http://127.0.0.1:"), "\(running.stdout.text) \(running.stderr.text)", sourceLocation: sourceLocation)
        #expect(process.isRunning, sourceLocation: sourceLocation)
        #expect(running.stderr.text.contains("anyone who can reach this port"), sourceLocation: sourceLocation)
        // The port it printed is the one it serves, over real TCP.
        let printed = running.stdout.text.split(separator: ":").dropFirst(2).first.flatMap { Int($0.prefix { $0.isNumber }) }
        let port = try #require(printed, "\(running.stdout.text)", sourceLocation: sourceLocation)
        let (status, body, _) = try await LoopbackHTTP.send(port: port, "/health")
        #expect(status == 200 && String(decoding: body, as: UTF8.self).contains(#""status":"ok""#), sourceLocation: sourceLocation)
        process.terminate()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(running.stderr.text)", sourceLocation: sourceLocation)
        #expect(
            await running.stderr.waitFor("every queued event was delivered", timeout: .seconds(5)), "\(running.stderr.text)", sourceLocation: sourceLocation
        )
    }
}
