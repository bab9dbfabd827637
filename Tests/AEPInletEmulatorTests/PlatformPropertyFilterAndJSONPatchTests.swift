@testable import AEPInletEmulator
import ChatlioJSON
import Testing

@Suite("Platform emulator: property= filters and JSON Patch")
struct PlatformPropertyFilterTests {
    static let flow: JSONValue = [
        "name": "Chatlio flow", "state": "enabled", "flowSpec": ["id": "e77f", "version": "1.0"],
        "sourceConnectionIds": ["s1", "s2"], "transformations": [["name": "Mapping", "params": ["mappingId": "m1"]]],
        "meta:intendedToExtend": ["https://ns.adobe.com/xdm/context/experienceevent"],
    ]

    func matches(_ text: String) throws -> Bool {
        try #require(PropertyFilter(text)).matches(Self.flow)
    }

    @Test func operatorsFromAdobesTables() throws {
        #expect(try matches("name==Chatlio flow"))
        #expect(try !matches("name==Other"))
        #expect(try matches("name!=Other"))
        #expect(try !matches("name!=Chatlio flow"))
        #expect(try matches("name~^Chat"))
        #expect(try !matches("name~^flow"))
        #expect(try matches("state"))
        #expect(try !matches("runs"))
        #expect(try matches("!runs"))
        #expect(try matches("flowSpec.id==e77f"))
        #expect(PropertyFilter("") == nil)
        #expect(PropertyFilter("==x") == nil)
    }

    @Test func arraysWithAndWithoutBrackets() throws {
        // help/dataflows/api/sort-and-filter.md: sourceConnectionIds[]==a,b matches any of the ids.
        #expect(try matches("sourceConnectionIds[]==s2"))
        #expect(try matches("sourceConnectionIds[]==x,s1"))
        #expect(try !matches("sourceConnectionIds[]==x,y"))
        #expect(try matches("transformations[].params.mappingId==m1"))
        // help/xdm/api/appendix.md: meta:intendedToExtend==X matches an array holding X.
        #expect(try matches("meta:intendedToExtend==https://ns.adobe.com/xdm/context/experienceevent"))
    }

    @Test func jsonPatchAddsReplacesAndRemoves() throws {
        let document: JSONValue = ["title": "A", "allOf": [["$ref": "c"]]]
        let added = try JSONPatch.apply(["op": "add", "path": "/allOf/-", "value": ["$ref": "f"]], to: document, at: 0)
        #expect(added["allOf"]?.arrayValue?.count == 2)
        let replaced = try JSONPatch.apply(["op": "replace", "path": "/title", "value": "B"], to: added, at: 1)
        #expect(replaced["title"] == "B")
        let removed = try JSONPatch.apply(["op": "remove", "path": "/allOf/0"], to: replaced, at: 2)
        #expect(removed["allOf"]?[0]?["$ref"] == "f")
        #expect(throws: HTTPResponseBox.self) { try JSONPatch.apply(["op": "replace", "path": "/missing", "value": 1], to: document, at: 0) }
        #expect(throws: HTTPResponseBox.self) { try JSONPatch.apply(["op": "move", "path": "/title"], to: document, at: 0) }
        #expect(throws: HTTPResponseBox.self) { try JSONPatch.apply(["op": "add", "path": "/allOf/9", "value": 1], to: document, at: 0) }
    }
}
