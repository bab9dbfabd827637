@testable import AEPInletEmulator
import Testing

/// The Java pattern letters of help/data-prep/data-handling.md ("Date/time format strings").
@Suite("Data Prep date formats")
struct DataPrepDateFormatTests {
    static func read(_ pattern: String, _ text: String) throws -> String? {
        try DataPrepDateFormat(pattern).parse(text)?.text
    }

    @Test func theRelaysFormatReadsExactlyThreeFractionDigits() throws {
        let pattern = "yyyy-MM-dd'T'HH:mm:ss.SSSX"
        #expect(try Self.read(pattern, "2024-05-19T16:14:32.000Z") == "2024-05-19T16:14:32.000Z")
        #expect(try Self.read(pattern, "2024-05-19T18:14:32.250+02") == "2024-05-19T16:14:32.250Z")
        #expect(try Self.read(pattern, "2024-05-19T18:14:32.250+0230") == "2024-05-19T15:44:32.250Z")
        #expect(try Self.read(pattern, "2024-05-19T18:14:32.250+02:00") == nil)  // X takes no colon
        #expect(try Self.read(pattern, "2024-05-19T16:14:32.000026941Z") == nil)
        #expect(try Self.read(pattern, "2024-05-19T16:14:32Z") == nil)
    }

    @Test func offsetsMonthsHoursAndLiterals() throws {
        #expect(try Self.read("yyyy-MM-dd'T'HH:mm:ssXXX", "2024-11-01T09:30:00-05:30") == "2024-11-01T15:00:00.000Z")
        #expect(try Self.read("yyyy-MM-dd HH:mm:ssZ", "2024-11-01 09:30:00+0100") == "2024-11-01T08:30:00.000Z")
        #expect(try Self.read("yyyy-MM-dd HH:mm:ssZ", "2024-11-01 09:30:00Z") == nil)  // Z is ±HHMM only
        #expect(try Self.read("dd-MMMM-yyyy", "05-march-2021") == "2021-03-05T00:00:00.000Z")
        #expect(try Self.read("M/d/yy h:mm a", "12/1/24 12:05 AM") == "2024-12-01T00:05:00.000Z")
        #expect(try Self.read("yyyy-MM-dd'T'HH''mm", "2024-01-02T03'04") == "2024-01-02T03:04:00.000Z")
        #expect(try Self.read("yyyyMMdd", "20240229") == "2024-02-29T00:00:00.000Z")
        #expect(try Self.read("yyyyMMdd", "20230229") == nil)
        #expect(try Self.read("yyyy-MM-dd", "2024-01-02 ") == nil)  // the whole text must be read
        #expect(try Self.read("yyyy-MM-dd", "1969-12-31") == "1969-12-31T00:00:00.000Z")
    }

    @Test func unemulatedLettersAreRefused() {
        #expect(throws: DataPrepDateFormat.Problem.self) { try DataPrepDateFormat("EEE, dd MMM yyyy") }
        #expect(throws: DataPrepDateFormat.Problem.self) { try DataPrepDateFormat("yyyy-MM-dd'T'HH:mm:ss.SSSXXXX") }
        #expect(DataPrepDateFormat.defaults.count == 18)
    }
}
