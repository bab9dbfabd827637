@testable import AEPInletEmulator
import ChatlioJSON
import Foundation
import Testing

@Suite("Platform emulator: identity namespaces, datasets and mapping sets")
struct PlatformIdentityCatalogDataPrepTests {
    static let registry = "/data/foundation/schemaregistry/tenant"

    static func schema(_ client: PlatformClient) async throws -> String {
        let group = try await client.created("\(registry)/fieldgroups", PlatformFixture.fieldGroup())
        return try await client.created("\(registry)/schemas", PlatformFixture.schema(fieldGroupID: group))
    }

    // MARK: Identity Service

    @Test func aCustomNamespaceIsCreatedAndListed() async throws {
        let platform = try PlatformFixture.started()
        defer { platform.stop() }
        let client = PlatformClient(platform: platform)
        let created = try await client.post("/data/core/idnamespace/identities", PlatformFixture.namespace)
        #expect(created.status == 200)
        #expect(created.json?["code"] == "ChatlioVisitor")
        #expect(created.json?["custom"] == true)
        #expect(created.json?["status"] == "ACTIVE")
        let id = try #require(created.json?["id"]?.int64Value)
        let listed = try await client.get("/data/core/idnamespace/identities")
        let codes = listed.json?.arrayValue?.compactMap { $0["code"]?.stringValue } ?? []
        #expect(codes.contains("ChatlioVisitor") && codes.contains("Email"))
        let byCode = try await client.get("/data/core/idnamespace/identities?property=code==ChatlioVisitor")
        #expect(byCode.json?.arrayValue?.count == 1)
        #expect(try await client.get("/data/core/idnamespace/identities/\(id)").json?["name"] == "Chatlio Visitor")
    }

    @Test func aNamespaceIsRefusedWithPreciseReasons() async throws {
        let platform = try PlatformFixture.started()
        defer { platform.stop() }
        let client = PlatformClient(platform: platform)
        #expect(try await client.post("/data/core/idnamespace/identities", PlatformFixture.namespace).status == 200)
        let again = try await client.post("/data/core/idnamespace/identities", PlatformFixture.namespace)
        #expect(again.status == 400)
        #expect(again.detail.hasPrefix("A namespace with the code ChatlioVisitor already exists"))
        let standard = try await client.post("/data/core/idnamespace/identities", ["name": "Mail", "code": "email", "idType": "EMAIL"])
        #expect(standard.detail.hasPrefix("A namespace with the code Email already exists"))
        let badType = try await client.post("/data/core/idnamespace/identities", ["name": "X", "code": "X", "idType": "PERSON"])
        #expect(badType.detail.hasPrefix("idType \"PERSON\" is not one of"))
        let noCode = try await client.post("/data/core/idnamespace/identities", ["name": "X", "idType": "COOKIE"])
        #expect(noCode.detail == "code is required: a non-empty string (got nothing)")
    }

    // MARK: Catalog

    @Test func aDatasetIsCreatedAsALinkAndFoundByName() async throws {
        let platform = try PlatformFixture.started()
        defer { platform.stop() }
        let client = PlatformClient(platform: platform)
        let schema = try await Self.schema(client)
        let created = try await client.post("/data/foundation/catalog/dataSets?requestDataSource=true", PlatformFixture.dataSet(schemaID: schema))
        #expect(created.status == 201)
        let link = try #require(created.json?.arrayValue?.first?.stringValue)
        #expect(link.hasPrefix("@/dataSets/"))
        let id = String(link.dropFirst("@/dataSets/".count))
        #expect(id.count == 24)
        let one = try await client.get("/data/foundation/catalog/dataSets/\(id)")
        #expect(one.json?[id]?["schemaRef"]?["id"]?.stringValue == schema)
        let byName = try await client.get("/data/foundation/catalog/dataSets?name=Chatlio%20Events&properties=name,schemaRef")
        #expect(byName.json?.objectValue?.keys.sorted() == [id])
        #expect(byName.json?[id]?.objectValue?.keys.sorted() == ["name", "schemaRef"])
        let wildcard = try await client.get("/data/foundation/catalog/dataSets?name=Chatlio*")
        #expect(wildcard.json?.objectValue?.count == 1)
        let byProperty = try await client.get("/data/foundation/catalog/dataSets?property=name==Other")
        #expect(byProperty.json?.objectValue?.isEmpty == true)
        let negated = try await client.get("/data/foundation/catalog/dataSets?name=!Chatlio%20Events")
        #expect(negated.json?.objectValue?.isEmpty == true)
    }

    @Test func aDatasetIsRefusedWithPreciseReasons() async throws {
        let platform = try PlatformFixture.started()
        defer { platform.stop() }
        let client = PlatformClient(platform: platform)
        let schema = try await Self.schema(client)
        let unknown = try await client.post("/data/foundation/catalog/dataSets", PlatformFixture.dataSet(schemaID: "https://ns.adobe.com/acme/schemas/none"))
        #expect(unknown.status == 400)
        #expect(unknown.detail == "schemaRef.id: Object https://ns.adobe.com/acme/schemas/none with version 1 not found")
        let badType: JSONValue = ["name": "X", "schemaRef": ["id": .string(schema), "contentType": "application/json"]]
        #expect(try await client.post("/data/foundation/catalog/dataSets", badType).detail.hasPrefix("schemaRef.contentType \"application/json\" is not"))
        let noName: JSONValue = ["schemaRef": ["id": .string(schema), "contentType": .string(PlatformFixture.xedFull)]]
        #expect(try await client.post("/data/foundation/catalog/dataSets", noName).detail.hasPrefix("name is required"))
        let zero = try await client.get("/data/foundation/catalog/dataSets?limit=0")
        #expect(zero.status == 400)
        #expect(zero.detail.hasPrefix("limit=0 must be an integer from 1 to 100"))
    }

    // MARK: Data Prep

    @Test func aMappingSetIsCreatedListedAndLookedUp() async throws {
        let platform = try PlatformFixture.started()
        defer { platform.stop() }
        let client = PlatformClient(platform: platform)
        let schema = try await Self.schema(client)
        var body = PlatformFixture.mappingSet(schemaID: schema).objectValue ?? [:]
        body["name"] = "chatlio-raw"
        let created = try await client.post("/data/foundation/conversion/mappingSets", .object(body))
        #expect(created.status == 200)
        let id = try #require(created.json?["id"]?.stringValue)
        #expect(created.json?["version"] == 0)
        #expect(created.json?.objectValue?.keys.sorted() == ["createdBy", "createdDate", "id", "modifiedBy", "modifiedDate", "version"])
        let one = try await client.get("/data/foundation/conversion/mappingSets/\(id)")
        #expect(one.json?["mappings"]?.arrayValue?.count == 2)
        #expect(one.json?["xdmSchema"]?.stringValue == schema)
        let byName = try await client.get("/data/foundation/conversion/mappingSets?limit=10&start=0&name=chatlio-raw")
        #expect(byName.json?["data"]?.arrayValue?.count == 1)
        #expect(byName.json?["_page"]?["limit"] == 10)
        let unpaged = try await client.get("/data/foundation/conversion/mappingSets?name=chatlio-raw")
        #expect(unpaged.status == 400)
        #expect(unpaged.detail.hasPrefix("limit and start are both required"))
    }

    @Test func aMappingSetIsRefusedWithPreciseReasons() async throws {
        let platform = try PlatformFixture.started()
        defer { platform.stop() }
        let client = PlatformClient(platform: platform)
        let schema = try await Self.schema(client)
        var body = PlatformFixture.mappingSet(schemaID: schema).objectValue ?? [:]
        body["mappings"] = [["sourceType": "ATTRIBUTE", "source": "message"]]
        #expect(try await client.post("/data/foundation/conversion/mappingSets", .object(body)).detail == "mappings[0].destination is required: a non-empty string (got nothing)")
        body["mappings"] = [["sourceType": "COLUMN", "source": "a", "destination": "b"]]
        #expect(try await client.post("/data/foundation/conversion/mappingSets", .object(body)).detail.hasPrefix("mappings[0].sourceType must be one of"))
        body["mappings"] = []
        #expect(try await client.post("/data/foundation/conversion/mappingSets", .object(body)).detail.hasPrefix("mappings is required"))
        let otherSchema = PlatformFixture.mappingSet(schemaID: "https://ns.adobe.com/acme/schemas/none")
        #expect(try await client.post("/data/foundation/conversion/mappingSets", otherSchema).detail.hasPrefix("The output schema https://ns.adobe.com/acme/schemas/none was not found"))
        // The HTTP API tutorial's older form, xdmSchema in place of outputSchema, is accepted.
        let legacy: JSONValue = [
            "version": 0, "xdmSchema": .string(schema), "xdmVersion": "1.0",
            "mappings": [["destinationXdmPath": "_acme.chatlio.message", "sourceAttribute": "message", "identity": false, "version": 0]],
        ]
        #expect(try await client.post("/data/foundation/conversion/mappingSets", legacy).status == 200)
    }
}
