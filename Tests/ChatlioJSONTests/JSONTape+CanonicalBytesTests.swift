@_spi(ChatlioAEPInternal) @testable import ChatlioJSON
import Foundation
import Testing

/// Canonical bytes over the tape against those over the tree, the form `_id` digests.
@Suite struct JSONTapeCanonicalBytesTests {
    @Test(arguments: JSONTapeTests.samples)
    func sampleCanonicalBytesAreTheTreesBytes(_ file: URL) throws {
        let data = try Data(contentsOf: file)
        let object = try #require(try JSONValue(parsing: data).objectValue)
        #expect(tapeCanonical(try JSONTape(parsing: data)) == treeCanonical(object))
        #expect(treeCanonical(object) == JSONValue.object(object).serialized(sortedKeys: true))
    }

    @Test func ordersNamesAsStringsDo() throws {
        // Precomposed and decomposed é, the Kelvin sign, escaped names, prefixes, names past eight bytes.
        let text = #"{"b":1,"a":2,"ab":3,"aa":4,"B":5,"é":6,"e\#u{301}x":7,"\#u{212A}a":8,"Kb":9,"\u0061c":10,"abcdefghij":11,"abcdefghi":12,"abcdefghik":13,"":14}"#
        let tape = try JSONTape(bytes: Array(text.utf8))
        let object = try #require(try JSONValue(parsing: text).objectValue)
        #expect(tapeCanonical(tape) == treeCanonical(object))
        let plain = #"{"b":1,"a":2,"ab":3,"aa":4,"B":5,"abcdefghij":11,"abcdefghi":12,"abcdefghik":13,"":14,"z~":0,"z":{}}"#
        #expect(String(decoding: tapeCanonical(try JSONTape(bytes: Array(plain.utf8))), as: UTF8.self)
                == #"{"":14,"B":5,"a":2,"aa":4,"ab":3,"abcdefghi":12,"abcdefghij":11,"abcdefghik":13,"b":1,"z":{},"z~":0}"#)
    }

    /// Plain names are sorted on their first eight bytes as a number, then on their bytes:
    /// names of every length up to 20 that share long prefixes, at every offset (the first
    /// names of a document are read byte by byte, the others as a word), sort as `String`s do.
    @Test func plainNamesSharingLongPrefixesSortAsStrings() throws {
        var random = TestRandom(seed: 0x5_0F7)
        for iteration in 0..<2000 {
            var object = JSONObject()
            for _ in 0..<random.next(10) {
                let length = random.next(21)
                let name = String((0..<length).map { _ in random.next(4) == 0 ? "b" : "a" })
                object[name] = random.next(3) == 0 ? .object([String(repeating: "a", count: random.next(9)): 1, "ab": 2]) : 1
            }
            let text = random.text(of: .object(object))
            #expect(tapeCanonical(try JSONTape(bytes: text)) == treeCanonical(object), "iteration \(iteration): \(String(decoding: text, as: UTF8.self))")
        }
    }

    @Test func writesStringsAsTheWriterEscapesThem() throws {
        let text = #"["\u0041\/\u00e9\ud83d\ude80\u007f\u001f\n\"\\","raw é 🚀 / ~","\u2028"]"#
        let tape = try JSONTape(bytes: Array(text.utf8))
        let value = try JSONValue(parsing: text)
        var tree: [UInt8] = []
        JSONValue.streamCanonicalBytes(of: ["v": value]) { tree += $0 }
        var taped: [UInt8] = []
        let wrapped = try JSONTape(bytes: Array(("{\"v\":" + text + "}").utf8))
        wrapped.streamCanonicalBytes(ofValueAt: 0) { taped += $0 }
        #expect(taped == tree)
        var element: [UInt8] = []
        tape.streamCanonicalBytes(ofValueAt: 0) { element += $0 }
        #expect(element == value.serialized(sortedKeys: true))
    }

    /// Documents larger than a chunk, and strings longer than one, arrive whole and in order.
    @Test func streamsLongDocumentsInChunks() throws {
        let long = String(repeating: "x", count: 1500)
        let members = (0..<60).map { #""m\#($0)":"\#(String(repeating: "é", count: $0))""# }.joined(separator: ",")
        let text = #"{"long":"\#(long)","#  + members + "}"
        var chunks: [Int] = []
        var bytes: [UInt8] = []
        try JSONTape(bytes: Array(text.utf8)).streamCanonicalBytes(ofValueAt: 0) { chunks.append($0.count); bytes += $0 }
        #expect(bytes == JSONValue(try JSONValue(parsing: text)).serialized(sortedKeys: true))
        #expect(chunks.count > 2)
    }

    @Test func randomDocumentsGiveTheTreesBytes() throws {
        var random = TestRandom(seed: 0xC4_0000)
        for iteration in 0..<3000 {
            var object = JSONObject()
            for _ in 0..<random.next(12) { object[random.string(maxLength: 4)] = random.value(depth: 1) }
            let text = random.text(of: .object(object))
            let tape = try JSONTape(bytes: text)
            let tree = treeCanonical(object)
            #expect(tapeCanonical(tape) == tree, "iteration \(iteration): \(String(decoding: text, as: UTF8.self))")
            #expect(tree == JSONValue.object(object).serialized(sortedKeys: true))
        }
    }
}

func tapeCanonical(_ tape: JSONTape) -> [UInt8] {
    var bytes: [UInt8] = []
    tape.streamCanonicalBytes(ofValueAt: 0) { bytes += $0 }
    return bytes
}

func treeCanonical(_ object: JSONObject) -> [UInt8] {
    var bytes: [UInt8] = []
    JSONValue.streamCanonicalBytes(of: object) { bytes += $0 }
    return bytes
}

extension JSONValue {
    init(_ value: JSONValue) { self = value }
}
