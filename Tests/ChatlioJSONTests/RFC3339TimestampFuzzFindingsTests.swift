import ChatlioJSON
import Testing

/// Inputs found by Tests/Fuzz (fuzz-timestamp), kept so they stay fixed.
@Suite struct RFC3339TimestampFuzzFindingsTests {
    /// Valid-looking texts whose instant, once the offset is applied, falls
    /// before year 0000 or after 9999. `utcString` trapped on the first kind
    /// (a negative year) and wrote the second with a 4-digit year that had
    /// wrapped round ("10000" as "0000"). No UTC RFC 3339 text names them.
    @Test(arguments: [
        "0000-01-01T00:00:00+00:01",
        "0000-01-01T00:00:00.000000001+23:59",
        "9999-12-31T23:59:59-00:01",
        "9999-12-31T23:59:59.999999999-23:59",
    ])
    func instantsOutsideYears0000To9999AreRefused(text: String) {
        #expect(RFC3339Timestamp(parsing: text) == nil)
        #expect(!RFC3339Timestamp.isValid(text))
    }

    @Test(arguments: [
        ("0000-01-01T00:00:00Z", "0000-01-01T00:00:00.000000000Z"),
        ("0000-01-01T00:00:00-00:01", "0000-01-01T00:01:00.000000000Z"),
        ("9999-12-31T23:59:59.999999999Z", "9999-12-31T23:59:59.999999999Z"),
        ("9999-12-31T23:59:59+23:59", "9999-12-31T00:00:59.000000000Z"),
    ])
    func theEndsOfTheRangeRoundTrip(text: String, utc: String) throws {
        let timestamp = try #require(RFC3339Timestamp(parsing: text))
        #expect(timestamp.utcString(fractionDigits: 9) == utc)
        let again = try #require(RFC3339Timestamp(parsing: utc))
        #expect(again.secondsSince1970 == timestamp.secondsSince1970)
        #expect(again.nanoseconds == timestamp.nanoseconds)
    }

    /// The static formatter takes any seconds and nanoseconds; it clamps
    /// instead of trapping.
    @Test(arguments: [
        (Int64.min, Int32(0), "0000-01-01T00:00:00.000Z"),
        (-62_167_219_201, Int32(999_999_999), "0000-01-01T00:00:00.000Z"),
        (253_402_300_800, Int32(0), "9999-12-31T23:59:59.999Z"),
        (Int64.max, Int32.max, "9999-12-31T23:59:59.999Z"),
        (0, Int32(-1), "1970-01-01T00:00:00.000Z"),
        (0, Int32.max, "1970-01-01T00:00:00.999Z"),
    ])
    func utcStringClampsWhatRFC3339CannotWrite(seconds: Int64, nanoseconds: Int32, expected: String) {
        #expect(RFC3339Timestamp.utcString(secondsSince1970: seconds, nanoseconds: nanoseconds) == expected)
    }
}
