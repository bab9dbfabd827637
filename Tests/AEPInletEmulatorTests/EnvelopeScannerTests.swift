@testable import AEPInletEmulator
import ChatlioAEPSupport
import ChatlioJSON
import Testing

/// The byte scanner against the tree: the same fields, the same refusals, the same
/// JSON accepted and refused as ChatlioJSON's parser, on fixtures and on seeded random
/// envelopes (members missing or of the wrong type, escaped and unicode strings,
/// braces and quotes inside strings, random whitespace).
@Suite("EnvelopeScanner: XDM envelopes read from bytes")
struct EnvelopeScannerTests {
    static let check = EnvelopeCheck(inletID: "inlet-1", imsOrgID: "ORG@AdobeOrg")

    /// The envelope checks as they were written over trees before the scanner: the oracle.
    static func treeOracle(_ message: JSONValue) -> Result<(schemaID: String, datasetID: String, flowID: String?, id: String?), EnvelopeFailure> {
        let prefix = check.prefix
        func unknownFormat(_ detail: String) -> EnvelopeFailure {
            EnvelopeFailure(message: "\(prefix) Message has unknown xdm format (emulator: \(detail))")
        }
        guard case .object(let object) = message else { return .failure(unknownFormat("the message is not a JSON object")) }
        guard let header = object["header"]?.objectValue else {
            return .failure(EnvelopeFailure(message: "The 'header' field is mandatory. Please provide a header and resend the message."))
        }
        guard let schemaID = header["schemaRef"]?["id"]?.stringValue, !schemaID.isEmpty else { return .failure(unknownFormat("header.schemaRef.id is missing")) }
        if let contentType = header["schemaRef"]?["contentType"], contentType.stringValue == nil {
            return .failure(unknownFormat("header.schemaRef.contentType is not a string"))
        }
        if let org = header["imsOrgId"], org.stringValue != "ORG@AdobeOrg" {
            return .failure(EnvelopeFailure(message: "\(prefix) Message has an absent or wrong ims org in the header"))
        }
        guard let datasetID = header["datasetId"]?.stringValue, !datasetID.isEmpty else {
            return .failure(EnvelopeFailure(message: "\(prefix) Message has an absent or invalid dataset id (emulator: header.datasetId must be a non-empty string)"))
        }
        if let flowID = header["flowId"], flowID.stringValue?.isEmpty ?? true {
            return .failure(EnvelopeFailure(message: "\(prefix) Message has an absent or wrong flow id in the header (emulator: header.flowId is not a non-empty string)"))
        }
        guard let body = object["body"]?.objectValue else { return .failure(unknownFormat("body is missing")) }
        guard let metaSchemaID = body["xdmMeta"]?["schemaRef"]?["id"]?.stringValue else { return .failure(unknownFormat("body.xdmMeta.schemaRef.id is missing")) }
        guard metaSchemaID == schemaID else { return .failure(unknownFormat("body.xdmMeta.schemaRef.id differs from header.schemaRef.id")) }
        guard let entity = body["xdmEntity"], entity.objectValue != nil else { return .failure(unknownFormat("body.xdmEntity is missing or not an object")) }
        return .success((schemaID, datasetID, header["flowId"]?.stringValue, entity["_id"]?.stringValue))
    }

    static func scanSingle(_ bytes: [UInt8]) -> EnvelopeScanner.Message? {
        bytes.withUnsafeBytes { EnvelopeScanner.scanSingle($0) }
    }

    static func scanBatch(_ bytes: [UInt8]) -> [EnvelopeScanner.Message]? {
        bytes.withUnsafeBytes { EnvelopeScanner.scanBatch($0) }
    }

    static func parse(_ bytes: [UInt8]) -> JSONValue? {
        try? JSONValue(parsing: bytes, options: JSONParsingOptions(maxBytes: 1 << 24, maxDepth: 128))
    }

    /// Scanner and tree agree on one message's bytes: fields, ranges, the check's answer, the oracle's.
    static func expectAgreement(_ bytes: [UInt8], _ context: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let tree = parse(bytes)
        let scanned = scanSingle(bytes)
        #expect((tree == nil) == (scanned == nil), "parser and scanner disagree on whether this is JSON: \(context)", sourceLocation: sourceLocation)
        guard let tree, let scanned else { return }
        #expect(scanned.fields == EnvelopeFields(tree: tree), "\(context)", sourceLocation: sourceLocation)
        #expect(parse(Array(bytes[scanned.range])) == tree, "\(context)", sourceLocation: sourceLocation)
        if let entityRange = scanned.entityRange {
            #expect(parse(Array(bytes[entityRange])) == tree["body"]?["xdmEntity"], "\(context)", sourceLocation: sourceLocation)
        } else {
            #expect(tree["body"]?["xdmEntity"]?.objectValue == nil, "\(context)", sourceLocation: sourceLocation)
        }
        let fromBytes = check.check(scanned.fields)
        switch (treeOracle(tree), fromBytes) {
        case (.failure(let expected), .failure(let actual)):
            #expect(actual == expected, "\(context)", sourceLocation: sourceLocation)
        case (.success(let expected), .success(let actual)):
            #expect(actual.schemaID == expected.schemaID && actual.datasetID == expected.datasetID, "\(context)", sourceLocation: sourceLocation)
            #expect(actual.flowID == expected.flowID && actual.id == expected.id, "\(context)", sourceLocation: sourceLocation)
        case (let expected, let actual):
            Issue.record("tree \(expected) but bytes \(actual): \(context)", sourceLocation: sourceLocation)
        }
    }

    // MARK: - Fixtures

    @Test(arguments: [
        #"{"header":{"schemaRef":{"id":"s"},"datasetId":"d"}}"#,
        #"{"header":{"schemaRef":{"id":"s"},"datasetId":"d"},"body":{"xdmMeta":{"schemaRef":{"id":"s"}}}}"#,
        #"{"header":{"schemaRef":{"id":"s"},"datasetId":"d"},"body":{"xdmEntity":{}}}"#,
        #"{"header":{"schemaRef":{"id":"s"},"datasetId":"d"},"body":{"xdmMeta":{"schemaRef":{"id":"t"}},"xdmEntity":{}}}"#,
        #"{"header":{"msgType":"xdmEntityCreate","xdmSchema":{"name":"_xdm.context.experienceevent"}},"body":{}}"#,
        #"{"header":{"schemaRef":{"id":"s"}},"body":{"xdmMeta":{"schemaRef":{"id":"s"}},"xdmEntity":{}}}"#,
        #"{"header":{"schemaRef":{"id":"s"},"datasetId":"d","imsOrgId":"OTHER@AdobeOrg"},"body":{"xdmMeta":{"schemaRef":{"id":"s"}},"xdmEntity":{}}}"#,
        #"{"body":{"xdmEntity":{}}}"#,
        "[1,2]",
        #""just a string""#,
        #"{"header":{"schemaRef":{"id":"s","contentType":5},"datasetId":"d"},"body":{"xdmMeta":{"schemaRef":{"id":"s"}},"xdmEntity":{"_id":"x"}}}"#,
        #"{"header":{"schemaRef":{"id":"s"},"datasetId":"d","flowId":""},"body":{"xdmMeta":{"schemaRef":{"id":"s"}},"xdmEntity":{"_id":"x"}}}"#,
        #"{"header":{"schemaRef":{"id":"s"},"datasetId":"d","flowId":7},"body":{"xdmMeta":{"schemaRef":{"id":"s"}},"xdmEntity":{"_id":"x"}}}"#,
        #"{"header":{"schemaRef":"s","datasetId":"d"},"body":{"xdmMeta":{"schemaRef":{"id":"s"}},"xdmEntity":{"_id":"x"}}}"#,
        #"{"header":[],"body":{}}"#,
        #"{"header":{"schemaRef":{"id":"s"},"datasetId":"d"},"body":[]}"#,
        #"{"header":{"schemaRef":{"id":"s"},"datasetId":"d"},"body":{"xdmMeta":{"schemaRef":{"id":"s"}},"xdmEntity":[{"_id":"x"}]}}"#,
        #"{"header":{"schemaRef":{"id":"s"},"datasetId":"d","imsOrgId":"ORG@AdobeOrg","flowId":"f","source":{"name":"n"}},"body":{"xdmMeta":{"schemaRef":{"id":"s"}},"xdmEntity":{"_id":7}}}"#,
        #"{"\u0068eader":{"schemaRef":{"\u0069d":"s\u00e9"},"datasetId":"d\"}{"},"body":{"xdmMeta":{"schemaRef":{"id":"s\u00E9"}},"xdmEntity":{"_id":"a\\b\/\ud83d\ude00","n":{"_id":"inner"}}}}"#,
        #"{"header":{"schemaRef":{"id":"caf\u00e9"},"datasetId":"d"},"body":{"xdmMeta":{"schemaRef":{"id":"cafe\u0301"}},"xdmEntity":{}}}"#,
    ])
    func fixturesAgreeWithTheTree(json: String) {
        Self.expectAgreement(Array(json.utf8), json)
    }

    @Test func testSupportEnvelopesAgree() {
        for id in ["e1", "", "with \"quotes\" and {braces}", "ünïcödé 😀", "\u{212A}"] {
            Self.expectAgreement(Fixture.envelope(id: id).serialized(), id)
            Self.expectAgreement(Fixture.envelope(id: id).serialized(sortedKeys: true), id)
        }
    }

    /// What the parser refuses, the scanner refuses (so the handler answers from the tree).
    @Test(arguments: [
        "", " ", "{", "}", #"{"a"}"#, #"{"a":}"#, #"{"a":1,}"#, "[1,]", #"{"a":1 "b":2}"#, "nul", "tru", "falsey",
        "01", "1.", "-", "1e", "1e+", "+1", ".5", "1.5e-3x", "--1", "0x10",
        #"{"a":1,"a":2}"#, #"{"header":{"datasetId":"d","datasetId":"e"}}"#, #"{"b":{"x":{"y":1,"y":1}}}"#,
        #"{"\u00e9":1,"é":2}"#, #"{"K":1,"\u212A":2}"#, #"{"é":1,"e\u0301":2}"#,
        #"["\ud800"]"#, #"["\udc00"]"#, #"["\ud800\u0041"]"#, #"["\ud800x"]"#, #"["\u12"]"#, #"["\x"]"#, #"["\"#,
        "\"a\u{01}b\"", "[1] [2]", "{}{}", "\"unterminated",
    ])
    func malformedJSONIsRefusedLikeTheParser(json: String) {
        let bytes = Array(json.utf8)
        #expect(Self.parse(bytes) == nil, "the parser took \(json)")
        #expect(Self.scanSingle(bytes) == nil, "the scanner took \(json)")
        #expect(Self.scanBatch(Array(#"{"messages":["#.utf8) + bytes + Array("]}".utf8)) == nil, "\(json)")
    }

    @Test func invalidUTF8IsRefusedLikeTheParser() {
        let cases: [[UInt8]] = [
            [0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80],
            [0xC3], [0xE2, 0x82], [0x80], [0xFF], [0xC3, 0x28], [0xF0, 0x9F, 0x98],
        ]
        for sequence in cases {
            let bytes = Array(#"{"a":""#.utf8) + sequence + Array(#""}"#.utf8)
            #expect(Self.parse(bytes) == nil, "\(sequence)")
            #expect(Self.scanSingle(bytes) == nil, "\(sequence)")
        }
        for valid in [[0xC3, 0xA9], [0xE2, 0x82, 0xAC], [0xF0, 0x9F, 0x98, 0x80], [0xEF, 0xBF, 0xBF], [0xF4, 0x8F, 0xBF, 0xBF]] as [[UInt8]] {
            let bytes = Array(#"{"a":""#.utf8) + valid + Array(#""}"#.utf8)
            #expect(Self.parse(bytes) != nil && Self.scanSingle(bytes) != nil, "\(valid)")
        }
    }

    @Test func nestingIsBoundedAtTheParsersDepth() {
        func nested(_ depth: Int) -> [UInt8] { Array((String(repeating: "[", count: depth) + String(repeating: "]", count: depth)).utf8) }
        #expect(Self.parse(nested(128)) != nil)
        #expect(Self.scanSingle(nested(128)) != nil)
        #expect(Self.parse(nested(129)) == nil)
        #expect(Self.scanSingle(nested(129)) == nil)
        // In a batch the messages array and the body object count too.
        let inBatch = { (depth: Int) in Array(#"{"messages":["#.utf8) + nested(depth) + Array("]}".utf8) }
        #expect((Self.parse(inBatch(126)) == nil) == (Self.scanBatch(inBatch(126)) == nil))
        #expect(Self.parse(inBatch(127)) == nil && Self.scanBatch(inBatch(127)) == nil)
    }

    @Test func batchShapesTheTreePathAnswersAreLeftToIt() {
        for json in [#"{"messages":[]}"#, #"{"items":[1]}"#, #"{"messages":{}}"#, "[]", #"{"messages":"x"}"#] {
            #expect(Self.scanBatch(Array(json.utf8)) == nil, "\(json)")
        }
    }

    @Test func batchSplitsIntoMessageRanges() throws {
        let messages: [JSONValue] = [Fixture.envelope(id: "a"), ["header": ["schemaRef": ["id": "s"], "datasetId": "d"]], 5, "text", Fixture.envelope(id: "c")]
        let bytes = Fixture.batch(messages).serialized()
        let scanned = try #require(Self.scanBatch(bytes))
        #expect(scanned.count == messages.count)
        for (index, message) in scanned.enumerated() {
            #expect(Self.parse(Array(bytes[message.range])) == messages[index])
            #expect(message.fields == EnvelopeFields(tree: messages[index]))
        }
    }

    // MARK: - Randomized

    @Test(arguments: 0..<8)
    func randomEnvelopesAgreeWithTheTree(seed: UInt64) {
        var random = RandomEnvelopes(seed: seed)
        for round in 0..<150 {
            let message = random.envelope()
            let text = random.write(message)
            Self.expectAgreement(Array(text.utf8), "seed \(seed) round \(round): \(text)")
        }
    }

    @Test(arguments: 0..<4)
    func randomBatchesSplitLikeTheTree(seed: UInt64) throws {
        var random = RandomEnvelopes(seed: 100 + seed)
        for round in 0..<20 {
            let messages = (0..<random.int(1, 12)).map { _ in random.envelope() }
            let text = random.write(["messages": .array(messages), "extra": random.scalar()])
            let bytes = Array(text.utf8)
            let tree = try #require(Self.parse(bytes), "\(text)")
            let scanned = try #require(Self.scanBatch(bytes), "seed \(seed) round \(round): \(text)")
            let parsedMessages = tree["messages"]?.arrayValue ?? []
            #expect(scanned.count == parsedMessages.count)
            for (message, expected) in zip(scanned, parsedMessages) {
                #expect(Self.parse(Array(bytes[message.range])) == expected)
                #expect(message.fields == EnvelopeFields(tree: expected), "\(text)")
            }
        }
    }

    /// Random damage to valid envelopes: the scanner refuses exactly what the parser refuses.
    @Test(arguments: 0..<6)
    func randomDamageIsRefusedLikeTheParser(seed: UInt64) {
        var random = RandomEnvelopes(seed: 1000 + seed)
        let tricky: [UInt8] = [0x22, 0x5C, 0x7B, 0x7D, 0x5B, 0x5D, 0x2C, 0x3A, 0x01, 0x0A, 0xFF, 0xC3, 0xED, 0x80, 0x30, 0x2D, 0x65, 0x75]
        for round in 0..<200 {
            var bytes = Array(random.write(random.envelope()).utf8)
            switch random.int(0, 4) {
            case 0: bytes.removeLast(random.int(1, min(bytes.count, 40)))
            case 1: bytes.insert(tricky[random.int(0, tricky.count)], at: random.int(0, bytes.count + 1))
            case 2: bytes.remove(at: random.int(0, bytes.count))
            default:
                let at = random.int(0, bytes.count)
                bytes.replaceSubrange(at..<at, with: Array(#""_id":1,"_id":2,"#.utf8))
            }
            Self.expectAgreement(bytes, "seed \(seed) round \(round): \(String(decoding: bytes, as: UTF8.self))")
        }
    }
}

/// Seeded random envelopes and a JSON writer that escapes and spaces at random.
struct RandomEnvelopes {
    private var source: SplitMix64

    init(seed: UInt64) { source = SplitMix64(seed: seed &* 0x9E37_79B9_7F4A_7C15 &+ 1) }

    mutating func next() -> UInt64 { source.next() }

    /// In `low..<high`.
    mutating func int(_ low: Int, _ high: Int) -> Int { low + Int(next() % UInt64(max(high - low, 1))) }
    mutating func chance(_ percent: Int) -> Bool { int(0, 100) < percent }

    mutating func text() -> String {
        let pieces = ["a", "id", "s", "{", "}", "[", "]", "\"", "\\", ":", ",", " ", "é", "e\u{301}", "😀", "\u{212A}", "\n", "\t", "\u{01}", "\u{7F}", "/", "\u{FFFF}", "\u{2028}"]
        return (0..<int(0, 6)).map { _ in pieces[int(0, pieces.count)] }.joined()
    }

    mutating func scalar() -> JSONValue {
        switch int(0, 7) {
        case 0: return .null
        case 1: return .bool(chance(50))
        case 2: return .number(JSONNumber(int(-1000, 1000)))
        case 3: return .number(JSONNumber(text: ["0.5", "-1e-7", "123456789012345678901234567890", "1E+2", "-0"][int(0, 5)]) ?? JSONNumber(0))
        default: return .string(text())
        }
    }

    mutating func value(depth: Int = 0) -> JSONValue {
        guard depth < 4, chance(40) else { return scalar() }
        if chance(50) { return .array((0..<int(0, 4)).map { _ in value(depth: depth + 1) }) }
        var object: JSONObject = [:]
        for _ in 0..<int(0, 4) { object[text()] = value(depth: depth + 1) }
        return .object(object)
    }

    /// `good`, missing (`nil`), or some other value of another type.
    mutating func member(_ good: JSONValue, missing: Int = 10, wrong: Int = 10) -> JSONValue? {
        let roll = int(0, 100)
        if roll < missing { return nil }
        if roll < missing + wrong { return chance(50) ? scalar() : value(depth: 2) }
        return good
    }

    mutating func envelope() -> JSONValue {
        if chance(3) { return value() }
        let schema: JSONValue = .string(chance(80) ? "https://ns.adobe.com/acme/schemas/chat" : text())
        var schemaRef: JSONObject = [:]
        schemaRef["id"] = member(schema)
        schemaRef["contentType"] = member("application/vnd.adobe.xed-full+json;version=1", missing: 30)
        var header: JSONObject = [:]
        header["schemaRef"] = member(.object(schemaRef), missing: 5, wrong: 5)
        header["imsOrgId"] = member(chance(70) ? "ORG@AdobeOrg" : .string(text()), missing: 50)
        header["datasetId"] = member(chance(90) ? "5f0000000000000000000001" : "", missing: 8)
        header["flowId"] = member(chance(80) ? "flow-1" : .string(text()), missing: 50)
        header["source"] = member(["name": chance(80) ? "tests" : value()], missing: 30)
        if chance(20) { header[text()] = value() }
        var entity: JSONObject = [:]
        entity["_id"] = member(.string("evt-" + text()), missing: 10, wrong: 10)
        for _ in 0..<int(0, 5) { entity[text()] = value(depth: 1) }
        var meta: JSONObject = [:]
        meta["schemaRef"] = member(["id": member(chance(90) ? schema : .string(text()), missing: 5) ?? .null], missing: 5, wrong: 5)
        var body: JSONObject = [:]
        body["xdmMeta"] = member(.object(meta), missing: 5, wrong: 5)
        body["xdmEntity"] = member(.object(entity), missing: 5, wrong: 5)
        var message: JSONObject = [:]
        message["header"] = member(.object(header), missing: 4, wrong: 4)
        message["body"] = member(.object(body), missing: 4, wrong: 4)
        if chance(20) { message[text()] = value() }
        return .object(message)
    }

    // MARK: Writing

    mutating func write(_ value: JSONValue) -> String {
        var out = space()
        write(value, into: &out)
        return out + space()
    }

    private mutating func space() -> String {
        guard chance(30) else { return "" }
        return [" ", "\n", "\t", "\r\n", "  "][int(0, 5)]
    }

    private mutating func write(_ value: JSONValue, into out: inout String) {
        switch value {
        case .null: out += "null"
        case .bool(let bool): out += bool ? "true" : "false"
        case .number(let number): out += number.description
        case .string(let string): writeString(string, into: &out)
        case .array(let array):
            out += "[" + space()
            for (index, element) in array.enumerated() {
                if index > 0 { out += space() + "," + space() }
                write(element, into: &out)
            }
            out += space() + "]"
        case .object(let object):
            out += "{" + space()
            for (index, (key, member)) in object.enumerated() {
                if index > 0 { out += space() + "," + space() }
                writeString(key, into: &out)
                out += space() + ":" + space()
                write(member, into: &out)
            }
            out += space() + "}"
        }
    }

    private mutating func writeString(_ string: String, into out: inout String) {
        out += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += chance(50) ? "\\n" : "\\u000a"
            case "\t": out += chance(50) ? "\\t" : "\\u0009"
            case "/" where chance(50): out += "\\/"
            default:
                if scalar.value < 0x20 {
                    out += "\\u" + hex(scalar.value)
                } else if chance(15) {
                    if scalar.value > 0xFFFF {
                        let value = scalar.value - 0x10000
                        out += "\\u" + hex(0xD800 + (value >> 10)) + "\\u" + hex(0xDC00 + (value & 0x3FF))
                    } else {
                        out += "\\u" + hex(scalar.value)
                    }
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }

    private mutating func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: chance(50))
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
