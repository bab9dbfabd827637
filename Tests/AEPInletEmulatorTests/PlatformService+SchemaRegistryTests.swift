@testable import AEPInletEmulator
import ChatlioJSON
import Foundation
import Testing

@Suite("Platform emulator: Schema Registry field groups, schemas and descriptors")
struct PlatformSchemaRegistryAPITests {
    static let registry = "/data/foundation/schemaregistry/tenant"

    static func encoded(_ id: String) -> String {
        id.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? id
    }

    @Test func aFieldGroupIsCreatedListedAndLookedUp() async throws {
        let platform = try PlatformFixture.started()
        defer { platform.stop() }
        let client = PlatformClient(platform: platform)
        let created = try await client.post("\(Self.registry)/fieldgroups", PlatformFixture.fieldGroup())
        #expect(created.status == 201)
        let id = try #require(created.json?["$id"]?.stringValue)
        #expect(id.hasPrefix("https://ns.adobe.com/acme/mixins/"))
        let altID = try #require(created.json?["meta:altId"]?.stringValue)
        #expect(altID.hasPrefix("_acme.mixins."))
        #expect(created.json?["meta:resourceType"] == "mixins")
        #expect(created.json?["version"] == "1.0")

        let byAltID = try await client.get("\(Self.registry)/fieldgroups/\(altID)", accept: "application/vnd.adobe.xed+json; version=1")
        #expect(byAltID.status == 200)
        #expect(byAltID.json?["title"] == "Chatlio Conversation")
        let byID = try await client.get("\(Self.registry)/fieldgroups/\(Self.encoded(id))", accept: "application/vnd.adobe.xed-full+json;version=1")
        #expect(byID.json?["$id"]?.stringValue == id)
        // The older name of the collection reaches the same resources.
        #expect(try await client.get("\(Self.registry)/mixins/\(altID)", accept: "application/vnd.adobe.xed+json; version=1").status == 200)

        let listed = try await client.get("\(Self.registry)/fieldgroups?property=title==Chatlio%20Conversation", accept: "application/vnd.adobe.xed-id+json")
        let results = try #require(listed.json?["results"]?.arrayValue)
        #expect(results.count == 1)
        #expect(results.first?.objectValue?.keys.sorted() == ["$id", "meta:altId", "title", "version"])
        let none = try await client.get("\(Self.registry)/fieldgroups?property=title==Other", accept: "application/vnd.adobe.xed-id+json")
        #expect(none.json?["results"]?.arrayValue == [])
        let byClass = try await client.get(
            "\(Self.registry)/fieldgroups?property=meta:intendedToExtend==\(PlatformFixture.eventClass)", accept: "application/vnd.adobe.xed+json"
        )
        #expect(byClass.json?["results"]?[0]?["definitions"] != nil)
    }

    @Test func acceptIsRequiredAndVersionedForLookUps() async throws {
        let platform = try PlatformFixture.started()
        defer { platform.stop() }
        let client = PlatformClient(platform: platform)
        let id = try await client.created("\(Self.registry)/fieldgroups", PlatformFixture.fieldGroup())
        let missing = try await client.get("\(Self.registry)/fieldgroups")
        #expect(missing.status == 406)
        #expect(missing.json?["title"] == "NotAcceptableError")
        #expect(missing.detail == "Accept header parameter is required")
        let unknown = try await client.get("\(Self.registry)/fieldgroups", accept: "application/json")
        #expect(unknown.status == 406)
        #expect(unknown.detail.hasPrefix("Unknown Accept media supplied: application/json"))
        let unversioned = try await client.get("\(Self.registry)/fieldgroups/\(Self.encoded(id))", accept: "application/vnd.adobe.xed+json")
        #expect(unversioned.status == 400)
        #expect(unversioned.detail.hasPrefix("version must be supplied in the accept header"))
        let absent = try await client.get("\(Self.registry)/schemas/_acme.schemas.nothing", accept: "application/vnd.adobe.xed+json; version=1")
        #expect(absent.status == 404)
        #expect(absent.detail == "Object _acme.schemas.nothing with version 1 not found")
    }

    @Test func aFieldGroupIsRefusedWithPreciseReasons() async throws {
        let platform = try PlatformFixture.started()
        defer { platform.stop() }
        let client = PlatformClient(platform: platform)
        func without(_ key: String) -> JSONValue {
            var object = PlatformFixture.fieldGroup().objectValue ?? [:]
            object[key] = nil
            return .object(object)
        }
        let noExtends = try await client.post("\(Self.registry)/fieldgroups", without("meta:intendedToExtend"))
        #expect(noExtends.status == 400)
        #expect(noExtends.detail.hasPrefix("meta:intendedToExtend is required"))
        #expect(try await client.post("\(Self.registry)/fieldgroups", without("title")).detail.hasPrefix("title is required"))
        var outside = PlatformFixture.fieldGroup().objectValue ?? [:]
        outside["definitions"] = ["chatlio": ["properties": ["message": ["type": "string"]]]]
        let untenanted = try await client.post("\(Self.registry)/fieldgroups", .object(outside))
        #expect(untenanted.status == 400)
        #expect(untenanted.detail.hasPrefix("For custom fields, you must use a top level field named _acme and all the other fields must be defined under it"))
        let first = try await client.created("\(Self.registry)/fieldgroups", PlatformFixture.fieldGroup())
        let again = try await client.post("\(Self.registry)/fieldgroups", PlatformFixture.fieldGroup())
        #expect(again.status == 400)
        #expect(again.detail == "Title must be unique. An object \(first) already exists with the same title.")
        // Titles are unique across resource types.
        let schemaClash = try await client.post("\(Self.registry)/schemas", PlatformFixture.schema(title: "Chatlio Conversation", fieldGroupID: first))
        #expect(schemaClash.detail.hasPrefix("Title must be unique"))
    }

    @Test func aSchemaNeedsOneClassAndKnownFieldGroups() async throws {
        let platform = try PlatformFixture.started()
        defer { platform.stop() }
        let client = PlatformClient(platform: platform)
        let group = try await client.created("\(Self.registry)/fieldgroups", PlatformFixture.fieldGroup())
        let created = try await client.post("\(Self.registry)/schemas", PlatformFixture.schema(fieldGroupID: group))
        #expect(created.status == 201)
        #expect(created.json?["meta:class"]?.stringValue == PlatformFixture.eventClass)
        #expect(created.json?["meta:extends"]?.arrayValue?.compactMap(\.stringValue) == [group, PlatformFixture.eventClass])
        #expect(created.json?["$id"]?.stringValue?.hasPrefix("https://ns.adobe.com/acme/schemas/") == true)

        let noClass: JSONValue = ["title": "No class", "allOf": [["$ref": .string(group)]]]
        let refused = try await client.post("\(Self.registry)/schemas", noClass)
        #expect(refused.status == 400)
        #expect(refused.detail.hasPrefix("allOf must reference exactly one class, found 0"))
        let unknownGroup = "https://ns.adobe.com/acme/mixins/0000"
        let missing = try await client.post("\(Self.registry)/schemas", PlatformFixture.schema(title: "Other", fieldGroupID: unknownGroup))
        #expect(missing.detail == "allOf: Object \(unknownGroup) with version 1 not found")
        let listed = try await client.get("\(Self.registry)/schemas?property=title==Chatlio%20Events", accept: "application/vnd.adobe.xed-id+json")
        #expect(listed.json?["results"]?.arrayValue?.count == 1)
    }

    @Test func aPatchAddsAFieldGroupAndBumpsTheMinorVersion() async throws {
        let platform = try PlatformFixture.started()
        defer { platform.stop() }
        let client = PlatformClient(platform: platform)
        let first = try await client.created("\(Self.registry)/fieldgroups", PlatformFixture.fieldGroup())
        let second = try await client.created("\(Self.registry)/fieldgroups", PlatformFixture.fieldGroup(title: "Chatlio Offline"))
        let schema = try await client.created("\(Self.registry)/schemas", PlatformFixture.schema(fieldGroupID: first))
        let patch: JSONValue = [["op": "add", "path": "/allOf/-", "value": ["$ref": .string(second)]]]
        let patched = try await client.send("PATCH", "\(Self.registry)/schemas/\(Self.encoded(schema))", json: patch)
        #expect(patched.status == 200)
        #expect(patched.json?["version"] == "1.1")
        #expect(patched.json?["meta:extends"]?.arrayValue?.compactMap(\.stringValue).contains(second) == true)
        let readOnly: JSONValue = [["op": "replace", "path": "/$id", "value": "https://ns.adobe.com/acme/schemas/other"]]
        let refused = try await client.send("PATCH", "\(Self.registry)/schemas/\(Self.encoded(schema))", json: readOnly)
        #expect(refused.status == 400)
        #expect(refused.detail == "$id is read-only and cannot be patched")
        let untag: JSONValue = [["op": "remove", "path": "/meta:immutableTags/0"]]
        let tagRemoved = try await client.send("PATCH", "\(Self.registry)/schemas/\(Self.encoded(schema))", json: untag)
        #expect(tagRemoved.detail == "meta:immutableTags: the tag \"union\" can be set but never removed")
        let notAnArray = try await client.send("PATCH", "\(Self.registry)/schemas/\(Self.encoded(schema))", json: ["op": "add"])
        #expect(notAnArray.detail.hasPrefix("A PATCH body must be a JSON Patch array"))
    }

    @Test func descriptorsTakeXdmAcceptAndOnePrimaryIdentity() async throws {
        let platform = try PlatformFixture.started()
        defer { platform.stop() }
        let client = PlatformClient(platform: platform)
        let group = try await client.created("\(Self.registry)/fieldgroups", PlatformFixture.fieldGroup())
        let schema = try await client.created("\(Self.registry)/schemas", PlatformFixture.schema(fieldGroupID: group))
        let path = "\(Self.registry)/descriptors"

        // Before the namespace exists, the descriptor names an unknown one.
        let unknownNamespace = try await client.post(path, PlatformFixture.identityDescriptor(schemaID: schema), accept: "application/vnd.adobe.xdm+json")
        #expect(unknownNamespace.status == 400)
        #expect(unknownNamespace.detail.hasPrefix("xdm:namespace: no identity namespace has the code or id \"ChatlioVisitor\""))
        #expect(try await client.post("/data/core/idnamespace/identities", PlatformFixture.namespace).status == 200)

        let xed = try await client.post(path, PlatformFixture.identityDescriptor(schemaID: schema), accept: "application/vnd.adobe.xed+json")
        #expect(xed.status == 406)
        #expect(xed.detail.hasPrefix("Unknown Accept format available"))
        let created = try await client.post(path, PlatformFixture.identityDescriptor(schemaID: schema), accept: "application/vnd.adobe.xdm+json")
        #expect(created.status == 201)
        let descriptorID = try #require(created.json?["@id"]?.stringValue)
        #expect(descriptorID.count == 40)

        let secondPrimary = try await client.post(
            path, PlatformFixture.identityDescriptor(schemaID: schema, property: "/_acme/chatlio/message", namespace: "Email"), accept: "application/vnd.adobe.xdm+json"
        )
        #expect(secondPrimary.status == 400)
        #expect(secondPrimary.detail.hasPrefix("Schemas may contain only one primary identity"))
        let secondary = try await client.post(
            path, PlatformFixture.identityDescriptor(schemaID: schema, property: "/_acme/chatlio/message", primary: false, namespace: "Email"),
            accept: "application/vnd.adobe.xdm+json"
        )
        #expect(secondary.status == 201)
        let badPath = try await client.post(
            path, PlatformFixture.identityDescriptor(schemaID: schema, property: "/properties/_acme", primary: false), accept: "application/vnd.adobe.xdm+json"
        )
        #expect(badPath.detail.hasPrefix("xdm:sourceProperty \"/properties/_acme\" must begin with"))
        let noField = try await client.post(
            path, PlatformFixture.identityDescriptor(schemaID: schema, property: "/_acme/chatlio/email", primary: false, namespace: "Email"),
            accept: "application/vnd.adobe.xdm+json"
        )
        #expect(noField.detail == "(emulator) xdm:sourceProperty /_acme/chatlio/email names no field of \(schema): none of its tenant field groups defines it")

        let links = try await client.get(path, accept: "application/vnd.adobe.xdm-link+json")
        #expect(links.json?["xdm:descriptorIdentity"]?.arrayValue?.first?.stringValue == "/tenant/descriptors/\(descriptorID)")
        let bySchema = try await client.get("\(path)?property=xdm:isPrimary==true", accept: "application/vnd.adobe.xdm+json")
        #expect(bySchema.json?["xdm:descriptorIdentity"]?.arrayValue?.count == 1)
        let xedList = try await client.get(path, accept: "application/vnd.adobe.xed-id+json")
        #expect(xedList.status == 406)
        let one = try await client.get("\(path)/\(descriptorID)")
        #expect(one.json?["xdm:namespace"] == "ChatlioVisitor")
    }

    @Test func statsNameTheTenant() async throws {
        let platform = try PlatformFixture.started()
        defer { platform.stop() }
        let stats = try await PlatformClient(platform: platform).get("/data/foundation/schemaregistry/stats")
        #expect(stats.json?["tenantId"] == "acme")
    }
}
