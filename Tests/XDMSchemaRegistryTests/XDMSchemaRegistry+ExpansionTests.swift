import ChatlioJSON
import Testing
@testable import XDMSchemaRegistry

@Suite struct XDMSchemaRegistryExpansionTests {
    static func document(_ id: String, _ json: JSONValue) throws -> XDMSchema {
        var schema = try XDMSchema(json: json)
        schema.id = id
        return schema
    }

    @Test func resolvesRefsFragmentsAndAllOfIntoOneTree() throws {
        let item = try Self.document("https://ns.adobe.com/test/item", [
            "type": "object",
            "definitions": ["item": ["properties": ["id": ["type": "string", "title": "Id"]]]],
            "allOf": [["$ref": "#/definitions/item"]],
        ])
        let group = try Self.document("https://ns.adobe.com/test/group", [
            "type": "object",
            "title": "Group",
            "meta:intendedToExtend": ["https://ns.adobe.com/xdm/context/experienceevent"],
            "definitions": ["g": ["properties": [
                "list": ["type": "array", "items": ["$ref": "https://ns.adobe.com/test/item"]],
                "one": ["title": "One item", "$ref": "https://ns.adobe.com/test/item"],
                "map": ["type": "object", "additionalProperties": ["$ref": "https://ns.adobe.com/test/item#/definitions/item"]],
            ]]],
            "required": ["list"],
            "allOf": [["$ref": "#/definitions/g"], ["properties": ["extra": ["type": "boolean"]], "required": ["extra"]]],
        ])
        let registry = try XDMSchemaRegistry(schemas: [item, group])
        let full = try registry.expanded(id: "https://ns.adobe.com/test/group")

        let expectedItem: JSONValue = ["type": "object", "properties": ["id": ["type": "string", "title": "Id"]]]
        let expected: JSONValue = [
            "$id": "https://ns.adobe.com/test/group",
            "type": "object",
            "title": "Group",
            "meta:intendedToExtend": ["https://ns.adobe.com/xdm/context/experienceevent"],
            "required": ["list", "extra"],
            "properties": [
                "list": ["type": "array", "items": expectedItem],
                "one": ["title": "One item", "type": "object", "properties": ["id": ["type": "string", "title": "Id"]]],
                "map": ["type": "object", "additionalProperties": ["properties": ["id": ["type": "string", "title": "Id"]]]],
                "extra": ["type": "boolean"],
            ],
        ]
        #expect(full.json.jsonString(sortedKeys: true) == expected.jsonString(sortedKeys: true))
    }

    @Test func mergesAFieldDefinedInTwoPartsAndKeepsClosedObjectsClosed() throws {
        let schema = try XDMSchema(json: [
            "allOf": [
                ["type": "object", "properties": ["env": ["type": "object", "properties": ["a": ["type": "string"]], "additionalProperties": false]]],
                ["type": "object", "properties": ["env": ["type": "object", "properties": ["b": ["type": "integer"]]]]],
            ],
        ])
        let full = try XDMSchemaRegistry().expand(schema)
        let env = try #require(full.properties?["env"])
        #expect(env.properties?.keys.sorted() == ["a", "b"])
        #expect(env.isClosed)
    }

    @Test func conflictingTypesAreAnError() throws {
        let schema = try XDMSchema(json: [
            "allOf": [
                ["properties": ["a": ["type": "string"]]],
                ["properties": ["a": ["type": "integer"]]],
            ],
        ])
        #expect {
            try XDMSchemaRegistry().expand(schema)
        } throws: { error in
            guard let error = error as? XDMSchemaError else { return false }
            return error.code == .conflictingDefinitions
                && error.reason == "#/properties/a: one part defines the type as string, another as integer"
        }
    }

    @Test func unresolvableDocumentIsNamedWithItsLocation() throws {
        let schema = try Self.document("https://ns.adobe.com/test/s", ["allOf": [["$ref": "https://ns.adobe.com/test/missing"]]])
        let registry = try XDMSchemaRegistry(schemas: [schema])
        #expect {
            try registry.expanded(id: "https://ns.adobe.com/test/s")
        } throws: { error in
            guard let error = error as? XDMSchemaError else { return false }
            return error.code == .unresolvableReference
                && error.reason == "https://ns.adobe.com/test/s#/allOf/0/$ref: $ref \"https://ns.adobe.com/test/missing\" names no registered schema"
        }
    }

    @Test func unresolvableFragmentIsNamed() throws {
        let schema = try Self.document("https://ns.adobe.com/test/s", ["properties": ["a": ["$ref": "#/definitions/nope"]]])
        let registry = try XDMSchemaRegistry(schemas: [schema])
        #expect {
            try registry.expanded(id: "https://ns.adobe.com/test/s")
        } throws: { error in
            guard let error = error as? XDMSchemaError else { return false }
            return error.code == .unresolvableReference
                && error.reason == "https://ns.adobe.com/test/s#/properties/a/$ref: $ref \"#/definitions/nope\": \"#/definitions/nope\" does not exist in https://ns.adobe.com/test/s"
        }
    }

    @Test func directCycleIsDetected() throws {
        let schema = try Self.document("https://ns.adobe.com/test/loop", [
            "definitions": ["node": ["properties": ["child": ["$ref": "#/definitions/node"]]]],
            "allOf": [["$ref": "#/definitions/node"]],
        ])
        let registry = try XDMSchemaRegistry(schemas: [schema])
        #expect {
            try registry.expanded(id: "https://ns.adobe.com/test/loop")
        } throws: { error in
            guard let error = error as? XDMSchemaError else { return false }
            return error.code == .referenceCycle
                && error.reason.hasSuffix("https://ns.adobe.com/test/loop#/definitions/node -> https://ns.adobe.com/test/loop#/definitions/node")
        }
    }

    @Test func cycleAcrossDocumentsNamesTheChain() throws {
        let a = try Self.document("https://ns.adobe.com/test/a", ["properties": ["b": ["$ref": "https://ns.adobe.com/test/b"]]])
        let b = try Self.document("https://ns.adobe.com/test/b", ["allOf": [["$ref": "https://ns.adobe.com/test/a"]]])
        let registry = try XDMSchemaRegistry(schemas: [a, b])
        #expect {
            try registry.expand(.reference("https://ns.adobe.com/test/a"))
        } throws: { error in
            guard let error = error as? XDMSchemaError else { return false }
            return error.code == .referenceCycle
                && error.reason.hasSuffix("https://ns.adobe.com/test/a# -> https://ns.adobe.com/test/b# -> https://ns.adobe.com/test/a#")
        }
    }

    @Test func aSharedDataTypeIsNotACycle() throws {
        let item = try Self.document("https://ns.adobe.com/test/item", ["type": "string"])
        let schema = try XDMSchema(json: ["properties": [
            "a": ["$ref": "https://ns.adobe.com/test/item"],
            "b": ["items": ["$ref": "https://ns.adobe.com/test/item"], "type": "array"],
        ]])
        let full = try XDMSchemaRegistry(schemas: [item]).expand(schema)
        #expect(full.properties?["a"]?.type == .string)
        #expect(full.properties?["b"]?.items?.type == .string)
    }

    @Test func fragmentsArePercentDecoded() throws {
        let schema = try XDMSchema(json: [
            "definitions": ["@context": ["type": "string"]],
            "properties": ["a": ["$ref": "#/definitions/%40context"]],
        ])
        #expect(try XDMSchemaRegistry().expand(schema).properties?["a"]?.type == .string)
    }

    @Test func relativeReferencesResolveAgainstTheDocumentID() throws {
        let item = try Self.document("https://ns.adobe.com/test/types/item", ["type": "integer"])
        let schema = try Self.document("https://ns.adobe.com/test/types/holder", ["properties": ["n": ["$ref": "item"]]])
        let registry = try XDMSchemaRegistry(schemas: [item, schema])
        #expect(try registry.expanded(id: "https://ns.adobe.com/test/types/holder").properties?["n"]?.type == .integer)
    }
}
