@testable import AEPProvisioning
import AEPStreamingClient
import ChatlioAEPSupport
import ChatlioJSON
import Foundation
import Testing
import XDMSchemaRegistry

@Suite("ChatlioProvisioningPlan: an existing field group or schema that differs")
struct ChatlioProvisioningPlanSchemaChangesTests {
    /// The wanted field group with `change` applied to its Chatlio fields, as AEP would store it.
    func fieldGroup(_ change: (inout XDMSchema) -> Void) throws -> JSONValue {
        var group = try ChatlioXDM(tenantID: "acme").tenantFieldGroup
        var definition = try #require(group.definitions?["chatlio"])
        var tenant = try #require(definition.properties?["_acme"])
        var chatlio = try #require(tenant.properties?["chatlio"])
        change(&chatlio)
        tenant.properties?["chatlio"] = chatlio
        definition.properties?["_acme"] = tenant
        group.definitions?["chatlio"] = definition
        group.id = nil
        return group.json
    }

    @Test("an existing field group lacking a field: a compatible change, applied as a PATCH")
    func compatibleFieldGroupChange() async throws {
        let platform = ScriptedPlatform()
        let id = platform.seedFieldGroup(try fieldGroup { $0.properties?["message"] = nil })

        let result = try await plan(.raw).run(client: try makeClient(platform), stateFile: nil)

        let outcome = try #require(result.outcome(.fieldGroup))
        #expect(outcome.action == .updated && outcome.id == id)
        #expect(outcome.detail?.contains("fieldAdded") == true, "\(outcome.detail ?? "")")
        let patch = try #require(platform.platformRequests.first { $0.method == "PATCH" })
        #expect(patch.path.hasSuffix("/tenant/fieldgroups/" + PlatformRequest.encode(id)))
        #expect(patch.body?[0]?["op"] == "replace" && patch.body?[0]?["path"] == "/definitions")
        // Now the same: the next run reuses it.
        let again = try await plan(.raw).run(client: try makeClient(platform), stateFile: nil)
        #expect(again.outcome(.fieldGroup)?.action == .reused)
        #expect(platform.count("fieldGroups") == 1)
    }

    @Test("an existing field group with a field of another type: refused with the report, nothing changed")
    func breakingFieldGroupChange() async throws {
        let platform = ScriptedPlatform()
        _ = platform.seedFieldGroup(try fieldGroup { $0.properties?["message"] = .integer(title: "Message") })

        do {
            _ = try await plan(.raw).run(client: try makeClient(platform), stateFile: nil)
            Issue.record("expected a refusal")
        } catch let error as AEPProvisioningError {
            #expect(error.code == .schemaDiffers, "\(error)")
            let report = try #require(error.compatibility)
            #expect(!report.isCompatible)
            #expect(report.breaking.contains { $0.kind == .typeChanged && $0.path.hasSuffix("message") }, "\(report.breaking)")
            #expect(error.reason.contains("message"), "\(error.reason)")
        }
        #expect(!platform.platformRequests.contains { $0.method == "PATCH" })
        #expect(!platform.platformRequests.contains { $0.method == "POST" && $0.path.hasSuffix("/schemas") })
    }

    @Test("an existing schema without the tenant field group gets it with PATCH add /allOf/-")
    func schemaMissingFieldGroup() async throws {
        let platform = ScriptedPlatform()
        let chatlio = try ChatlioXDM(tenantID: "acme")
        let fieldGroupID = platform.seedFieldGroup(try fieldGroup { _ in })
        var body = chatlio.schemaRequest(fieldGroupID: fieldGroupID).body.objectValue ?? [:]
        body["allOf"] = .array(Array((body["allOf"]?.arrayValue ?? []).dropLast()))
        let schemaID = platform.seedSchema(.object(body))

        let result = try await plan(.raw).run(client: try makeClient(platform), stateFile: nil)

        #expect(result.outcome(.fieldGroup)?.action == .reused)
        let outcome = try #require(result.outcome(.schema))
        #expect(outcome.action == .updated && outcome.id == schemaID)
        let patch = try #require(platform.platformRequests.first { $0.method == "PATCH" }?.body)
        #expect(patch == [["op": "add", "path": "/allOf/-", "value": ["$ref": .string(fieldGroupID)]]])
        #expect(StepRunner.references(try #require(platform.resource(\.schemas, schemaID))).last == fieldGroupID)
    }

    @Test("an existing schema of the title but another class: refused (a class cannot change)")
    func schemaOfAnotherClass() async throws {
        let platform = ScriptedPlatform()
        _ = platform.seedFieldGroup(try fieldGroup { _ in })
        _ = platform.seedSchema([
            "title": .string(try ChatlioXDM(tenantID: "acme").experienceEventSchema.title ?? ""), "type": "object",
            "allOf": [["$ref": "https://ns.adobe.com/xdm/context/profile"]],
        ])

        do {
            _ = try await plan(.raw).run(client: try makeClient(platform), stateFile: nil)
            Issue.record("expected a refusal")
        } catch let error as AEPProvisioningError {
            #expect(error.code == .schemaDiffers)
            #expect(error.reason.contains("class"), "\(error.reason)")
            #expect(error.compatibility?.isCompatible == false)
        }
    }

    @Test("an existing identity descriptor making email primary: a conflict naming it (one primary identity per schema)")
    func otherPrimaryIdentity() async throws {
        let platform = ScriptedPlatform()
        let first = try await plan(.xdm).run(client: try makeClient(platform), stateFile: nil)
        platform.state.withLock { state in
            state.descriptors = [[
                "@id": "email-primary", "@type": "xdm:descriptorIdentity", "xdm:sourceSchema": .string(first.schemaID),
                "xdm:sourceProperty": "/personalEmail/address", "xdm:namespace": "Email", "xdm:isPrimary": true,
            ]]
        }

        do {
            _ = try await plan(.raw).run(client: try makeClient(platform), stateFile: nil)
            Issue.record("expected a conflict")
        } catch let error as AEPProvisioningError {
            #expect(error.code == .conflict)
            #expect(error.reason.contains("/personalEmail/address") && error.reason.contains("email-primary"), "\(error.reason)")
        }
    }
}
