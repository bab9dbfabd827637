import ChatlioJSON
import ChatlioAEPSupport
import Foundation
import Testing

@Suite struct RFC3339TimestampTests {
    @Test(arguments: [
        ("2016-02-07T11:02:17.839766-08:00", Int64(1_454_871_737), Int32(839_766_000), Int32(-28_800), Int8(6)),
        ("2018-05-19T18:14:32.000026941+02:00", 1_526_746_472, 26_941, 7_200, 9),
        ("2016-07-28T19:03:29+02:00", 1_469_725_409, 0, 7_200, 0),
        ("2016-07-28T19:03:29.5Z", 1_469_732_609, 500_000_000, 0, 1),
        ("1970-01-01T00:00:00Z", 0, 0, 0, 0),
        ("1969-12-31T23:59:59.999999999Z", -1, 999_999_999, 0, 9),
        ("2024-02-29t12:00:00z", 1_709_208_000, 0, 0, 0),
    ])
    func parsesGoStyleTimestamps(text: String, seconds: Int64, nanos: Int32, offset: Int32, digits: Int8) throws {
        let timestamp = try #require(RFC3339Timestamp(parsing: text))
        #expect(timestamp.secondsSince1970 == seconds)
        #expect(timestamp.nanoseconds == nanos)
        #expect(timestamp.utcOffsetSeconds == offset)
        #expect(timestamp.fractionDigits == digits)
        #expect(timestamp.text == text)
    }

    /// The fraction as a digit-by-digit reading gives it (the parser reads the
    /// first eight digits as one word): every length from 1 to 10 digits, and a
    /// non-digit byte at each place of the first eight.
    @Test func fractionsAgreeWithDigitByDigitReading() {
        var generator = SplitMix64(seed: 0x3339)
        let nonDigits: [UInt8] = Array("/:Z+-.a \u{7F}".utf8) + [0x00, 0x2F, 0x3A, 0x80, 0xB0, 0xF9, 0xFF]
        for _ in 0..<4_000 {
            let length = Int.random(in: 1...10, using: &generator)
            var fraction = (0..<length).map { _ in UInt8(ascii: "0") + UInt8.random(in: 0...9, using: &generator) }
            if Bool.random(using: &generator) {
                fraction[Int.random(in: 0..<min(length, 8), using: &generator)] = nonDigits.randomElement(using: &generator) ?? 0
            }
            let zone = ["Z", "+02:00", "-08:00"].randomElement(using: &generator) ?? "Z"
            let text = "2018-05-19T18:14:32." + String(decoding: fraction, as: UTF8.self) + zone
            let parsed = RFC3339Timestamp(parsing: text)
            let isDigits = fraction.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
            guard isDigits, length <= 9 else {
                #expect(parsed == nil, "\(text)")
                continue
            }
            let expected = fraction.reduce(Int32(0)) { $0 * 10 + Int32($1 - UInt8(ascii: "0")) } * Int32((0..<(9 - length)).reduce(1) { value, _ in value * 10 })
            #expect(parsed?.nanoseconds == expected, "\(text)")
            #expect(parsed?.fractionDigits == Int8(length), "\(text)")
        }
    }

    @Test func leadingDigitsStopAtTheFirstOtherByte() {
        let word = { (bytes: [UInt8]) in bytes.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) } }
        #expect(RFC3339Timestamp.leadingDigits(word(Array("31415926".utf8))) == (31_415_926, 8))
        #expect(RFC3339Timestamp.leadingDigits(word(Array("00000000".utf8))) == (0, 8))
        #expect(RFC3339Timestamp.leadingDigits(word(Array("99999999".utf8))) == (99_999_999, 8))
        #expect(RFC3339Timestamp.leadingDigits(word(Array("560106+0".utf8))) == (560_106, 6))
        #expect(RFC3339Timestamp.leadingDigits(word(Array("Z0000000".utf8))) == (0, 0))
        for place in 0..<8 {
            for byte in UInt8.min...UInt8.max where byte < UInt8(ascii: "0") || byte > UInt8(ascii: "9") {
                for after: UInt8 in [UInt8(ascii: "7"), 0xFF] {
                    var bytes = Array("31415926".utf8)
                    bytes[place] = byte
                    for later in (place + 1)..<8 where after == 0xFF { bytes[later] = after }
                    let expected = UInt32(String(decoding: bytes[..<place], as: UTF8.self)) ?? 0
                    let found = RFC3339Timestamp.leadingDigits(word(bytes))
                    #expect(found.count == place && found.value == expected, "byte \(byte) at \(place), then \(after)")
                }
            }
        }
    }

    /// The fixed part read byte by byte, as the parser read it before it read words: the oracle
    /// for ``RFC3339Timestamp/fixedPart(_:)``.
    private static func fixedPartByteByByte(_ bytes: [UInt8]) -> [Int64]? {
        func pair(_ offset: Int) -> Int64? {
            let (tens, ones) = (bytes[offset] &- UInt8(ascii: "0"), bytes[offset + 1] &- UInt8(ascii: "0"))
            return tens < 10 && ones < 10 ? Int64(tens) * 10 + Int64(ones) : nil
        }
        guard let century = pair(0), let yearOfCentury = pair(2), bytes[4] == UInt8(ascii: "-"), let month = pair(5), bytes[7] == UInt8(ascii: "-"),
            let day = pair(8), bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t"), let hour = pair(11), bytes[13] == UInt8(ascii: ":"),
            let minute = pair(14), bytes[16] == UInt8(ascii: ":"), let second = pair(17)
        else { return nil }
        return [century * 100 + yearOfCentury, month, day, hour, minute, second]
    }

    @Test func theFixedPartReadAsWordsAgreesWithAByteAtATime() {
        func words(_ bytes: [UInt8]) -> [Int64]? {
            bytes.withUnsafeBytes { raw in
                raw.baseAddress.flatMap { RFC3339Timestamp.fixedPart($0) }.map { [$0.0, $0.1, $0.2, $0.3, $0.4, $0.5] }
            }
        }
        var generator = SplitMix64(seed: 3339)
        let digits = Array("0123456789".utf8)
        var samples = [Array("2018-05-19T18:14:32".utf8), Array("0000-01-01t00:00:00".utf8), Array("9999-12-31T23:59:59".utf8)]
        for _ in 0 ..< 200 {
            var bytes = Array("0000-00-00T00:00:00".utf8)
            for place in [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18] { bytes[place] = digits[Int(generator.next() % 10)] }
            samples.append(bytes)
        }
        for sample in samples {
            #expect(words(sample) == Self.fixedPartByteByByte(sample) && words(sample) != nil, "\(String(decoding: sample, as: UTF8.self))")
        }
        // Every byte at every place of some: a digit, a separator or anything else, and what a byte
        // of 0xFA or more carries into the byte after it in the digit test.
        for sample in samples.prefix(20) {
            for place in 0 ..< 19 {
                for byte in UInt8.min ... UInt8.max {
                    var changed = sample
                    changed[place] = byte
                    #expect(words(changed) == Self.fixedPartByteByByte(changed), "byte \(byte) at \(place)")
                }
            }
        }
    }

    @Test func agreesWithFoundation() throws {
        let timestamp = try #require(RFC3339Timestamp(parsing: "2016-02-07T11:02:17.839766-08:00"))
        let foundation = try Date("2016-02-07T11:02:17.839766-08:00", strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
        #expect(abs(timestamp.date.timeIntervalSince(foundation)) < 0.000_01)
    }

    @Test(arguments: [
        "", "2016-02-07", "2016-02-07T11:02:17", "2016-02-07 11:02:17Z", "2016-02-30T00:00:00Z", "2023-02-29T00:00:00Z",
        "2016-13-01T00:00:00Z", "2016-02-07T24:00:00Z", "2016-02-07T11:60:00Z", "2016-02-07T11:02:60Z",
        "2016-02-07T11:02:17.Z", "2016-02-07T11:02:17.1234567890Z", "2016-02-07T11:02:17+0800", "2016-02-07T11:02:17+08",
        "2016-02-07T11:02:17Zjunk", "２０16-02-07T11:02:17Z",
    ])
    func refusesAnythingElse(text: String) {
        #expect(RFC3339Timestamp(parsing: text) == nil)
        #expect(!RFC3339Timestamp.isValid(text))
    }

    @Test func formatsUTCWithChosenPrecision() throws {
        let timestamp = try #require(RFC3339Timestamp(parsing: "2018-05-19T18:14:32.000026941+02:00"))
        #expect(timestamp.utcString() == "2018-05-19T16:14:32.000Z")
        #expect(timestamp.utcString(fractionDigits: 9) == "2018-05-19T16:14:32.000026941Z")
        #expect(timestamp.utcString(fractionDigits: 0) == "2018-05-19T16:14:32Z")
        #expect(RFC3339Timestamp.utcString(secondsSince1970: -1, nanoseconds: 999_000_000) == "1969-12-31T23:59:59.999Z")
        #expect(RFC3339Timestamp.utcString(secondsSince1970: 951_782_400, nanoseconds: 0) == "2000-02-29T00:00:00.000Z")
    }

    @Test func formattingRoundTripsAcrossCenturies() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let seconds = Int64.random(in: -2_000_000_000_0...9_000_000_000_0, using: &generator) / 10
            let nanos = Int32.random(in: 0..<1_000_000_000, using: &generator)
            let text = RFC3339Timestamp.utcString(secondsSince1970: seconds, nanoseconds: nanos, fractionDigits: 9)
            let parsed = try #require(RFC3339Timestamp(parsing: text))
            #expect(parsed.secondsSince1970 == seconds && parsed.nanoseconds == nanos, "\(text)")
        }
    }

    @Test func componentsOfDate() {
        let (seconds, nanos) = RFC3339Timestamp.components(of: Date(timeIntervalSince1970: 1.25))
        #expect(seconds == 1 && nanos == 250_000_000)
        let (negative, negativeNanos) = RFC3339Timestamp.components(of: Date(timeIntervalSince1970: -0.5))
        #expect(negative == -1 && negativeNanos == 500_000_000)
    }
}
