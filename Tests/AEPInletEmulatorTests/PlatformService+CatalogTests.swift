@testable import AEPInletEmulator
import ChatlioJSON
import Foundation
import Testing

@Suite("Platform emulator: Catalog datasets")
struct PlatformCatalogTests {
    @Test func aDatasetIsCreatedAsALinkAndFoundByName() async throws {
        let platform = try PlatformFixture.started()
        defer { platform.stop() }
        let client = PlatformClient(platform: platform)
        let schema = try await client.createdSchema()
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
        let schema = try await client.createdSchema()
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
}
