@testable import AEPInletEmulator
import ChatlioAEPTestSupport
import ChatlioJSON
import Foundation
import Testing

/// The built `aep-inlet-emulator` executable (Sources/aep-inlet-emulator): `--platform` over real loopback HTTP.
@Suite("aep-inlet-emulator executable")
struct AEPInletEmulatorCommandTests {
    /// A running child whose standard output is collected as it arrives.
    final class Child: Sendable {
        let process: Process
        private let output = Locked("")
        /// Whether the pipe reached its end: everything the child wrote is in ``text``.
        private let ended = Locked(false)

        init(_ arguments: [String], environment: [String: String] = [:]) throws {
            let binary = try #require(BuiltExecutable.url(named: "aep-inlet-emulator"), "aep-inlet-emulator is not built next to the tests (swift build --build-tests builds it)")
            let process = Process()
            process.executableURL = binary
            process.arguments = arguments
            process.environment = BuiltExecutable.childEnvironment(environment)
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = FileHandle.nullDevice
            let output = output
            let ended = ended
            pipe.fileHandleForReading.readabilityHandler = { handle in
                let data = handle.availableData
                if data.isEmpty {
                    handle.readabilityHandler = nil
                    ended.withLock { $0 = true }
                } else {
                    output.withLock { $0 += String(decoding: data, as: UTF8.self) }
                }
            }
            try process.run()
            self.process = process
        }

        var text: String { output.withLock { $0 } }

        /// The value after `prefix` on an output line, polled for at most `seconds`.
        func line(after prefix: String, seconds: Int = 20) async throws -> String? {
            for _ in 0 ..< seconds * 50 {
                if let line = text.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) {
                    return String(line.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces)
                }
                if !process.isRunning { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            return nil
        }

        /// SIGTERM, then the exit status once the child's last output was read (polled for at most 10 s).
        func stop() async throws -> Int32 {
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
            for _ in 0 ..< 500 where !ended.withLock({ $0 }) {
                try await Task.sleep(for: .milliseconds(20))
            }
            return process.terminationStatus
        }

        /// Ends the child whatever happened (a failed expectation must not leave it running).
        func kill() {
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
        }
    }

    static func run(_ arguments: [String]) async throws -> BuiltExecutable.Run {
        try await BuiltExecutable.run("aep-inlet-emulator", arguments)
    }

    @Test func platformModeServesTheAPIsAndTheIMSTokenEndpointAtOneURL() async throws {
        let child = try Child(
            ["--platform", "--tenant", "acme", "--org-id", "CLIORG@AdobeOrg", "--sandbox", "dev", "--client-id", "cli-client", "--client-secret-env", "CLI_TEST_SECRET"],
            environment: ["CLI_TEST_SECRET": "cli-s3cret"]
        )
        defer { child.kill() }
        let base = try #require(try await child.line(after: "Platform URL:"), "\(child.text)")
        #expect(base.hasPrefix("http://127.0.0.1:"))
        #expect(try await child.line(after: "IMS token URL:") == base + "/ims/token/v3")
        #expect(child.text.contains("--platform-url \(base) --ims-url \(base)"))
        #expect(!child.text.contains("cli-s3cret"))

        let client = Client()
        let tokenURL = try #require(URL(string: base + "/ims/token/v3"))
        let form = "grant_type=client_credentials&client_id=cli-client&client_secret=cli-s3cret&scope=openid,AdobeID"
        let issued = try await client.post(tokenURL, body: Data(form.utf8), headers: ["Content-Type": "application/x-www-form-urlencoded"])
        #expect(issued.status == 200)
        let token = try #require(issued.json?["access_token"]?.stringValue)
        let wrong = try await client.post(tokenURL, body: Data(form.replacingOccurrences(of: "cli-s3cret", with: "nope").utf8), headers: ["Content-Type": "application/x-www-form-urlencoded"])
        #expect(wrong.status == 401)

        let schemas = try #require(URL(string: base + "/data/foundation/schemaregistry/tenant/schemas"))
        var headers = [
            "Authorization": "Bearer \(token)", "x-api-key": "cli-client", "x-gw-ims-org-id": "CLIORG@AdobeOrg", "x-sandbox-name": "dev",
            "Accept": "application/vnd.adobe.xed-id+json",
        ]
        #expect(try await client.post(schemas, body: Data(), headers: headers, method: "GET").status == 200)
        headers["x-api-key"] = "another-client"
        #expect(try await client.post(schemas, body: Data(), headers: headers, method: "GET").status == 403)

        #expect(try await child.stop() == 0)
        #expect(child.text.contains("Stopped after 4 request(s), 0 flow(s) created."))
    }

    @Test func platformModeRefusesInletOnlyOptionsAndHalfCredentials() async throws {
        for arguments in [["--platform", "--raw"], ["--platform", "--flow-id", "f"], ["--platform", "--client-id", "x"], ["--tenant", "acme"],
                          ["--platform", "--client-secret-env", "CLI_TEST_UNSET_VARIABLE"], ["--platform", "--tenant", "Not-A-Tenant"]] {
            let run = try await Self.run(arguments)
            #expect(run.status == 64, "\(arguments): \(run.errors)")
            #expect(run.errors.hasPrefix("error: "), "\(arguments)")
        }
        let help = try await Self.run(["--help"])
        #expect(help.status == 0)
        for option in ["--platform", "--tenant", "--org-id", "--sandbox", "--client-id", "--client-secret", "--client-secret-env"] {
            #expect(help.output.contains(option), "\(option)")
        }
    }
}
