import ChatlioJSON
import Testing
@testable import XDMSchemaRegistry

@Suite struct XDMSchemaCompatibilityModeTests {
    @Test func rewritesXDMNamesIntoAEPNames() throws {
        let raw = try XDMSchema(json: [
            "type": "object",
            "required": ["@id", "xdm:timestamp", "schema:latitude"],
            "properties": [
                "@id": ["type": "string"],
                "xdm:timestamp": ["type": "string"],
                "xdm:geo": ["type": "object", "properties": ["schema:latitude": ["type": "number"], "schema:longitude": ["type": "number"]]],
                "schema:latitude": ["type": "number"],
                "dc:language": ["type": "string"],
                "plain": ["type": "array", "items": ["properties": ["xdm:id": ["type": "string"]]]],
            ],
        ])
        let expected: JSONValue = [
            "type": "object",
            "required": ["_id", "timestamp"],
            "properties": [
                "_id": ["type": "string"],
                "timestamp": ["type": "string"],
                "geo": ["type": "object", "properties": ["_schema": ["type": "object", "properties": ["latitude": ["type": "number"], "longitude": ["type": "number"]]]]],
                "_schema": ["type": "object", "required": ["latitude"], "properties": ["latitude": ["type": "number"]]],
                "_dc": ["type": "object", "properties": ["language": ["type": "string"]]],
                "plain": ["type": "array", "items": ["properties": ["id": ["type": "string"]]]],
            ],
        ]
        #expect(raw.compatibilityMode().json.jsonString(sortedKeys: true) == expected.jsonString(sortedKeys: true))
    }
}
