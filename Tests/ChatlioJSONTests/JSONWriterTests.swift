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

    /// The escaper scans eight bytes at a time: every byte that needs an escape, at every offset
    /// within a word and next to non-ASCII bytes (whose high bit the scan must not mistake), comes
    /// out as a byte-at-a-time escaper writes it.
    @Test func escapesEveryByteAtEveryOffsetLikeAByteAtATimeEscaper() {
        func reference(_ string: String) -> String {
            var out = "\""
            for scalar in string.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                case "\u{08}": out += "\\b"
                case "\u{0C}": out += "\\f"
                case _ where scalar.value < 0x20:
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                default: out.unicodeScalars.append(scalar)
                }
            }
            return out + "\""
        }
        let specials: [Character] = ["\"", "\\", "\n", "\u{00}", "\u{1F}", "\u{08}", " ", "!", "#", "[", "]", "\u{7F}", "é", "🚀", "\u{2028}"]
        for length in 0..<20 {
            for offset in 0..<max(1, length) {
                for special in specials {
                    var characters = Array(repeating: Character("a"), count: length)
                    if length > 0 { characters[offset] = special }
                    let text = String(characters) + (length % 3 == 0 ? "ü" : "")
                    #expect(JSONValue.string(text).jsonString() == reference(text), "\(Array(text.utf8))")
                }
            }
        }
    }
}
