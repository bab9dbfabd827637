import Testing
@testable import XDMSchemaRegistry

@Suite struct XDMSchemaRegistryTests {
    static let id = "https://ns.adobe.com/acme/datatypes/contact"

    static func contact(_ fields: [String: XDMSchema]) -> XDMSchema {
        var schema = XDMSchema.object(title: "Contact", properties: fields)
        schema.id = id
        return schema
    }

    @Test func registersVersionsAndLooksThemUp() throws {
        var registry = XDMSchemaRegistry()
        let first = Self.contact(["email": .string()])
        let second = Self.contact(["email": .string(), "phone": .string()])
        #expect(try registry.register(first) == 1)
        #expect(try registry.register(first) == 1)   // identical: no new version
        #expect(try registry.register(second) == 2)
        #expect(registry.versions(of: Self.id) == [1, 2])
        #expect(registry.schema(id: Self.id) == second)
        #expect(registry.schema(id: Self.id, version: 1) == first)
        #expect(registry.schema(id: Self.id, version: 3) == nil)
        #expect(registry.schema(id: Self.id + "#") == second)
        #expect(registry.schema(id: "https://ns.adobe.com/acme/other") == nil)
        #expect(registry.versions(of: "https://ns.adobe.com/acme/other") == [])
        #expect(registry.ids == [Self.id])
        #expect(registry.latestSchemas == [second])
    }

    @Test func refusesSchemasWithoutID() {
        var registry = XDMSchemaRegistry()
        #expect {
            try registry.register(.string(title: "loose"))
        } throws: { error in
            (error as? XDMSchemaError)?.code == .missingID
        }
    }

    @Test func expandingAnUnknownIDNamesIt() {
        let registry = XDMSchemaRegistry()
        #expect {
            try registry.expanded(id: "https://ns.adobe.com/acme/none", version: 2)
        } throws: { error in
            guard let error = error as? XDMSchemaError else { return false }
            return error.code == .schemaNotFound && error.reason.contains("\"https://ns.adobe.com/acme/none\" version 2")
        }
    }

    @Test func isSendableAcrossTasks() async throws {
        let registry = try XDMSchemaRegistry(schemas: [Self.contact(["email": .string()])])
        let count = await Task.detached { registry.ids.count }.value
        #expect(count == 1)
    }
}
