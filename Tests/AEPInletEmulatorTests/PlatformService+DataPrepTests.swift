@testable import AEPInletEmulator
import ChatlioJSON
import Foundation
import Testing

@Suite("Platform emulator: Data Prep mapping sets")
struct PlatformDataPrepTests {
    @Test func aMappingSetIsCreatedListedAndLookedUp() async throws {
        let platform = try PlatformFixture.started()
        defer { platform.stop() }
        let client = PlatformClient(platform: platform)
        let schema = try await client.createdSchema()
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
        let schema = try await client.createdSchema()
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
