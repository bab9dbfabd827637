import ChatlioAEPSupport
@testable import AEPProvisioning
import AEPStreamingClient
import ChatlioJSON
import Foundation
import Testing

@Suite("ChatlioProvisioningPlan against a scripted Platform: order, idempotency, resume")
struct ChatlioProvisioningPlanTests {
    @Test("raw mode creates every object in the Chatlio tutorial's order, with the documented ids and bodies")
    func rawCreatesAll() async throws {
        let platform = ScriptedPlatform()
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let stateURL = directory.appendingPathComponent("state.json")

        let logs = Locked<[String]>([])
        let client = try makeClient(platform, log: { event in logs.withLock { $0.append(event.message) } })

        let result = try await plan(.raw).run(client: client, stateFile: stateURL)

        #expect(logs.withLock { $0 } == result.outcomes.map(\.description))
        #expect(result.outcomes.map(\.step) == [
            .sourceConnection, .fieldGroup, .schema, .identityNamespace, .identityDescriptor, .emailIdentityDescriptor, .dataset, .targetConnection,
            .mappingSet, .flow, .inletURL,
        ])
        #expect(result.outcomes.dropLast().allSatisfy { $0.action == .created }, "\(result.outcomes)")
        #expect(result.outcome(.inletURL)?.action == .fetched)
        #expect(result.inletURL.hasPrefix("https://dcs.adobedc.net/collection/"))
        #expect(platform.violations.isEmpty, "\(platform.violations)")

        let posts = platform.platformRequests.filter { $0.method == "POST" }
        #expect(posts.map(\.path) == [
            "/data/foundation/flowservice/sourceConnections", "/data/foundation/schemaregistry/tenant/fieldgroups",
            "/data/foundation/schemaregistry/tenant/schemas", "/data/core/idnamespace/identities", "/data/foundation/schemaregistry/tenant/descriptors",
            "/data/foundation/schemaregistry/tenant/descriptors", "/data/foundation/catalog/dataSets", "/data/foundation/flowservice/targetConnections", "/data/foundation/conversion/mappingSets",
            "/data/foundation/flowservice/flows",
        ])
        let source = try #require(posts.first?.body)
        #expect(source["providerId"] == "521eee4d-8cbe-4906-bb48-fb6bd4450033")
        #expect(source["connectionSpec"] == ["id": "073127a3-26e3-496c-9d94-9f48fb93fba8", "version": "1.0"])
        #expect(source["data"]?["format"] == "json")
        let target = try #require(posts.first { $0.path.hasSuffix("targetConnections") }?.body)
        #expect(target["connectionSpec"]?["id"] == "c604ff05-7f1a-43c0-8e18-33bf874cb11c")
        #expect(target["data"]?["schema"]?["id"]?.stringValue == result.schemaID)
        #expect(target["data"]?["schema"]?["version"] == "application/vnd.adobe.xed-full+json;version=1")
        #expect(target["params"]?["dataSetId"]?.stringValue == result.datasetID)
        let flow = try #require(posts.last?.body)
        #expect(flow["flowSpec"] == ["id": "e77fde5a-22a8-11ed-861d-0242ac120002", "version": "1.0"])
        #expect(flow["transformations"]?[0]?["name"] == "Mapping")
        #expect(flow["transformations"]?[0]?["params"]?["mappingId"]?.stringValue == result.outcome(.mappingSet)?.id)
        #expect(flow["transformations"]?[0]?["params"]?["mappingVersion"] == 0)
        let mapping = try #require(posts.first { $0.path.hasSuffix("mappingSets") }?.body)
        #expect(mapping["outputSchema"]?["schemaRef"]?["id"]?.stringValue == result.schemaID)
        let descriptors = posts.filter { $0.path.hasSuffix("descriptors") }.compactMap(\.body)
        #expect(descriptors.count == 2)
        #expect(descriptors.first?["xdm:sourceProperty"] == "/_acme/chatlio/visitor/uuid")
        #expect(descriptors.first?["xdm:namespace"] == "ChatlioVisitor")
        #expect(descriptors.first?["xdm:isPrimary"] == true)
        // Exactly one primary identity in the schema: the email is a second, non-primary one.
        #expect(descriptors.last?["xdm:sourceProperty"] == "/personalEmail/address")
        #expect(descriptors.last?["xdm:namespace"] == "Email")
        #expect(descriptors.last?["xdm:isPrimary"] == false)
        let namespace = try #require(posts.first { $0.path.hasSuffix("identities") }?.body)
        #expect(namespace["code"] == "ChatlioVisitor")

        // The state file holds every id.
        let state = try #require(try ProvisioningState.load(from: stateURL))
        #expect(state.mode == .raw && state.sandbox == "dev" && state.orgID == "ABC123@AdobeOrg" && state.tenantID == "acme")
        for outcome in result.outcomes { #expect(state[outcome.step] == outcome.id) }
    }

    @Test("a second run reuses every object and sends no POST or PATCH")
    func secondRunReusesAll() async throws {
        for mode in ChatlioProvisioningPlan.Mode.allCases {
            let platform = ScriptedPlatform()
            let directory = try temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let stateURL = directory.appendingPathComponent("state.json")
            let first = try await plan(mode).run(client: try makeClient(platform), stateFile: stateURL)
            let before = platform.platformRequests.count

            let second = try await plan(mode).run(client: try makeClient(platform), stateFile: stateURL)

            let again = platform.platformRequests.dropFirst(before)
            #expect(again.allSatisfy { $0.method == "GET" }, "\(mode): \(again.map(\.summary))")
            #expect(second.outcomes.filter { $0.step != .inletURL }.allSatisfy { $0.action == .reused }, "\(mode): \(second.outcomes)")
            #expect(second.outcomes.map(\.id) == first.outcomes.map(\.id))
            #expect(second.inletURL == first.inletURL && second.flowID == first.flowID)
            #expect(platform.violations.isEmpty, "\(platform.violations)")
        }
    }

    @Test("without the state file, a re-run finds every object by name or title and reuses it")
    func lostStateFileFindsByName() async throws {
        for mode in ChatlioProvisioningPlan.Mode.allCases {
            let platform = ScriptedPlatform()
            let first = try await plan(mode).run(client: try makeClient(platform), stateFile: nil)
            let before = platform.platformRequests.count

            let second = try await plan(mode).run(client: try makeClient(platform), stateFile: nil)

            #expect(platform.platformRequests.dropFirst(before).allSatisfy { $0.method == "GET" })
            #expect(second.outcomes.filter { $0.step != .inletURL }.allSatisfy { $0.action == .reused }, "\(mode): \(second.outcomes)")
            #expect(second.outcomes.map(\.id) == first.outcomes.map(\.id))
            let lists = platform.platformRequests.dropFirst(before).filter { $0.query["property"] != nil }
            #expect(!lists.isEmpty && lists.allSatisfy { $0.query["property"]!.contains("==") })
        }
    }

    @Test("a run failing half-way (the target connection refused) keeps what it made; the re-run continues there")
    func resumesAfterFailure() async throws {
        let platform = ScriptedPlatform()
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let stateURL = directory.appendingPathComponent("state.json")
        platform.inject { request, _ in
            request.method == "POST" && request.path.hasSuffix("/targetConnections")
                ? .answer(ScriptedPlatform.problem(400, title: "Bad request", detail: "dataset not ready", message: "try later")) : nil
        }

        await #expect(throws: AEPProvisioningError.self) { _ = try await plan(.raw).run(client: try makeClient(platform), stateFile: stateURL) }

        let partial = try #require(try ProvisioningState.load(from: stateURL))
        #expect(Set(partial.ids.keys) == ["sourceConnection", "fieldGroup", "schema", "identityNamespace", "identityDescriptor", "emailIdentityDescriptor", "dataset"])
        platform.clearFaults()
        let before = platform.platformRequests.count

        let result = try await plan(.raw).run(client: try makeClient(platform), stateFile: stateURL)

        let actions = Dictionary(uniqueKeysWithValues: result.outcomes.map { ($0.step, $0.action) })
        for step in [ProvisioningStep.sourceConnection, .fieldGroup, .schema, .identityNamespace, .identityDescriptor, .emailIdentityDescriptor, .dataset] {
            #expect(actions[step] == .reused, "\(step)")
            #expect(result.outcome(step)?.id == partial[step])
        }
        for step in [ProvisioningStep.targetConnection, .mappingSet, .flow] { #expect(actions[step] == .created, "\(step)") }
        let posts = platform.platformRequests.dropFirst(before).filter { $0.method == "POST" }.map(\.path)
        #expect(posts == ["/data/foundation/flowservice/targetConnections", "/data/foundation/conversion/mappingSets", "/data/foundation/flowservice/flows"])
        // One of each object (two descriptors: visitor and email), nothing made twice.
        for collection in ["sourceConnections", "targetConnections", "flows", "fieldGroups", "schemas", "descriptors", "datasets", "mappingSets"] {
            #expect(platform.count(collection) == (collection == "descriptors" ? 2 : 1), "\(collection)")
        }
    }

    @Test("a recorded id whose object is gone (404) falls back to a look-up by name, then creation")
    func recordedIDGone() async throws {
        let platform = ScriptedPlatform()
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let stateURL = directory.appendingPathComponent("state.json")
        var state = ProvisioningState(orgID: platform.orgID, sandbox: platform.sandbox, tenantID: "acme", mode: .raw)
        state[.sourceConnection] = "deleted-long-ago"
        try state.save(to: stateURL)

        let result = try await plan(.raw).run(client: try makeClient(platform), stateFile: stateURL)

        #expect(result.outcome(.sourceConnection)?.action == .created)
        #expect(result.outcome(.sourceConnection)?.id != "deleted-long-ago")
        #expect(platform.platformRequests.contains { $0.path == "/data/foundation/flowservice/sourceConnections/deleted-long-ago" })
    }

    @Test("a state file of another sandbox is refused, naming both")
    func stateOfAnotherSandbox() async throws {
        let platform = ScriptedPlatform()
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let stateURL = directory.appendingPathComponent("state.json")
        try ProvisioningState(orgID: platform.orgID, sandbox: "prod", tenantID: "acme", mode: .raw).save(to: stateURL)

        do {
            _ = try await plan(.raw).run(client: try makeClient(platform), stateFile: stateURL)
            Issue.record("expected a refusal")
        } catch let error as AEPProvisioningError {
            #expect(error.code == .stateFile)
            #expect(error.reason.contains("sandbox prod, not dev"), "\(error.reason)")
        }
        #expect(platform.platformRequests.isEmpty)
    }

    @Test("a state file that is not a provisioning state is refused before any request")
    func unreadableStateFile() async throws {
        let platform = ScriptedPlatform()
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let stateURL = directory.appendingPathComponent("state.json")
        try Data(#"{"ids": 3}"#.utf8).write(to: stateURL)

        do {
            _ = try await plan(.raw).run(client: try makeClient(platform), stateFile: stateURL)
            Issue.record("expected a refusal")
        } catch let error as AEPProvisioningError {
            #expect(error.code == .stateFile && error.reason.contains(stateURL.path), "\(error.reason)")
        }
        #expect(platform.platformRequests.isEmpty)
    }

    @Test("xdm mode: the HTTP API source's base connection, its inletUrl, and a flow without a mapping")
    func xdmMode() async throws {
        let platform = ScriptedPlatform()

        let result = try await plan(.xdm).run(client: try makeClient(platform), stateFile: nil)

        #expect(result.outcomes.map(\.step) == [.baseConnection, .inletURL, .sourceConnection, .fieldGroup, .schema, .identityNamespace, .dataset, .targetConnection, .flow])
        let posts = platform.platformRequests.filter { $0.method == "POST" }
        let base = try #require(posts.first { $0.path.hasSuffix("/flowservice/connections") }?.body)
        #expect(base["connectionSpec"] == ["id": "bc7b00d6-623a-4dfc-9fdb-f1240aeadaeb", "version": "1.0"])
        #expect(base["auth"]?["specName"] == "Streaming Connection")
        #expect(base["auth"]?["params"]?["dataType"] == "xdm")
        let source = try #require(posts.first { $0.path.hasSuffix("/sourceConnections") }?.body)
        #expect(source["baseConnectionId"]?.stringValue == result.outcome(.baseConnection)?.id)
        #expect(source["connectionSpec"]?["id"] == "bc7b00d6-623a-4dfc-9fdb-f1240aeadaeb")
        let flow = try #require(posts.first { $0.path.hasSuffix("/flows") }?.body)
        #expect(flow["flowSpec"]?["id"] == "d8a6f005-7eaf-4153-983e-e8574508b877")
        #expect(flow["transformations"] == nil)
        #expect(!posts.contains { $0.path.hasSuffix("/descriptors") || $0.path.hasSuffix("/mappingSets") })
        #expect(result.inletURL.hasPrefix("https://dcs.adobedc.net/collection/"))
        #expect(platform.violations.isEmpty, "\(platform.violations)")
    }

    @Test("an existing flow of the plan's name that connects other objects is a conflict, not reused")
    func conflictingFlow() async throws {
        let platform = ScriptedPlatform()
        _ = try await plan(.raw).run(client: try makeClient(platform), stateFile: nil)
        // Another plan with the same names but a fresh source connection (its own state): the flow's sources differ.
        platform.state.withLock { state in
            state.flowService["sourceConnections"] = state.flowService["sourceConnections"]?.map { item in
                var object = item.objectValue ?? [:]
                object["name"] = "renamed"
                return .object(object)
            }
        }

        do {
            _ = try await plan(.raw).run(client: try makeClient(platform), stateFile: nil)
            Issue.record("expected a conflict")
        } catch let error as AEPProvisioningError {
            #expect(error.code == .conflict, "\(error)")
            #expect(error.reason.contains("Chatlio dataflow (raw)"), "\(error.reason)")
        }
    }
}
