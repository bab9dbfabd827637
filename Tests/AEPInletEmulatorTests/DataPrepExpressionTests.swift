@testable import AEPInletEmulator
import ChatlioJSON
import Testing

/// The expression syntax of help/data-prep/functions.md ("Fields", the
/// function tables) as DataPrepExpression reads it.
@Suite("Data Prep expressions: parsing")
struct DataPrepExpressionTests {
    @Test func literalsPathsCallsAndTheEqualsMethodParse() throws {
        #expect(try DataPrepExpression(parsing: #""Hi""#) == .literal("Hi"))
        #expect(try DataPrepExpression(parsing: "'single'") == .literal("single"))
        #expect(try DataPrepExpression(parsing: "null") == .literal(.null))
        #expect(try DataPrepExpression(parsing: " 12.5 ") == .literal(.number(try #require(JSONNumber(text: "12.5")))))
        #expect(try DataPrepExpression(parsing: "name.firstName") == .path(["name", "firstName"]))
        #expect(try DataPrepExpression(parsing: "trim( visitor.email )") == .call(.trim, [.path(["visitor", "email"])]))
        #expect(try DataPrepExpression(parsing: #""".equals(trim(x))"#) == .equals(.literal(""), .call(.trim, [.path(["x"])])))
        // A method on a path: the dot before `equals(` ends the path.
        #expect(try DataPrepExpression(parsing: #"visitor.email.equals("a")"#) == .equals(.path(["visitor", "email"]), .literal("a")))
        #expect(try DataPrepExpression(parsing: "[1, 2]") == .array([.literal(1), .literal(2)]))
        #expect(try DataPrepExpression(parsing: "lcase(a)") == .call(.lower, [.path(["a"])]))
        #expect(try DataPrepExpression(parsing: "guid()") == .call(.uuid, []))
    }

    /// functions.md "Fields": `${…}` wraps names that are not identifiers or are reserved
    /// keywords; home.md "Escape special characters": `\.` is a dot inside a name.
    @Test func wrappedNamesEscapedDotsAndReservedKeywords() throws {
        #expect(try DataPrepExpression(parsing: "${First Name}") == .path(["First Name"]))
        #expect(try DataPrepExpression(parsing: "${First\\.Name}") == .path(["First.Name"]))
        #expect(try DataPrepExpression(parsing: "address.street\\.name") == .path(["address", "street.name"]))
        #expect(try DataPrepExpression(parsing: "a.${new}") == .path(["a", "new"]))
        let reserved = DataPrepFixture.error("new")
        #expect(reserved?.code == .syntax)
        #expect(reserved?.reason.contains("new is a reserved keyword: a field of that name must be written ${new}") == true)
        #expect(DataPrepFixture.error("a.return")?.code == .syntax)
    }

    @Test func stringEscapesKeepRegexBackslashes() throws {
        #expect(try DataPrepExpression(parsing: #""a\"b\\c\n\u00e9""#) == .literal(.string("a\"b\\c\né")))
        #expect(try DataPrepExpression(parsing: #""\d+\.""#) == .literal(.string(#"\d+\."#)))
    }

    @Test func syntaxErrorsNameThePosition() {
        let unclosed = DataPrepFixture.error("trim(a")
        #expect(unclosed?.code == .syntax)
        #expect(unclosed?.reason == #"expected "," or ")" in the arguments of trim, found the end at position 6 of trim(a"#)
        #expect(DataPrepFixture.error(#"trim("a) "#)?.reason == "unterminated string literal at position 5 of trim(\"a) ")
        #expect(DataPrepFixture.error("a b")?.reason == #"unexpected "b" after a complete expression at position 2 of a b"#)
        #expect(DataPrepFixture.error("")?.code == .syntax)
        #expect(DataPrepFixture.error("coalesce(a,)")?.code == .syntax)
    }

    @Test func unknownAndUnemulatedFunctionsAreTellApart() {
        let typo = DataPrepFixture.error("trimm(a)")
        #expect(typo?.code == .unknownFunction)
        #expect(typo?.reason == "trimm (at position 0 of trimm(a)) is not a function help/data-prep/functions.md documents")
        #expect(DataPrepFixture.error("upper(a)")?.code == .unsupportedFunction)
        // iif's own example on functions.md uses equalsIgnoreCase, which the emulator does not evaluate.
        #expect(DataPrepFixture.error(#"iif("s".equalsIgnoreCase("S"), "True", "False")"#)?.code == .unsupportedFunction)
        #expect(DataPrepFixture.error(#"a.startsWith("x")"#)?.code == .unknownFunction)
    }

    @Test func argumentCountsAndLiteralPatternsAreCheckedWhenParsed() {
        #expect(DataPrepFixture.error("iif(a, b)")?.reason == "iif takes 3 arguments, got 2 in iif(a, b)")
        #expect(DataPrepFixture.error("nullify(a)")?.code == .argumentCount)
        #expect(DataPrepFixture.error("coalesce()")?.reason == "coalesce takes at least 1 argument, got 0 in coalesce()")
        #expect(DataPrepFixture.error(#"date(a, "f", now(), b)"#)?.reason == #"date takes 1 to 3 arguments, got 4 in date(a, "f", now(), b)"#)
        #expect(DataPrepFixture.error(#""a".equals()"#)?.code == .argumentCount)
        #expect(DataPrepFixture.error(#"matches_regex(a, "([a-z")"#)?.code == .invalidPattern)
        let format = DataPrepFixture.error(#"date(a, "yyyy-MM-dd'T'HH:mm:ss.SSSG")"#)
        #expect(format?.code == .invalidPattern)
        #expect(format?.reason.contains("the pattern letter G is not emulated") == true)
        #expect(DataPrepFixture.error(#"date(a, "yyyy-MM-dd'T")"#)?.reason.contains("a quoted literal is not closed") == true)
    }
}
