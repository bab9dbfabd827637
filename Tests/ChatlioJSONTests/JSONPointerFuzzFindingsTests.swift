import ChatlioJSON
import Testing

/// Inputs found by Tests/Fuzz (fuzz-json), kept so they stay fixed.
///
/// Member names that start with a combining mark, or put one after "/" or
/// "~": Swift's `Character` merges the mark with the "/" or "~" before it, so
/// the pointer helpers (working on Characters) did not see the separator.
/// `tokens(of:)` refused "/\u{AAED}2{" as not starting with "/", and
/// `escape` left "/\u{301}" unescaped, so the pointer named another member.
@Suite struct JSONPointerFuzzFindingsTests {
    static let keys = ["\u{AAED}2{", "/\u{301}", "~\u{301}", "a/\u{301}b~\u{301}0", "\u{301}", "~1\u{301}", "e\u{301}/x"]

    @Test(arguments: keys)
    func aPointerToAMemberWithCombiningMarksResolves(key: String) throws {
        let document: JSONValue = .object([key: .array([.string("found")]), "other": 1])
        let pointer = JSONPointer.appending(0, to: JSONPointer.appending(key, to: ""))
        #expect(document.value(at: pointer) == .string("found"))
        #expect(JSONPointer.tokens(of: pointer) == [key, "0"])
    }

    @Test(arguments: keys)
    func escapingHidesEverySlashAndTilde(key: String) {
        let escaped = JSONPointer.escape(key)
        #expect(!escaped.unicodeScalars.contains("/"))
        #expect(JSONPointer.tokens(of: "/" + escaped) == [key])
    }

    @Test func theParserReportsAPointerThatResolvesInTheDocument() throws {
        // The fuzz input: {"\uaaed2{"! … : the error is under that member.
        let error = try #require(throws: JSONParsingError.self) { try JSONValue(parsing: #"{"\uaaed2{":[1,}"#) }
        #expect(error.pointer.unicodeScalars.first == "/")
        #expect(JSONPointer.tokens(of: error.pointer) == ["\u{AAED}2{", "1"])
    }
}
