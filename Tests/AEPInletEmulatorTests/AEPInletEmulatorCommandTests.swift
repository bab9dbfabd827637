import ChatlioAEPSupport
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

    /// Exit status 2 for usage errors, as every ChatlioAEP tool (issue 16; it was 64).
    @Test(arguments: [
        (["--platform", "--raw"], "--raw applies to a lone inlet"),
        (["--platform", "--flow-id", "f"], "--flow-id applies to a lone inlet"),
        (["--platform", "--client-id", "x"], "--client-id needs --client-secret"),
        (["--platform", "--client-secret-env", "CLI_TEST_UNSET_VARIABLE"], "CLI_TEST_UNSET_VARIABLE is not set"),
        (["--platform", "--tenant", "Not-A-Tenant"], "Not-A-Tenant"),
        (["--org-id", "ORG@AdobeOrg"], "--org-id needs --platform"),
        (["--tenant", "Not-A-Tenant"], "--tenant: "),
        (["--raw", "--tenant", "acme"], "--tenant validates XDM envelopes"),
        (["--tenant"], "--tenant needs a value"),
        (["--port", "http"], "--port: \"http\" is not a port number"),
        (["--bogus"], "unknown option '--bogus'"),
        (["stray"], "unexpected argument \"stray\""),
        (["--inlet-id", "batch"], "inletId \"batch\""),
    ])
    func aBadCommandLineIsAUsageErrorThatExitsTwo(arguments: [String], message: String) async throws {
        let run = try await Self.run(arguments)
        #expect(run.status == 2, "\(arguments): \(run.errors)")
        #expect(run.errors.hasPrefix("error: "), "\(arguments)")
        #expect(run.errors.contains(message), "\(arguments): \(run.errors)")
    }

    @Test func helpNamesEveryOptionTheValidationRulesAndTheExitStatus() async throws {
        let help = try await Self.run(["--help"])
        #expect(help.status == 0)
        for option in ["--platform", "--tenant", "--org-id", "--sandbox", "--client-id", "--client-secret", "--client-secret-env", "--flow-id"] {
            #expect(help.output.contains(option), "\(option)")
        }
        for text in ["VALIDATION", "ingestion/quality/streaming-validation", "{\"skipped\":true,\"emulator\":\"not validated: ...\"}, never \"pass\"",
                     "failed batch", "header.flowId", "api-tutorials/create/streaming/http", "2 for usage errors"] {
            #expect(help.output.contains(text), "\(text)")
        }
    }

    /// An envelope whose xdmEntity is exactly `entity`, naming `flowID` in header.flowId (none when `nil`).
    static func envelope(entity: JSONObject, flowID: String?) throws -> JSONValue {
        guard case .object(var root) = Fixture.envelope(id: "unused"), case .object(var header)? = root["header"],
              case .object(var body)? = root["body"] else {
            throw CocoaError(.coderInvalidValue)
        }
        if let flowID { header["flowId"] = .string(flowID) }
        body["xdmEntity"] = .object(entity)
        root["header"] = .object(header)
        root["body"] = .object(body)
        return .object(root)
    }

    static let validEntity: JSONObject = [
        "_id": "e-1", "timestamp": "2024-05-01T12:34:56.789Z", "eventType": "chat.conversationStarted",
        "_acme": ["chatlio": ["webhookKind": "conversation-started", "message": "hi"]],
    ]

    /// Issue 16: `--tenant` validates with the built-in Chatlio schema; the answers name the failures.
    @Test func tenantValidatesWithTheBuiltInSchemaAndNamesTheFailures() async throws {
        let child = try Child(["--tenant", "acme", "--flow-id", "flow-1"])
        defer { child.kill() }
        let inlet = try #require(try await child.line(after: "Inlet URL:"), "\(child.text)")
        #expect(child.text.contains("Validates: every xdmEntity against the built-in Chatlio XDM schema for tenant acme"), "\(child.text)")
        let client = Client()
        let sync = try #require(URL(string: inlet + "?syncValidation=true"))
        let plain = try #require(URL(string: inlet))

        let bogus = try await client.post(sync, json: Self.envelope(entity: ["bogus": 1], flowID: "flow-1"))
        #expect(bogus.status == 400)
        let causes = bogus.json?["report"]?["cause"]?["_streamingValidation"]?[0]?["causingExceptions"]?.arrayValue ?? []
        #expect(causes.contains { $0["pointerToViolation"] == "#/bogus" && $0["keyword"] == "additionalProperties" }, "\(causes)")
        #expect(causes.contains { $0["keyword"] == "required" && $0["message"]?.stringValue?.contains("_id") == true }, "\(causes)")

        let valid = try await client.post(sync, json: Self.envelope(entity: Self.validEntity, flowID: "flow-1"))
        #expect(valid.status == 200)
        #expect(valid.json?["syncValidation"] == ["status": "pass"])

        // AEP's default, asynchronous validation: 200 means received; the message is not accepted.
        let later = try await client.post(plain, json: Self.envelope(entity: ["bogus": 1], flowID: "flow-1"))
        #expect(later.status == 200)
        #expect(later.json?["syncValidation"] == ["skipped": true])

        // The flow id the help says each XDM envelope must name.
        let noFlow = try await client.post(plain, json: Self.envelope(entity: Self.validEntity, flowID: nil))
        #expect(noFlow.status == 400)
        #expect(String(decoding: noFlow.body, as: UTF8.self).contains("Message has an absent or wrong flow id in the header"))

        #expect(try await child.stop() == 0)
        #expect(child.text.contains("Stopped after 4 request(s), 1 message(s) accepted, 1 failed validation."), "\(child.text)")
    }

    /// Issue 16: without `--tenant` nothing is checked, and `syncValidation=true` says so instead of "pass".
    @Test func withoutTenantSyncValidationIsSkippedAndSaysWhy() async throws {
        let child = try Child([])
        defer { child.kill() }
        let inlet = try #require(try await child.line(after: "Inlet URL:"), "\(child.text)")
        #expect(child.text.contains("Validates: nothing (no --tenant)"), "\(child.text)")
        let url = try #require(URL(string: inlet + "?syncValidation=true"))
        let reply = try await Client().post(url, json: Self.envelope(entity: ["bogus": 1], flowID: nil))
        #expect(reply.status == 200)
        let answer = try #require(reply.json?["syncValidation"])
        #expect(answer["status"] == nil && answer["skipped"] == true, "\(answer)")
        #expect(answer["emulator"]?.stringValue?.contains("--tenant TENANT") == true, "\(answer)")
        #expect(try await child.stop() == 0)
    }
}
