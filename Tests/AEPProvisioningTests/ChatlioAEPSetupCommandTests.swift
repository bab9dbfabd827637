import AEPInletEmulator
import ChatlioAEPTestSupport
import ChatlioJSON
import ChatlioWebhooks
import ChatlioXDMMapper
import Foundation
import Testing

/// The built `chatlio-aep-setup --apply` against the strict Platform emulator
/// (OAuth at its IMS endpoint), then the built `chatlio-replay` through the
/// inlet it provisioned: Adobe's whole setup path, end to end, in both modes.
@Suite("chatlio-aep-setup --apply, then chatlio-replay through the provisioned inlet", .serialized)
struct ChatlioAEPSetupCommandTests {
    static let org = "SETUPORG0000000000000000@AdobeOrg"
    static let clientID = "setup-client"
    static let secret = "setup-secret-9f2c41d7"

    static func platform() throws -> AEPPlatformEmulator {
        var configuration = AEPPlatformEmulator.Configuration(tenantId: "acme", imsOrgId: org, sandboxName: "dev", apiKey: clientID)
        configuration.oauthClients = [clientID: secret]
        let platform = try AEPPlatformEmulator(configuration: configuration)
        try platform.start()
        return platform
    }

    static func setup(_ platform: AEPPlatformEmulator, mode: String, state: URL, extra: [String] = []) async throws -> BuiltExecutable.Run {
        try await BuiltExecutable.run("chatlio-aep-setup", [
            "--apply", "--tenant", "acme", "--mode", mode, "--org-id", org, "--sandbox", "dev", "--client-id", clientID,
            "--client-secret-env", "SETUP_TEST_SECRET", "--platform-url", platform.baseURL.absoluteString,
            "--ims-url", platform.baseURL.absoluteString, "--state", state.path, "--relay-url", "https://relay.example",
        ] + extra, environment: ["SETUP_TEST_SECRET": secret])
    }

    /// `step action id` lines, by step.
    static func outcomes(_ run: BuiltExecutable.Run) -> [String: (action: String, id: String)] {
        var found: [String: (String, String)] = [:]
        for line in run.lines {
            let words = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            if words.count == 3, ["created", "reused", "updated", "fetched"].contains(words[1]) { found[words[0]] = (words[1], words[2]) }
        }
        return found
    }

    /// The value after `label:` in the summary.
    static func summary(_ run: BuiltExecutable.Run, _ label: String) -> String? {
        run.lines.first { $0.hasPrefix(label + ":") }.map { $0.dropFirst(label.count + 1).trimmingCharacters(in: .whitespaces) }
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("chatlio-aep-setup-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The `_id` the mapper gives each bundled sample: what must arrive, once each.
    static func expectedIDs() throws -> Set<String> {
        let mapper = try XDMMapper(configuration: .init(tenantID: "acme"))
        return Set(try SamplePayloads.all.map { sample in
            try mapper.map(ChatlioWebhook.decode(sample.data, kind: sample.kind), receivedAt: Date()).id
        })
    }

    @Test("each mode: --apply creates every object, a re-run reuses all, and the samples arrive with one primary identity and their _id",
          arguments: ["xdm", "raw"])
    func applyReuseAndReplay(mode: String) async throws {
        let platform = try Self.platform()
        defer { platform.stop() }
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let stateFile = directory.appendingPathComponent("state.json")

        let first = try await Self.setup(platform, mode: mode, state: stateFile)
        #expect(first.status == 0, "\(first.errors)")
        let created = Self.outcomes(first)
        let expectedSteps = mode == "raw"
            ? ["sourceConnection", "fieldGroup", "schema", "identityNamespace", "identityDescriptor", "emailIdentityDescriptor", "dataset",
               "targetConnection", "mappingSet", "flow"]
            : ["baseConnection", "sourceConnection", "fieldGroup", "schema", "identityNamespace", "dataset", "targetConnection", "flow"]
        for step in expectedSteps { #expect(created[step]?.action == "created", "\(step): \(first.output)") }
        let inlet = try #require(Self.summary(first, "inletUrl"))
        let flowID = try #require(Self.summary(first, "flow id"))
        let datasetID = try #require(Self.summary(first, "dataset id"))
        let schemaID = try #require(Self.summary(first, "schema id"))
        #expect(created["flow"]?.id == flowID)
        #expect(first.output.contains("https://relay.example/chatlio/chat-transcript"))
        if mode == "raw" { #expect(first.output.contains("\(inlet)?x-adobe-flow-id=\(flowID)")) }

        let second = try await Self.setup(platform, mode: mode, state: stateFile)
        #expect(second.status == 0, "\(second.errors)")
        let reused = Self.outcomes(second)
        for step in expectedSteps { #expect(reused[step]?.action == "reused", "\(step): \(second.output)") }
        #expect(Self.summary(second, "inletUrl") == inlet)
        #expect(platform.requests.filter { $0.method == "POST" && !$0.target.hasPrefix("/ims/") }.count == expectedSteps.count, "one POST per object, none on the re-run")

        let replay = try await BuiltExecutable.run("chatlio-replay", [
            "--mode", mode, "--tenant", "acme", "--inlet", inlet, "--flow-id", flowID, "--dataset-id", datasetID, "--schema-id", schemaID,
            "--output", directory.appendingPathComponent("delivered.ndjson").path,
        ])
        #expect(replay.status == 0, "\(replay.errors)")
        let received = try #require(platform.inlet(forFlow: flowID)).record.messages
        #expect(received.count == SamplePayloads.all.count)
        let expected = try Self.expectedIDs()
        switch mode {
        case "xdm":
            #expect(Set(received.compactMap(\.id)) == expected)
            for message in received {
                let entity = try #require(message.xdmEntity)
                let primaries = (entity["identityMap"]?.objectValue ?? [:]).values.flatMap { $0.arrayValue ?? [] }.filter { $0["primary"] == true }
                #expect(primaries.count == 1, "\(entity)")
                #expect(message.flowID == flowID)
            }
        default:
            // Raw: the relay's deterministic _id rides in its chatlioAEP member, one message per request, and
            // the flow's Data Prep mapping set makes it the stored event's _id.
            #expect(Set(received.compactMap { $0.message[XDMMapper.rawEnrichmentKey]?["id"]?.stringValue }) == expected)
            #expect(received.allSatisfy { $0.endpoint == .single })
            #expect(Set(received.compactMap { $0.mappedEntity?["_id"]?.stringValue }) == expected)
            for message in received {
                #expect(message.mappingErrors.isEmpty, "\(message.mappingErrors)")
                // The primary identity (the schema's one primary descriptor) is the visitor UUID, when the body or
                // its conversation gave one; never an empty email.
                let entity = try #require(message.mappedEntity)
                if let uuid = message.message[XDMMapper.rawEnrichmentKey]?["visitorUUID"]?.stringValue {
                    #expect(entity["_acme"]?["chatlio"]?["visitor"]?["uuid"]?.stringValue == uuid)
                }
                #expect(entity["personalEmail"]?["address"] != "")
            }
            let primaries = platform.descriptors(ofSchema: schemaID).filter { $0["xdm:isPrimary"] == true }
            #expect(primaries.count == 1)
            #expect(primaries.first?["xdm:sourceProperty"] == "/_acme/chatlio/visitor/uuid")
        }
    }

    @Test("a run broken half-way (the target connection refused) exits 1, keeps what it made, and the re-run continues there")
    func brokenHalfWayResumes() async throws {
        let platform = try Self.platform()
        defer { platform.stop() }
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let stateFile = directory.appendingPathComponent("state.json")
        platform.faults.failRequest(number: 1, of: .targetConnections, method: "POST", status: 400)

        let broken = try await Self.setup(platform, mode: "raw", state: stateFile)
        #expect(broken.status == 1)
        #expect(broken.errors.contains("run the same command again to continue"), "\(broken.errors)")
        #expect(Self.outcomes(broken)["dataset"]?.action == "created")
        #expect(Self.outcomes(broken)["targetConnection"] == nil)

        let resumed = try await Self.setup(platform, mode: "raw", state: stateFile)
        #expect(resumed.status == 0, "\(resumed.errors)")
        let outcomes = Self.outcomes(resumed)
        for step in ["sourceConnection", "fieldGroup", "schema", "identityNamespace", "identityDescriptor", "emailIdentityDescriptor", "dataset"] {
            #expect(outcomes[step]?.action == "reused", "\(step)")
        }
        for step in ["targetConnection", "mappingSet", "flow"] { #expect(outcomes[step]?.action == "created", "\(step)") }
        #expect(!resumed.errors.contains(Self.secret) && !broken.errors.contains(Self.secret) && !resumed.output.contains(Self.secret))
    }

    @Test("--dry-run sends nothing; without --apply every step's body and curl line, ids from earlier steps as variables")
    func dryRunAndScripts() async throws {
        let platform = try Self.platform()
        defer { platform.stop() }
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }

        let dry = try await Self.setup(platform, mode: "raw", state: directory.appendingPathComponent("state.json"), extra: ["--dry-run"])
        #expect(dry.status == 0, "\(dry.errors)")
        #expect(platform.requests.isEmpty)
        #expect(dry.output.contains("10 flow: reuse the flow named \"Chatlio dataflow (raw)\"; else POST /data/foundation/flowservice/flows"))

        let out = directory.appendingPathComponent("out")
        let written = try await BuiltExecutable.run("chatlio-aep-setup", ["--tenant", "acme", "--mode", "raw", "--out", out.path])
        #expect(written.status == 0, "\(written.errors)")
        let files = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
        #expect(files.contains("01-sourceConnection.json") && files.contains("10-flow.sh") && files.contains("11-inletURL.sh"))
        #expect(files.filter { $0.hasPrefix("source-sample-") }.count == WebhookKind.allCases.count)
        let flowScript = try String(contentsOf: out.appendingPathComponent("10-flow.sh"), encoding: .utf8)
        for variable in ["SOURCE_CONNECTION_ID", "TARGET_CONNECTION_ID", "MAPPING_SET_ID"] {
            #expect(flowScript.contains("s|__\(variable)__|${\(variable)}|g"), "\(flowScript)")
        }
        let flowBody = try JSONValue(parsing: Data(contentsOf: out.appendingPathComponent("10-flow.json")))
        #expect(flowBody["flowSpec"]?["id"] == "e77fde5a-22a8-11ed-861d-0242ac120002")
        #expect(flowBody["transformations"]?[0]?["params"]?["mappingId"] == "__MAPPING_SET_ID__")
    }

    /// Exit status 2 for usage errors, checked before anything is sent or written (issue 16).
    @Test("a bad command line exits 2 and says why", arguments: [
        ([String](), "--tenant is required"),
        (["--tenant"], "--tenant needs a value"),
        (["--tenant", "Not-A-Tenant"], "invalid tenant id"),
        (["--tenant", "acme", "--mode", "json"], "--mode is raw or xdm, not 'json'"),
        (["--tenant", "acme", "stray"], "unexpected argument 'stray'"),
        (["--tenant", "acme", "--dry-run"], "--dry-run goes with --apply"),
        (["--apply", "--tenant", "acme"], "--apply needs --org-id"),
        (["--apply", "--tenant", "acme", "--org-id", "O@AdobeOrg", "--sandbox", "dev", "--client-id", "c", "--client-secret-env", "CHATLIO_SETUP_TEST_UNSET"],
         "CHATLIO_SETUP_TEST_UNSET (--client-secret-env) is not set or empty"),
        (["--bogus"], "unknown option '--bogus'"),
    ])
    func aBadCommandLineExitsTwo(arguments: [String], message: String) async throws {
        let run = try await BuiltExecutable.run("chatlio-aep-setup", arguments)
        #expect(run.status == 2, "\(arguments): \(run.errors)")
        #expect(run.errors.contains(message), "\(arguments): \(run.errors)")
        #expect(run.output.isEmpty, "\(arguments): \(run.output)")
    }
}
