import ChatlioJSON
import Foundation
import Testing

@Suite struct JSONWriterTests {
    @Test func escapesWhatRFC8259Requires() {
        let value: JSONValue = .string("q\"b\\n\nr\rt\tc\u{01}\u{1F}é🚀/")
        #expect(value.jsonString() == #""q\"b\\n\nr\rt\tc\u0001\u001fé🚀/""#)
    }

    @Test func sortsKeysByBytes() {
        let value: JSONValue = ["b": 1, "a": ["z": true, "Z": false], "é": nil, "_id": "x"]
        #expect(value.jsonString(sortedKeys: true) == #"{"_id":"x","a":{"Z":false,"z":true},"b":1,"é":null}"#)
    }

    @Test func roundTripsThroughTheParser() throws {
        let value: JSONValue = ["text": "line\nbreak \"quoted\" 😀", "n": [0, -1, 2.5, .number(JSONNumber(text: "1e-7")!)], "nested": [["deep": [nil, true]]]]
        #expect(try JSONValue(parsing: value.serialized()) == value)
        #expect(try JSONValue(parsing: value.serialized(sortedKeys: true)) == value)
    }

    @Test func matchesJSONSerializationParse() throws {
        let value: JSONValue = ["a": "ü\u{7F}", "b": [1, 2, 3], "c": ["d": false]]
        let foundation = try JSONSerialization.jsonObject(with: Data(value.serialized())) as? NSDictionary
        #expect(foundation?["a"] as? String == "ü\u{7F}")
        #expect(foundation?["b"] as? [Int] == [1, 2, 3])
    }
}
