@_spi(ChatlioAEPInternal) @testable import ChatlioJSON
import ChatlioAEPSupport
import Foundation
import Testing

/// The tape (the module's one grammar, behind `JSONValue(parsing:)` too)
/// against `ReferenceTreeParser`, its oracle: every document gives the
/// reference's value, every bad input the reference's error.
@Suite struct JSONTapeTests {
    static let payloadDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Examples/Payloads")

    static let samples: [URL] = {
        let kinds = (try? FileManager.default.contentsOfDirectory(atPath: payloadDirectory.path)) ?? []
        return kinds.sorted().flatMap { kind -> [URL] in
            let folder = payloadDirectory.appendingPathComponent(kind)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            return names.filter { $0.hasSuffix(".json") }.sorted().map { folder.appendingPathComponent($0) }
        }
    }()

    @Test func findsTheTwentySamples() {
        #expect(Self.samples.count == 20)
    }

    @Test(arguments: samples)
    func sampleValueIsTheParsersValue(_ file: URL) throws {
        let data = try Data(contentsOf: file)
        let tape = try JSONTape(parsing: data)
        #expect(tape.value(at: 0) == (try ReferenceTreeParser.parse([UInt8](data), options: .default)))
        // The same document compact, as the benchmarks and Chatlio send it.
        let compact = try JSONValue(parsing: data).serialized()
        #expect(try JSONTape(bytes: compact).value(at: 0) == (try ReferenceTreeParser.parse(compact, options: .default)))
    }

    @Test func indexesEveryValueTypeWithItsRange() throws {
        let text = #" {"s":"x\n","i":-12,"d":1.5e3,"t":true,"f":false,"n":null,"a":[1,[2]],"o":{}} "#
        let tape = try JSONTape(bytes: Array(text.utf8))
        let kinds = tape.entries.map(\.kind)
        #expect(kinds == [.object, .string, .string, .string, .number, .string, .number, .string, .true, .string, .false,
                          .string, .null, .string, .array, .number, .array, .number, .string, .object])
        #expect(tape.entries[0].count == 8)
        #expect(tape.entries[0].next == UInt32(tape.entries.count))
        #expect(tape.entries[2].hasEscapes)
        #expect(!tape.entries[1].hasEscapes && tape.entries[1].isPlainASCII)
        #expect(tape.entries[14].count == 2 && tape.entries[14].next == 18)
        #expect(tape.skip(14) == 18)
        #expect(tape.string(at: 2) == "x\n")
        #expect(tape.number(at: 6).text == "1.5e3")
        #expect(tape.typeName(at: 4) == "integer" && tape.typeName(at: 6) == "number")
        #expect(Array(tape.memberNames(ofObjectAt: 0)) == [1, 3, 5, 7, 9, 11, 13, 18])
        #expect(Array(tape.elements(ofArrayAt: 14)) == [15, 16])
        #expect(Array(tape.elements(ofArrayAt: 19)).isEmpty && Array(tape.memberNames(ofObjectAt: 19)).isEmpty)
    }

    @Test func comparesMemberNamesAsStringsDo() throws {
        // "\u0055UID" is "UUID"; the Kelvin sign is canonically equivalent to "K".
        let tape = try JSONTape(bytes: Array(#"{"\u0055UID":1,"UUID2":2,"\#u{212A}ey":3,"key":4}"#.utf8))
        #expect(tape.key(at: 1, equals: "UUID"))
        #expect(!tape.key(at: 3, equals: "UUID"))
        #expect(tape.key(at: 5, equals: "Key"))
        #expect(tape.key(at: 7, equals: "key") && !tape.key(at: 7, equals: "kez") && !tape.key(at: 7, equals: "ke"))
    }

    @Test func keepsExactNumberText() throws {
        let text = #"[9007199254740993,12345678901234567890123,0.1000000000000000055511151231257827,-0,1E+2,2e-7]"#
        let tape = try JSONTape(bytes: Array(text.utf8))
        #expect(tape.value(at: 0) == (try ReferenceTreeParser.parse(Array(text.utf8), options: .default)))
        #expect(tape.value(at: 0).jsonString() == text)
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let text = #""a\"b\\c\/d\b\f\n\r\t\u00e9\ud83d\ude80\u0000\u20AC""#
        #expect(try JSONTape(bytes: Array(text.utf8)).value(at: 0) == (try ReferenceTreeParser.parse(Array(text.utf8), options: .default)))
        #expect(try JSONTape(bytes: Array(text.utf8)).value(at: 0) == .string("a\"b\\c/d\u{08}\u{0C}\n\r\té🚀\u{0}€"))
    }

    // MARK: Bad input

    static let badSyntax: [String] = [
        #"{"a":[1,}"#, #"{"a":tru}"#, #"{"a" 1}"#, #"[1 2]"#, #"{"a":1}x"#, #"{"a":01}"#, #"{"a":1.}"#, #"{"a":"x"#,
        "{\"a\":\"x\ty\"}", #"{"a":"\x"}"#, #"{"a":"\u12"}"#, #"// comment"#, "", #"{a:1}"#, "{", "[", "[1,", #"{"a""#,
        #"{"a":"#, #"{"a":1,"#, #"{"a":1,}"#, #"{"a":1 "b":2}"#, "[1]]", "  ", "-", "1e", "+1", ".5", "nul", "truex",
    ]
    static let badNames: [String] = [
        #"{"v":{"UUID":"a","UUID":"b"}}"#, #"{"a":1,"b":2,"a":3}"#, #"{"\u0061":1,"a":2}"#, #"{"K":1,"\#u{212A}":2}"#,
        #"{"é":1,"e\#u{301}":2}"#, #"[{"x":1},{"y":[{"z":1,"z":2}]}]"#, #"{"a":{"b":1,"b":{"c":1,"c":2}}}"#,
        #"{"k\"":1,"k\"":2}"#,
    ]
    static let badEscapes: [String] = [
        #""\ud800""#, #""\udc00x""#, #""\ud800\u0041""#, #""\ud800\u12""#, #""\ud83d\ude""#, #""\u00e9"#, #""abc\"#,
        #"{"a":"\ud800","b":1,}"#, #"["\z","#, "\"\u{7F}\u{1F}\"",
    ]
    static let tooDeep: [String] = [
        String(repeating: "[", count: 65) + String(repeating: "]", count: 65),
        "{\"a\":" + String(repeating: "[", count: 64) + String(repeating: "]", count: 64) + "}",
        String(repeating: #"{"a":"#, count: 70),
    ]
    static let badBytes: [[UInt8]] = [
        Array(#"{"name":"ab"#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8),
        Array(#"{"n\#u{e9}":""#.utf8) + [0xFF] + Array(#""}"#.utf8),
        Array(#"[""#.utf8) + [0xED, 0xA0, 0x80] + Array(#""]"#.utf8),
        Array(#"[""#.utf8) + [0xF4, 0x90, 0x80, 0x80] + Array(#""]"#.utf8),
        Array(#"[""#.utf8) + [0xC0, 0xAF] + Array(#"\n"]"#.utf8),
        Array(#"[""#.utf8) + [0xE2, 0x82] + Array(#"\x"]"#.utf8),
        Array(#"[""#.utf8) + [0xE2, 0x82] + Array(#"\u20ac"#.utf8),
        Array(#"[""#.utf8) + [0xE2, 0x82] + Array("\u{1}\"]".utf8),
        Array(#"{"a":1}"#.utf8) + [0],
        [0xEF, 0xBB, 0xBF] + Array("{}".utf8),
    ]
    static let badInputs: [[UInt8]] = (badSyntax + badNames + badEscapes + tooDeep).map { Array($0.utf8) } + badBytes

    @Test(arguments: badInputs)
    func badInputFailsAsTheParserFails(_ input: [UInt8]) {
        expectSameOutcome(input, options: .default)
    }

    @Test func limitsAreTheParsers() {
        expectSameOutcome(Array(#"{"a":[[1]]}"#.utf8), options: JSONParsingOptions(maxBytes: 1 << 20, maxDepth: 2))
        expectSameOutcome(Array(#"{"a":[[1]]}"#.utf8), options: JSONParsingOptions(maxBytes: 1 << 20, maxDepth: 3))
        expectSameOutcome(Array(#"{"a":[[1]]}"#.utf8), options: JSONParsingOptions(maxBytes: 5, maxDepth: 64))
        expectSameOutcome(Array(#"{"a":1}"#.utf8), options: JSONParsingOptions(maxBytes: 7, maxDepth: 64))
    }

    /// Big objects check names through a set; the second occurrence is still the one refused.
    @Test func refusesDuplicatesInBigObjectsAtTheSecondOccurrence() {
        let many = (0..<100).map { #""k\#($0)":\#($0)"# }.joined(separator: ",")
        expectSameOutcome(Array(("{" + many + #","k17":0,"k3":1}"#).utf8), options: .default)
        expectSameOutcome(Array(("{" + many + "}").utf8), options: .default)
        let mixed = (0..<10).map { #""k\#($0)":\#($0)"# }.joined(separator: ",")
        expectSameOutcome(Array(("{" + mixed + #","\u006b4":0}"#).utf8), options: .default)
    }

    /// Names are checked as they are read, but refused as the parser refuses them: once the
    /// object has parsed (a later syntax error wins), at the earliest second occurrence, inner
    /// objects first.
    @Test func duplicatesFoundWhileReadingAreRefusedWhereTheParserRefusesThem() {
        for text in [
            #"{"a":1,"b":2,"b":3,"a":4}"#, #"{"a":1,"a":2,"b":}"#, #"{"a":1,"a":2,"b":3"#,
            #"{"a":{"x":1,"x":2},"a":1}"#, #"{"a":1,"\u0061":2,"a":3}"#, #"{"é":1,"\u00e9":2}"#,
            #"[{"a":1},{"a":2},{"b":1,"b":1}]"#,
        ] {
            expectSameOutcome(Array(text.utf8), options: .default)
        }
        // Names of one to seven bytes are read as the word that ends with them, or byte by
        // byte where the document starts too close: a repeat is found either way.
        for length in 1...7 {
            let short = (0..<6).map { String(repeating: Character(UnicodeScalar(UInt8(ascii: "a") + UInt8($0))), count: length) }
            for repeated in 0..<short.count {
                let members = short.map { #""\#($0)":1"# } + [#""\#(short[repeated])":2"#]
                expectSameOutcome(Array(("{" + members.joined(separator: ",") + "}").utf8), options: .default)
                expectSameOutcome(Array(("{" + members.dropLast().joined(separator: ",") + "}").utf8), options: .default)
            }
        }
    }

    /// Random documents with random damage: the tape and the parser agree on
    /// every one, value or error.
    @Test func agreesWithTheParserOnRandomDocumentsAndDamage() {
        var random = TestRandom(seed: 0x7A9E)
        for _ in 0..<3000 {
            let value = random.value(depth: 0)
            let text = random.text(of: value)
            expectSameOutcome(text, options: .default)
            var damaged = text
            switch random.next(6) {
            case 0 where !damaged.isEmpty: damaged.removeLast(random.next(damaged.count) + 1)
            case 1 where !damaged.isEmpty: damaged[random.next(damaged.count)] = random.element(of: Self.interestingBytes)
            case 2: damaged.insert(random.element(of: Self.interestingBytes), at: random.next(damaged.count + 1))
            case 3 where !damaged.isEmpty: damaged.remove(at: random.next(damaged.count))
            case 4: damaged = Array(damaged.prefix(random.next(damaged.count + 1))) + Array(damaged.suffix(random.next(damaged.count + 1)))
            default: damaged[random.next(damaged.count)...].reverse()
            }
            expectSameOutcome(damaged, options: .default)
            expectSameOutcome(text, options: JSONParsingOptions(maxBytes: 1 << 20, maxDepth: random.next(4) + 1))
        }
    }

    static let interestingBytes: [UInt8] = Array(#"{}[],:"\u0123456789-+.eEtrufalsn /"#.utf8) + [0x00, 0x09, 0x0A, 0x1F, 0x7F, 0x80, 0xBF, 0xC2, 0xE0, 0xED, 0xF0, 0xF4, 0xFF]

    @Test func validatesUTF8AsStringDoes() {
        var random = TestRandom(seed: 0x0C7F)
        let pool: [UInt8] = [0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF]
        for _ in 0..<100_000 {
            let bytes = (0..<random.next(12)).map { _ in random.next(3) == 0 ? UInt8(random.next(256)) : random.element(of: pool) }
            let expected = String(validating: bytes, as: UTF8.self) != nil
            let actual = bytes.withUnsafeBytes { JSONUTF8.isValid($0) }
            #expect(actual == expected, "\(bytes)")
            if actual != expected { return }
        }
    }
}

/// Both readings of `input`: equal values, or the same error in every detail.
func expectSameOutcome(_ input: [UInt8], options: JSONParsingOptions, sourceLocation: SourceLocation = #_sourceLocation) {
    let parsed = Result { () throws(JSONParsingError) in try ReferenceTreeParser.parse(input, options: options) }
    let taped = Result { () throws(JSONParsingError) in try JSONTape(bytes: input, options: options) }
    let tree = Result { () throws(JSONParsingError) in try JSONValue(parsing: input, options: options) }
    #expect(tree == taped.map { $0.value(at: 0) }, "JSONValue(parsing:) is not the tape's value", sourceLocation: sourceLocation)
    let text = String(decoding: input, as: UTF8.self)
    switch (parsed, taped) {
    case (.success(let value), .success(let tape)):
        #expect(tape.value(at: 0) == value, "\(text)", sourceLocation: sourceLocation)
    case (.failure(let expected), .failure(let actual)):
        #expect(actual.code == expected.code && actual.byteOffset == expected.byteOffset && actual.pointer == expected.pointer
                && actual.reason == expected.reason, "\(text): parser \(expected), tape \(actual)", sourceLocation: sourceLocation)
    case (.success, .failure(let error)):
        Issue.record("\(text): the parser accepts it, the tape refuses it: \(error)", sourceLocation: sourceLocation)
    case (.failure(let error), .success):
        Issue.record("\(text): the parser refuses it (\(error)), the tape accepts it", sourceLocation: sourceLocation)
    }
}

/// Seeded random JSON: values with awkward names and strings, written with
/// random spacing and random (valid) escapes.
struct TestRandom {
    private var source: SplitMix64

    init(seed: UInt64) { source = SplitMix64(seed: seed) }

    mutating func next() -> UInt64 { source.next() }

    mutating func next(_ bound: Int) -> Int { bound <= 0 ? 0 : Int(next() % UInt64(bound)) }

    mutating func element<T>(of array: [T]) -> T { array[next(array.count)] }

    static let characters: [String] = [
        "a", "b", "z", "A", "Z", "0", "_", "-", " ", "~", "/", "\"", "\\", "\n", "\t", "\u{0}", "\u{1F}", "\u{7F}",
        "é", "e\u{301}", "\u{212A}", "K", "ß", "ü", "€", "カ", "🚀", "😊", "\u{FFFF}", "\u{10FFFF}", "\u{2028}",
    ]

    mutating func string(maxLength: Int) -> String {
        (0..<next(maxLength + 1)).map { _ in element(of: Self.characters) }.joined()
    }

    static let numbers = ["0", "-0", "1", "-12", "9007199254740993", "12345678901234567890123", "1.5", "1.50", "1e3", "1E+2", "2e-7", "-0.0", "3.14159e-10"]

    mutating func value(depth: Int) -> JSONValue {
        switch next(depth > 4 ? 5 : 8) {
        case 0: return .null
        case 1: return .bool(next(2) == 0)
        case 2: return .number(JSONNumber(text: element(of: Self.numbers)) ?? JSONNumber(0))
        case 3, 4: return .string(string(maxLength: 6))
        case 5: return .array((0..<next(5)).map { _ in value(depth: depth + 1) })
        default:
            var object = JSONObject()
            for _ in 0..<next(9) {
                let name = next(3) == 0 ? string(maxLength: 3) : element(of: ["a", "b", "ab", "aa", "B", "UUID", "name", "k", "é", "K"])
                object[name] = value(depth: depth + 1)
            }
            return .object(object)
        }
    }

    /// JSON text of `value`, members in dictionary order, with random whitespace and escapes.
    mutating func text(of value: JSONValue) -> [UInt8] {
        var out: [UInt8] = []
        write(value, to: &out)
        return out
    }

    private mutating func space(_ out: inout [UInt8]) {
        if next(4) == 0 { out += element(of: [[0x20], [0x0A], [0x09, 0x20], [0x0D, 0x0A]]) }
    }

    private mutating func write(_ value: JSONValue, to out: inout [UInt8]) {
        space(&out)
        switch value {
        case .array(let array):
            out.append(UInt8(ascii: "["))
            for (offset, element) in array.enumerated() {
                if offset > 0 { out.append(UInt8(ascii: ",")) }
                write(element, to: &out)
            }
            space(&out)
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            out.append(UInt8(ascii: "{"))
            for (offset, member) in object.enumerated() {
                if offset > 0 { out.append(UInt8(ascii: ",")) }
                space(&out)
                writeString(member.key, to: &out)
                space(&out)
                out.append(UInt8(ascii: ":"))
                write(member.value, to: &out)
            }
            space(&out)
            out.append(UInt8(ascii: "}"))
        case .string(let string):
            writeString(string, to: &out)
        default:
            out += value.serialized()
        }
        space(&out)
    }

    private mutating func writeString(_ string: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for scalar in string.unicodeScalars {
            let mustEscape = scalar.value < 0x20 || scalar == "\"" || scalar == "\\"
            if mustEscape || next(5) == 0 {
                switch (scalar, next(2)) {
                case ("\"", 0): out += Array(#"\""#.utf8)
                case ("\\", 0): out += Array(#"\\"#.utf8)
                case ("/", 0): out += Array(#"\/"#.utf8)
                case ("\n", 0): out += Array(#"\n"#.utf8)
                case ("\t", 0): out += Array(#"\t"#.utf8)
                default:
                    let units = Array(String(scalar).utf16)
                    for unit in units {
                        let hex = String(unit, radix: 16, uppercase: next(2) == 0)
                        out += Array(("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).utf8)
                    }
                }
            } else {
                out += Array(String(scalar).utf8)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
