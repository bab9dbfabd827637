import ChatlioJSON
import Foundation
import Testing
@testable import XDMSchemaRegistry

@Suite struct XDMSchemaTests {
    @Test func readsEveryModelledKeywordAndKeepsMetaAndOtherKeys() throws {
        let text = #"""
        {"$id":"https://ns.adobe.com/acme/datatypes/x","$schema":"http://json-schema.org/draft-06/schema#",
         "title":"X","description":"d","type":"object","meta:extensible":true,"meta:enum":{"a":"A"},
         "meta:intendedToExtend":["https://ns.adobe.com/xdm/context/experienceevent"],
         "properties":{"s":{"type":"string","format":"email","pattern":"^a","minLength":1,"maxLength":9,"enum":["a@b.co"],"default":"a@b.co"},
                       "n":{"type":["integer","null"],"minimum":-1.5,"maximum":12345678901234567890},
                       "l":{"type":"array","items":{"$ref":"#/definitions/d"},"minItems":1,"maxItems":3}},
         "required":["s"],"additionalProperties":false,
         "definitions":{"d":{"type":"boolean"}},"allOf":[{"$ref":"#/definitions/d"}],"examples":[{"s":"x"}]}
        """#
        let schema = try XDMSchema(parsing: text)
        #expect(schema.id == "https://ns.adobe.com/acme/datatypes/x")
        #expect(schema.type == .object)
        #expect(schema.meta["meta:extensible"] == true)
        #expect(schema.metaEnum == ["a": "A"])
        #expect(schema.otherKeywords["$schema"] == "http://json-schema.org/draft-06/schema#")
        #expect(schema.otherKeywords["examples"] == [["s": "x"]])
        #expect(schema.isClosed)
        #expect(schema.required == ["s"])
        let string = try #require(schema.properties?["s"])
        #expect(string.format == "email" && string.pattern == "^a" && string.minLength == 1 && string.maxLength == 9)
        #expect(string.enumValues == ["a@b.co"])
        #expect(string.otherKeywords["default"] == "a@b.co")
        let number = try #require(schema.properties?["n"])
        #expect(number.types == [.integer, .null])
        #expect(number.minimum?.text == "-1.5")
        #expect(number.maximum?.text == "12345678901234567890")
        let list = try #require(schema.properties?["l"])
        #expect(list.items?.ref == "#/definitions/d")
        #expect(list.minItems == 1 && list.maxItems == 3)
        #expect(schema.definitions?["d"]?.type == .boolean)
        #expect(schema.allOf?.first?.ref == "#/definitions/d")

        // Written back, the document is the same JSON, numbers and all.
        let original = try JSONValue(parsing: text)
        #expect(schema.json == original)
        #expect(try XDMSchema(parsing: schema.json.jsonString(sortedKeys: true)) == schema)
    }

    @Test func codableRoundTripThroughFoundation() throws {
        let schema = XDMSchema.object(title: "T", properties: ["a": .string(format: "uri")], required: ["a"], closed: true)
            .with(meta: "meta:xdmType", "object")
        let data = try JSONEncoder().encode(schema)
        let decoded = try JSONDecoder().decode(XDMSchema.self, from: data)
        #expect(decoded == schema)
    }

    @Test func additionalPropertiesSchemaForm() throws {
        let schema = try XDMSchema(json: ["type": "object", "additionalProperties": ["type": "array", "items": ["type": "string"]]])
        guard case .schema(let values)? = schema.additionalProperties else {
            Issue.record("expected a schema")
            return
        }
        #expect(values.type == .array)
        #expect(values.items?.type == .string)
    }

    @Test(arguments: [
        (#"{"type":"text"}"#, "#/type: \"text\" is not a JSON Schema type"),
        (#"{"properties":{"a":{"minLength":-1}}}"#, "#/properties/a/minLength: expected a non-negative integer, found -1"),
        (#"{"properties":{"a/b":{"title":3}}}"#, "#/properties/a~1b/title: expected a string, found integer"),
        (#"{"allOf":[{},true]}"#, "#/allOf/1: a schema must be a JSON object, found boolean"),
        (#"{"required":"a"}"#, "#/required: expected an array of strings, found string"),
        (#"{"enum":{}}"#, "#/enum: enum must be an array, found object"),
    ])
    func invalidSchemasNameTheLocation(text: String, message: String) {
        #expect {
            try XDMSchema(parsing: text)
        } throws: { error in
            guard let error = error as? XDMSchemaError else { return false }
            return error.code == .invalidSchema && error.reason == message
        }
    }

    @Test func invalidJSONIsTyped() {
        #expect {
            try XDMSchema(parsing: #"{"type": }"#)
        } throws: { error in
            (error as? XDMSchemaError)?.code == .invalidJSON
        }
    }
}
