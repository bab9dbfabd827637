@testable import AEPInletEmulator
import ChatlioJSON
import Foundation
import Testing

/// Each function against the examples help/data-prep/functions.md gives
/// (the "Expression" and "Sample output" columns), then the null and
/// type rules the emulator adds where the page is silent.
@Suite("Data Prep expressions: functions")
struct DataPrepEvaluatorTests {
    typealias F = DataPrepFixture

    @Test func stringFunctionsMatchTheDocumentedExamples() throws {
        #expect(try F.evaluate(#"concat("Hi, ", "there", "!")"#) == "Hi, there!")
        #expect(try F.evaluate(#"lower("HeLLo")"#) == "hello")
        #expect(try F.evaluate(#"lcase("HeLLo")"#) == "hello")
        #expect(try F.evaluate(#"trim(" hello ")"#) == "hello")
        #expect(try F.evaluate(#""string1".equals("STRING1")"#) == false)
        #expect(try F.evaluate(#""string1".equals("string1")"#) == true)
    }

    @Test func matchesRegexMatchesTheWholeString() throws {
        #expect(try F.evaluate(#"matches_regex("E259,E259B_009,1_1", "([^,]+),[^,]*,([^,]+)")"#) == true)
        // Java's String.matches: a match of part of the input is not a match.
        #expect(try F.evaluate(#"matches_regex("abc", "b")"#) == false)
        #expect(try F.evaluate(#"matches_regex("ab", "a|ab")"#) == true)
        #expect(try F.evaluate(#"matches_regex("a@b.co", "^[^@ ]+@[^@ ]+[.][^@ ]+$")"#) == true)
        #expect(try F.evaluate(#"matches_regex("", "^[^@ ]+@[^@ ]+[.][^@ ]+$")"#) == false)
    }

    @Test func nowAndDateGiveISO8601Text() throws {
        // functions.md: now() → 2021-10-26T10:10:24Z; the emulator writes UTC with milliseconds.
        #expect(try F.evaluate("now()") == "2021-10-26T10:10:24.000Z")
        #expect(try F.evaluate(#"date("2019-10-23 11:24", "yyyy-MM-dd HH:mm")"#) == "2019-10-23T11:24:00.000Z")
        #expect(try F.evaluate(#"date("2019-10-23 11:24", "yyyy-MM-dd HH:mm", now())"#) == "2019-10-23T11:24:00.000Z")
        #expect(try F.evaluate(#"date(missing, "yyyy-MM-dd HH:mm", now())"#) == "2021-10-26T10:10:24.000Z")
        #expect(try F.evaluate(#"date(missing, "yyyy-MM-dd HH:mm")"#) == nil)
        #expect(try F.evaluate(#"date("2024-05-19T18:14:32.123+02:00", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX")"#) == "2024-05-19T16:14:32.123Z")
        #expect(try F.evaluate(#"date(now())"#) == "2021-10-26T10:10:24.000Z")
    }

    /// `date(DATE)` tries data-handling.md's default formats in order.
    @Test func dateWithoutAFormatTriesTheDocumentedDefaults() throws {
        #expect(try F.evaluate(#"date("2024-05-19T16:14:32.000Z")"#) == "2024-05-19T16:14:32.000Z")
        #expect(try F.evaluate(#"date("2024-06-01T12:00:00Z")"#) == "2024-06-01T12:00:00.000Z")
        #expect(try F.evaluate(#"date("2019-10-17 11:55:12+0200")"#) == "2019-10-17T09:55:12.000Z")
        #expect(try F.evaluate(#"date("12112020")"#) == "2020-12-11T00:00:00.000Z")  // MMddyyyy, the page's own warning
        #expect(try F.evaluate(#"date("3/05/2021 01:02:03 PM")"#) == "2021-03-05T13:02:03.000Z")
        #expect(try F.evaluate(#"date("05-Mar-2021")"#) == "2021-03-05T00:00:00.000Z")
        // Chatlio's RFC 3339 times (nanoseconds, a ±HH:MM offset) match none of the defaults.
        let chatlio = F.error(#"date("2024-05-19T18:14:32.000026941+02:00")"#)
        #expect(chatlio?.code == .unparsableDate)
        #expect(chatlio?.reason == #"date: "2024-05-19T18:14:32.000026941+02:00" matches none of the default formats help/data-prep/data-handling.md lists (give date a FORMAT)"#)
        #expect(F.error(#"date("2024-11-01T09:30:00-05:30")"#)?.code == .unparsableDate)
        // functions.md's own date(DATE) example, "2019-10-23 11:24", has no seconds: no default format reads it.
        #expect(F.error(#"date("2019-10-23 11:24")"#)?.code == .unparsableDate)
        #expect(F.error(#"date("2019-02-30")"#)?.code == .unparsableDate)
    }

    @Test func objectFunctionsMatchTheDocumentedExamples() throws {
        let source: JSONValue = ["evars": ["evar": ["field1": "x"]], "empty": .null]
        #expect(try F.evaluate(#"contains_key("evars.evar.field1")"#, in: source) == true)
        #expect(try F.evaluate(#"contains_key("evars.evar.field2")"#, in: source) == false)
        #expect(try F.evaluate(#"contains_key("empty")"#, in: source) == true)
        #expect(try F.evaluate("nullify()") == nil)
        #expect(try F.evaluate("size_of([1, 2, 3, 4])") == 4)
        #expect(try F.evaluate("size_of(evars)", in: source) == 1)
        #expect(try F.evaluate("size_of(missing)", in: source) == nil)
    }

    @Test func coalesceIifAndUUIDMatchTheDocumentedExamples() throws {
        #expect(try F.evaluate(#"coalesce(null, null, null, "first", null, "second")"#) == "first")
        #expect(try F.evaluate("coalesce(null, missing)") == nil)
        // iif's documented example with equals in place of equalsIgnoreCase.
        #expect(try F.evaluate(#"iif("s".equals("s"), "True", "False")"#) == "True")
        #expect(try F.evaluate(#"iif("s".equals("S"), "True", "False")"#) == "False")
        #expect(try F.evaluate(#"iif(missing, "True", "False")"#) == "False")
        #expect(try F.evaluate("uuid()") == .string(F.uuid))
        let random = try #require(try DataPrepEvaluator().evaluate(DataPrepExpression(parsing: "guid()"), in: [:]).written.stringValue)
        #expect(UUID(uuidString: random) != nil && random == random.lowercased())
    }

    @Test func nullPassesThroughAndWrongTypesAreTransformationErrors() throws {
        #expect(try F.evaluate("lower(missing)") == nil)
        #expect(try F.evaluate("trim(missing)") == nil)
        #expect(try F.evaluate(#"matches_regex(missing, "a")"#) == nil)
        #expect(try F.evaluate(#""".equals(missing)"#) == false)
        #expect(try F.evaluate(#"missing.equals("")"#) == nil)
        #expect(try F.evaluate(#"concat("a", missing, 1, true)"#) == "a1true")
        #expect(try F.evaluate(#"iif("".equals(trim(missing)), nullify(), missing)"#) == nil)
        // Java's trim drops control characters as well as spaces.
        #expect(try F.evaluate("trim(x)", in: ["x": "\t\u{1}a b\n"]) == "a b")
        let source: JSONValue = ["visitor": ["name": "x"]]
        #expect(F.error("trim(visitor)", in: source)?.reason == "trim takes text as argument 1, got a object")
        #expect(F.error(#"iif("yes", 1, 2)"#)?.code == .typeMismatch)
        #expect(F.error("size_of(true)")?.code == .typeMismatch)
        #expect(F.error(#"visitor.equals("x")"#, in: source)?.code == .typeMismatch)
        // Arguments are evaluated first (JEXL), so a failing argument fails the call however it would choose.
        #expect(F.error(#"coalesce("kept", date("not a date"))"#)?.code == .unparsableDate)
    }
}
