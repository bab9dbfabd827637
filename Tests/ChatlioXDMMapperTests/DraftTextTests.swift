@_spi(ChatlioAEPInternal) import ChatlioJSON
import Foundation
@testable import ChatlioXDMMapper
import Testing
import XDMSchemaRegistry

/// Values the draft keeps as entries of the body's tape: written from the
/// body's bytes, they must be exactly what `JSONWriter` writes for their text,
/// however the body spelled them.
@Suite struct DraftTextTests {
    static let texts = [
        "", "plain", "\"", "\\", "a\"b\\c", "tab\there", "line\nbreak\r\n", "\u{08}\u{0C}", "Zoë 🚀 カート", "a/b",
        "0123456789abcdef\"", String(repeating: "x", count: 70) + "\u{01}", "<p>Hi</p>\n<p>Bye</p>",
    ] + (0..<0x20).map { String(UnicodeScalar(UInt8($0))) + "12345678" }

    /// The same text as a JSON string three ways: as `JSONWriter` writes it,
    /// every UTF-16 unit as `\uXXXX`, and with every `/` escaped.
    static func spellings(of text: String) -> [String] {
        let minimal = String(decoding: JSONValue.string(text).serialized(), as: UTF8.self)
        let units: [String] = text.utf16.map { unit in
            let hex = String(unit, radix: 16)
            return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        }
        let unicode = "\"" + units.joined() + "\""
        return [minimal, unicode, minimal.replacingOccurrences(of: "/", with: "\\/")]
    }

    @Test(arguments: texts)
    func anEntryIsWrittenAsJSONWriterWritesItsText(_ text: String) throws {
        let spellings = Self.spellings(of: text)
        for spelling in spellings {
            let tape = try JSONTape(bytes: Array(spelling.utf8))
            let inner = Array(spelling.utf8.dropFirst().dropLast())
            #expect(inner.withUnsafeBytes(JSONStringEscaping.isWrittenForm) == (spelling == spellings[0]),
                    "\(spelling): only the writer's own spelling is copied as it is")
            var writer = EventJSONWriter(capacity: 1, reusingThreadBuffer: false)  // one byte, so the writes grow the buffer
            DraftBody.borrowing(DraftTexts(body: tape, privacy: .init())) { body in writer.string(.entry(0), in: body) }
            #expect(writer.finish() == JSONValue.string(text).serialized(), "\(spelling)")
            let texts = DraftTexts(body: tape, privacy: .init())
            #expect(texts.string(.entry(0)) == text)
            #expect(texts.byteCount(.entry(0)) == spelling.utf8.count - 2, "the bytes between the quotes")
        }
    }

    @Test func entriesStayEntriesOnlyWhenNormalisingChangesNothing() throws {
        let tape = try JSONTape(bytes: Array(#"["ann@example.com"," ann@example.com","Ann@Example.com","\u0061nn@example.com","","  "]"#.utf8))
        var texts = DraftTexts(body: tape, privacy: .init())
        func normalized(_ entry: Int32) -> String? { texts.normalizedEmail(.entry(entry)).map { texts.string($0) } }
        guard case .entry? = texts.normalizedEmail(.entry(1)) else { Issue.record("a plain lower-case email is kept as its entry"); return }
        #expect([1, 2, 3, 4].map(normalized) == ["ann@example.com", "ann@example.com", "ann@example.com", "ann@example.com"])
        #expect(normalized(6) == nil, "white space only normalises to nothing")
        guard case .made? = texts.trimmed(.entry(2)) else { Issue.record("a text with space to trim becomes made text"); return }
        #expect(texts.trimmed(.entry(6)) == nil)
        #expect(texts.matches(.email, .entry(1)) && !texts.matches(.email, .entry(2)))
    }

    /// Made texts are kept by index: each reads back as itself, however many
    /// there are, is written escaped, and an empty one is no value at all.
    @Test(arguments: texts)
    func madeTextReadsAndWritesAsItsText(_ text: String) throws {
        let tape = try JSONTape(bytes: Array(#"["before"]"#.utf8))
        var texts = DraftTexts(body: tape, privacy: .init())
        let earlier = (0..<9).map { texts.make("filler \($0)") }  // past the first reservation
        guard let value = texts.make(text) else {
            #expect(text.isEmpty, "only the empty text is refused")
            return
        }
        guard case .made = value else { Issue.record("made text is .made"); return }
        #expect(texts.string(value) == text)
        #expect(texts.byteCount(value) == text.utf8.count)
        #expect(earlier.map { $0.map { texts.string($0) } } == (0..<9).map { "filler \($0)" }, "earlier made texts keep their text")
        var writer = EventJSONWriter(capacity: 1, reusingThreadBuffer: false)
        DraftBody.borrowing(texts) { body in
            writer.string(value, in: body)
            #expect(body.withUTF8(value) { Array($0) } == Array(text.utf8))
        }
        #expect(writer.finish() == JSONValue.string(text).serialized())
    }

    /// An object of the body kept by its entry: written as the string of its
    /// canonical text (members sorted, escapes in their shortest form), read
    /// back as that text, and counted at no less than its length.
    @Test func aCanonicalObjectIsWrittenAsTheStringOfItsSortedText() throws {
        let body = #"{"traits": {"zeta": "a \"quoted\" \u00e9 \/ line\nbreak", "alpha": [1, 2.50, {"y": null, "x": true}], "mid": {}}}"#
        let tape = try JSONTape(bytes: Array(body.utf8))
        let index = try #require(tape.member(named: "traits", inObjectAt: 0))
        let canonical = try JSONValue(parsing: Array(body.utf8))["traits"].map { $0.jsonString(sortedKeys: true) }
        let expected = try #require(canonical)
        var texts = DraftTexts(body: tape, privacy: .init())
        _ = texts.make("made before")  // the object's value does not depend on the made texts
        let value = DraftText.canonicalObject(Int32(index))
        #expect(texts.string(value) == expected)
        #expect(texts.byteCount(value) >= expected.utf8.count)
        var writer = EventJSONWriter(capacity: 1, reusingThreadBuffer: false)
        DraftBody.borrowing(texts) { body in
            writer.string(value, in: body)
            #expect(body.withUTF8(value) { Array($0) } == Array(expected.utf8))
        }
        #expect(writer.finish() == JSONValue.string(expected).serialized())
    }
}
