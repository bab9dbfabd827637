@testable import AEPInletEmulator
import ChatlioJSON
import Foundation
import Testing
import ChatlioXDMMapper

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

/// What the emulator checks in a mapping set's expressions, and the validate
/// and preview calls of help/data-prep/api/mapping-set.md.
@Suite("Platform emulator: Data Prep expressions")
struct PlatformDataPrepExpressionTests {
    static func body(schemaID: String, _ mappings: [JSONValue]) -> JSONValue {
        ["outputSchema": ["schemaRef": ["id": .string(schemaID), "contentType": .string(PlatformFixture.xedFull)]], "mappings": .array(mappings)]
    }

    @Test func aMappingSetWhoseExpressionCannotBeReadIsRefusedNamingIt() async throws {
        let platform = try PlatformFixture.started()
        defer { platform.stop() }
        let client = PlatformClient(platform: platform)
        let schema = try await client.createdSchema()
        let bad = Self.body(schemaID: schema, [
            ["sourceType": "ATTRIBUTE", "source": "message", "destination": "_acme.chatlio.message"],
            ["sourceType": "EXPRESSION", "source": "coalesce(chatlioAEP.id, uuidd())", "destination": "_id"],
        ])
        let refused = try await client.post("/data/foundation/conversion/mappingSets", bad)
        #expect(refused.status == 400)
        #expect(refused.json?["title"] == "BadRequestError")
        #expect(refused.detail == "mappings[1] (destination _id): unknown function: uuidd (at position 24 of coalesce(chatlioAEP.id, uuidd())) is not a function help/data-prep/functions.md documents (help/data-prep/functions.md)")
        let syntax = Self.body(schemaID: schema, [["sourceType": "EXPRESSION", "source": "trim(message", "destination": "_acme.chatlio.message"]])
        #expect(try await client.post("/data/foundation/conversion/mappingSets", syntax).detail.hasPrefix("mappings[0] (destination _acme.chatlio.message): syntax error: expected"))
        // Nothing was kept.
        #expect(try await client.get("/data/foundation/conversion/mappingSets?limit=10&start=0").json?["data"]?.arrayValue?.isEmpty == true)
        // ChatlioXDMMapper's set is accepted.
        let mapper = try XDMMapper(configuration: .init(tenantID: "acme"))
        #expect(try await client.post("/data/foundation/conversion/mappingSets", mapper.dataPrepMappingSet(schemaID: schema)).status == 200)
    }

    @Test func validateAnswersOneStatusPerMapping() async throws {
        let platform = try PlatformFixture.started()
        defer { platform.stop() }
        let client = PlatformClient(platform: platform)
        let body = Self.body(schemaID: "https://ns.adobe.com/acme/schemas/any", [
            ["sourceType": "ATTRIBUTE", "source": "id", "destination": "_id"],
            ["sourceType": "EXPRESSION", "source": "upper(firstName)", "destination": "person.name.firstName"],
            ["sourceType": "ATTRIBUTE", "source": "lastName", "destination": "_id"],
        ])
        let reply = try await client.post("/data/foundation/conversion/mappingSets/validate", body)
        #expect(reply.status == 200)
        let answers = try #require(reply.json?["validationResponse"]?.arrayValue)
        #expect(answers.count == 3)
        #expect(answers[0] == ["status": "SUCCESS", "errors": .null])
        #expect(answers[1]["status"] == "FAILURE")
        #expect(answers[1]["errors"]?[0]?["code"] == "function not emulated")
        // A destination mapped twice shows once every mapping reads.
        #expect(answers[2] == ["status": "SUCCESS", "errors": .null])
        let fixed = Self.body(schemaID: "s", [
            ["sourceType": "ATTRIBUTE", "source": "id", "destination": "_id"], ["sourceType": "ATTRIBUTE", "source": "lastName", "destination": "_id"],
        ])
        let twice = try await client.post("/data/foundation/conversion/mappingSets/validate", fixed)
        #expect(twice.json?["validationResponse"]?[1]?["errors"]?[0]?["message"] == "mappings[1] (destination _id): destination conflict: is also the destination of mappings[0]")
        let put = try await client.send("PUT", "/data/foundation/conversion/mappingSets/validate", json: fixed)
        #expect(put.status == 405 && put.header("Allow") == "POST")
    }

    /// mapping-set.md "Preview data for mappings", with its own example.
    @Test func previewMapsTheDocumentedExample() async throws {
        let platform = try PlatformFixture.started()
        defer { platform.stop() }
        let client = PlatformClient(platform: platform)
        let body: JSONValue = [
            "data": [["id": 1234, "firstName": "Jim", "lastName": "Seltzer"]],
            "mappingSet": Self.body(schemaID: "https://ns.adobe.com/stardust/schemas/89abc189258b1cb1a816d8f2b2341a6d98000ed8f4008305", [
                ["sourceType": "ATTRIBUTE", "source": "id", "destination": "_id", "name": "id", "description": "Identifier field"],
                ["sourceType": "ATTRIBUTE", "source": "firstName", "destination": "person.name.firstName"],
                ["sourceType": "ATTRIBUTE", "source": "lastName", "destination": "person.name.lastName"],
            ]),
        ]
        let reply = try await client.post("/data/foundation/conversion/mappingSets/preview", body)
        #expect(reply.status == 200)
        // Adobe's answer shows "_id": "1234" (converted to the schema's string type); the emulator keeps the source's number.
        #expect(reply.json == [["data": ["person": ["name": ["firstName": "Jim", "lastName": "Seltzer"]], "_id": 1234], "errors": .null]])
    }
}
