@_spi(ChatlioAEPInternal) import ChatlioJSON
import Foundation
import Testing

@Suite struct JSONParserTests {
    @Test func parsesEveryValueType() throws {
        let value = try JSONValue(parsing: #" {"s":"x","i":-12,"d":1.5e3,"t":true,"f":false,"n":null,"a":[1,[2]],"o":{}} "#)
        #expect(value == ["s": "x", "i": -12, "d": .number(JSONNumber(text: "1.5e3")!), "t": true, "f": false, "n": nil, "a": [1, [2]], "o": .object([:])])
    }

    @Test func keepsExactNumberText() throws {
        let text = #"[9007199254740993,12345678901234567890123,0.1000000000000000055511151231257827,-0,1E+2]"#
        let value = try JSONValue(parsing: text)
        #expect(value.arrayValue?.compactMap(\.numberValue?.text) == ["9007199254740993", "12345678901234567890123", "0.1000000000000000055511151231257827", "-0", "1E+2"])
        #expect(value[0]?.int64Value == 9_007_199_254_740_993)
        #expect(value[1]?.int64Value == nil)
        #expect(value.jsonString() == text)
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let value = try JSONValue(parsing: #""a\"b\\c\/d\b\f\n\r\t\u00e9\ud83d\ude80""#)
        #expect(value == .string("a\"b\\c/d\u{08}\u{0C}\n\r\té🚀"))
    }

    @Test func keepsRawUnicode() throws {
        #expect(try JSONValue(parsing: "\"Zoë 🚀 カート\"") == .string("Zoë 🚀 カート"))
    }

    @Test(arguments: [
        (#"{"a":[1,}"#, "/a/1", 8),
        (#"{"a":tru}"#, "/a", 5),
        (#"{"a" 1}"#, "/a", 5),
        (#"[1 2]"#, "", 3),
        (#"{"a":1}x"#, "", 7),
        (#"{"a":01}"#, "/a", 5),
        (#"{"a":1.}"#, "/a", 5),
        (#"{"a":"x"#, "/a", 5),
        ("{\"a\":\"x\ty\"}", "/a", 7),
        (#"{"a":"\x"}"#, "/a", 7),
        (#"{"a":"\u12"}"#, "/a", 10),
        (#"// comment"#, "", 0),
        ("", "", 0),
        (#"{a:1}"#, "", 1),
    ])
    func reportsSyntaxErrorsWithPointerAndOffset(input: String, pointer: String, offset: Int) {
        #expect {
            _ = try JSONValue(parsing: input)
        } throws: { error in
            guard let error = error as? JSONParsingError else { return false }
            return error.code == .invalidSyntax && error.pointer == pointer && error.byteOffset == offset
        }
    }

    @Test func refusesDuplicateKeys() {
        #expect {
            _ = try JSONValue(parsing: #"{"v":{"UUID":"a","UUID":"b"}}"#)
        } throws: { error in
            (error as? JSONParsingError).map { $0.code == .duplicateKey && $0.pointer == "/v/UUID" } ?? false
        }
    }

    /// Members are collected before their object's dictionary is built: a repeated name is still
    /// refused at its second occurrence, in big objects, in nested ones and after nested ones, and
    /// objects parsed after a nested one keep their own members.
    @Test func refusesDuplicateKeysAtTheirSecondOccurrence() throws {
        let many = (0..<40).map { #""k\#($0)":\#($0)"# }.joined(separator: ",")
        let text = #"{"a":{"x":1,"y":{"z":2}},"#  + many + #","k17":0}"#
        #expect {
            _ = try JSONValue(parsing: text)
        } throws: { error in
            guard let error = error as? JSONParsingError else { return false }
            return error.code == .duplicateKey && error.pointer == "/k17" && error.byteOffset == text.utf8.count - 8
        }
        let nested = try JSONValue(parsing: #"{"a":{"b":{"c":1},"d":2},"e":{"f":3},"g":[{"h":4},{"h":5}]}"#)
        #expect(nested == ["a": ["b": ["c": 1], "d": 2], "e": ["f": 3], "g": [["h": 4], ["h": 5]]])
    }

    /// The byte-compared check (a filter of name signatures, then pairs): for
    /// every size up to the pairwise limit and every pair of positions, the
    /// repeated name is refused at its second occurrence, and distinct names
    /// that share a length and first and last bytes are not mistaken for it.
    @Test func everyRepeatedNameIsFoundWhateverItsPlace() throws {
        for count in 2...64 {
            let names = (0..<count).map { "name-\(String(repeating: "x", count: $0 % 3))-\($0 * 7919 % 1000)-end" }
            let distinct = "{" + names.map { #""\#($0)":1"# }.joined(separator: ",") + "}"
            #expect(throws: Never.self) { _ = try JSONTape(bytes: Array(distinct.utf8)) }
            for second in stride(from: 1, to: count, by: max(1, count / 9)) {
                for first in stride(from: 0, to: second, by: max(1, second / 5)) {
                    var members = names
                    members[second] = names[first]
                    let text = "{" + members.map { #""\#($0)":1"# }.joined(separator: ",") + "}"
                    #expect {
                        _ = try JSONTape(bytes: Array(text.utf8))
                    } throws: { error in
                        guard let error = error as? JSONParsingError else { return false }
                        return error.code == .duplicateKey && error.pointer == "/" + names[first]
                    }
                }
            }
        }
    }

    @Test func refusesInvalidUTF8() {
        let bytes: [UInt8] = Array(#"{"name":"ab"#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
        #expect {
            _ = try JSONValue(parsing: bytes)
        } throws: { error in
            (error as? JSONParsingError).map { $0.code == .invalidUTF8 && $0.pointer == "/name" } ?? false
        }
    }

    @Test(arguments: [#""\ud83d""#, #""\ude80""#, #""\ud83dx""#, #""\ud83d\u0041""#])
    func refusesLoneSurrogates(input: String) {
        #expect(throws: JSONParsingError.self) { try JSONValue(parsing: input) }
        do {
            _ = try JSONValue(parsing: input)
        } catch {
            #expect(error.code == .invalidUTF8)
        }
    }

    @Test func boundsNesting() throws {
        let deep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        #expect(throws: JSONParsingError.self) { try JSONValue(parsing: deep) }
        do {
            _ = try JSONValue(parsing: deep)
        } catch {
            #expect(error.code == .nestingTooDeep)
            #expect(error.pointer == "/" + Array(repeating: "0", count: 64).joined(separator: "/"))
        }
        let allowed = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(try JSONValue(parsing: allowed).nestingDepth == 64)
        #expect(try JSONValue(parsing: deep, options: JSONParsingOptions(maxDepth: 65)).nestingDepth == 65)
    }

    @Test func boundsSize() {
        let big = "[" + String(repeating: "1,", count: 100) + "1]"
        do {
            _ = try JSONValue(parsing: big, options: JSONParsingOptions(maxBytes: 100))
            Issue.record("expected inputTooLarge")
        } catch {
            #expect(error.code == .inputTooLarge)
            #expect(error.description.contains("above the limit of 100"))
        }
    }

    @Test func parsesFromDataAndNonContiguousBytes() throws {
        let text = #"{"a":[1,2]}"#
        #expect(try JSONValue(parsing: Data(text.utf8)) == ["a": [1, 2]])
        #expect(try JSONValue(parsing: text.utf8.reversed().reversed()) == ["a": [1, 2]])
    }

    @Test func pointerEscapesKeys() {
        #expect {
            _ = try JSONValue(parsing: #"{"a/b":{"c~d":[x]}}"#)
        } throws: { error in
            (error as? JSONParsingError)?.pointer == "/a~1b/c~0d/0"
        }
    }
}
