@_spi(ChatlioAEPInternal) @testable import ChatlioJSON
import ChatlioAEPSupport
import Testing

/// `nextEscape` looks at eight bytes per step and at the tail as one overlapping word; each
/// answer is checked against a byte-by-byte reference at every length, start and position.
@Suite struct JSONStringEscapingTests {
    static func reference(_ bytes: [UInt8], from start: Int) -> Int {
        bytes[start...].firstIndex { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C } ?? bytes.count
    }

    static func nextEscape(_ bytes: [UInt8], from start: Int) -> Int {
        bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return 0 }
            return JSONStringEscaping.nextEscape(in: base, from: start, count: raw.count)
        }
    }

    @Test(arguments: [UInt8(0x00), 0x1F, 0x22, 0x5C])
    func findsAnEscapeAtEveryPositionFromEveryStart(escape: UInt8) {
        for count in 0...40 {
            for position in 0..<max(count, 1) where count > 0 {
                var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: count)
                bytes[position] = escape
                for start in 0...count {
                    #expect(Self.nextEscape(bytes, from: start) == Self.reference(bytes, from: start), "count \(count), escape at \(position), from \(start)")
                }
            }
        }
    }

    @Test func bytesNextToTheEscapesAreNotEscapes() {
        // Neighbours of the three tests' thresholds, and bytes whose borrow could spill.
        for filler: UInt8 in [0x20, 0x21, 0x23, 0x5B, 0x5D, 0x7F, 0x80, 0xA2, 0xDC, 0xFF] {
            for count in 0...24 {
                let bytes = [UInt8](repeating: filler, count: count)
                for start in 0...count { #expect(Self.nextEscape(bytes, from: start) == count, "filler \(filler), count \(count), from \(start)") }
            }
        }
    }

    @Test func agreesWithTheReferenceOnRandomBuffers() {
        var state: UInt64 = 0x5EED_E5CA
        func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state >> 33
        }
        let alphabet: [UInt8] = [0x00, 0x0A, 0x1F, 0x20, 0x22, 0x41, 0x5C, 0x7F, 0x80, 0xC3, 0xFF]
        for _ in 0..<5_000 {
            let count = Int(next() % 48)
            // Mostly plain text with a rare escape, like real strings.
            let bytes = (0..<count).map { _ in next() % 9 == 0 ? alphabet[Int(next() % UInt64(alphabet.count))] : UInt8(ascii: "x") }
            let start = count == 0 ? 0 : Int(next() % UInt64(count + 1))
            #expect(Self.nextEscape(bytes, from: start) == Self.reference(bytes, from: start), "\(bytes) from \(start)")
        }
    }

    /// `isWrittenForm` finds each backslash with libc's search: random spellings of random
    /// texts (every escape form, long runs between escapes, escapes at both ends) are their own
    /// output exactly when the writer, given the decoded text, writes the same bytes.
    @Test func writtenFormIsExactlyTheWritersOwnSpelling() throws {
        var random = SplitMix64(seed: 0x5EED_0E5C)
        let spellings: [(text: String, forms: [String])] = [
            ("a", ["a"]), ("é", ["é", "\\u00e9", "\\u00E9"]), ("/", ["/", "\\/"]), ("\"", ["\\\"", "\\u0022"]),
            ("\\", ["\\\\", "\\u005c"]), ("\n", ["\\n", "\\u000a"]), ("\t", ["\\t", "\\u0009"]),
            ("\u{01}", ["\\u0001"]), ("\u{0B}", ["\\u000b", "\\u000B"]), ("\u{1F}", ["\\u001f", "\\u001F"]), ("\u{7F}", ["\u{7F}", "\\u007f"]),
        ]
        for _ in 0..<3_000 {
            var text = ""
            var raw = ""
            for _ in 0..<Int(random.next() % 12) {
                let run = Int(random.next() % 4) == 0 ? Int(random.next() % 40) : 0
                text += String(repeating: "x", count: run)
                raw += String(repeating: "x", count: run)
                let pick = spellings[Int(random.next() % UInt64(spellings.count))]
                text += pick.text
                raw += pick.forms[Int(random.next() % UInt64(pick.forms.count))]
            }
            let tape = try JSONTape(bytes: Array("\"\(raw)\"".utf8))
            #expect(tape.string(at: 0) == text, "\(raw)")
            let written = JSONValue.string(text).serialized()
            let own = Array(raw.utf8).withUnsafeBytes(JSONStringEscaping.isWrittenForm)
            #expect(own == (written == Array("\"\(raw)\"".utf8)), "\(raw)")
        }
    }
}
