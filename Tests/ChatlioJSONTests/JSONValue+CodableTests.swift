import ChatlioJSON
import Foundation
import Testing

@Suite struct JSONValueCodableTests {
    @Test func roundTripsThroughFoundationCoders() throws {
        let text = #"{"s":"x","i":42,"big":9007199254740993,"d":0.25,"t":true,"n":null,"a":[1,"two",{"three":3}]}"#
        let decoded = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        #expect(decoded == (try JSONValue(parsing: text)))
        let encoded = try JSONEncoder().encode(decoded)
        #expect(try JSONValue(parsing: encoded) == decoded)
    }

    @Test func integersStayIntegers() throws {
        let decoded = try JSONDecoder().decode(JSONValue.self, from: Data("[1,2.0,-3]".utf8))
        #expect(decoded[0]?.numberValue?.isInteger == true)
        #expect(decoded[2]?.int64Value == -3)
    }

    @Test func numberLiteralValidation() {
        #expect(JSONNumber(text: "12") != nil)
        #expect(JSONNumber(text: "-0.5e-3") != nil)
        #expect(JSONNumber(text: "01") == nil)
        #expect(JSONNumber(text: "1.") == nil)
        #expect(JSONNumber(text: "+1") == nil)
        #expect(JSONNumber(text: "NaN") == nil)
        #expect(JSONNumber(Double.infinity) == nil)
        #expect(JSONNumber(3.0)?.text == "3")
    }

    @Test func pointerLookup() throws {
        let doc = try JSONValue(parsing: #"{"a/b":{"c~d":[10,20]}}"#)
        #expect(doc.value(at: "/a~1b/c~0d/1") == 20)
        #expect(doc.value(at: "/a~1b/c~0d/2") == nil)
        #expect(doc.value(at: "") == doc)
        #expect(doc.value(at: "nope") == nil)
        #expect(JSONPointer.tokens(of: "/a~1b/c~0d") == ["a/b", "c~d"])
    }
}
