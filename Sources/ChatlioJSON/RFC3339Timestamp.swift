public import Foundation

/// An RFC 3339 date-time that keeps its original text and full precision.
///
/// Chatlio writes timestamps the way Go does: 0 to 9 fractional digits and
/// `Z` or any offset (`2018-05-19T18:14:32.000026941+02:00`). `Date` is a
/// `Double` and cannot hold nanoseconds, and `ISO8601DateFormatter` drops
/// digits or refuses inputs without a fraction, so this type parses the text
/// itself, keeps it, and exposes the instant as whole seconds plus
/// nanoseconds as well as a `Date`.
///
/// ```swift
/// let t = RFC3339Timestamp(parsing: "2016-07-28T19:03:29.000005006+02:00")!
/// t.secondsSince1970   // 1469725409
/// t.nanoseconds        // 5006
/// t.text               // unchanged, for re-encoding
/// RFC3339Timestamp.utcString(secondsSince1970: 0, nanoseconds: 0, fractionDigits: 3)
/// // "1970-01-01T00:00:00.000Z"
/// ```
public struct RFC3339Timestamp: Sendable, Hashable, CustomStringConvertible {
    /// The text as received.
    public let text: String
    /// Whole seconds since 1970-01-01T00:00:00Z (the instant, offset applied).
    public let secondsSince1970: Int64
    /// Nanoseconds past ``secondsSince1970``, 0 ..< 1,000,000,000.
    public let nanoseconds: Int32
    /// The offset the text was written in, in seconds east of UTC (0 for `Z`).
    public let utcOffsetSeconds: Int32
    /// How many fractional digits the text had (0 to 9).
    public let fractionDigits: Int8

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction]` followed by `Z` or `±HH:MM`,
    /// with 0 to 9 fractional digits; `nil` for anything else, including
    /// impossible dates such as February 30 and instants that fall outside
    /// years 0000–9999 once the offset is applied (`0000-01-01T00:00:00+01:00`),
    /// which no UTC RFC 3339 text can name.
    public init?(parsing text: String) {
        var copy = text
        guard let parts = copy.withUTF8({ RFC3339Timestamp.parse(UnsafeRawBufferPointer($0)) }) else { return nil }
        self.text = text
        (secondsSince1970, nanoseconds, utcOffsetSeconds, fractionDigits) = parts
    }

    /// The instant alone, without the text or the offset it was written with.
    package var instant: RFC3339Instant {
        RFC3339Instant(secondsSince1970: secondsSince1970, nanoseconds: nanoseconds)
    }

    /// The instant as a `Date` (microsecond precision at today's dates).
    public var date: Date {
        Date(timeIntervalSince1970: Double(secondsSince1970) + Double(nanoseconds) / 1_000_000_000)
    }

    public var description: String { text }

    /// Whether `text` is a valid RFC 3339 date-time (`date-time` in JSON Schema).
    public static func isValid(_ text: String) -> Bool {
        var copy = text
        return copy.withUTF8 { parse(UnsafeRawBufferPointer($0)) != nil }
    }

    /// The instant `utf8` names, as ``init(parsing:)`` reads it, or `nil` when it
    /// is not an RFC 3339 date-time, without a `String` or the text kept: for
    /// readers that keep a field's place in the body rather than its text (the
    /// models' check of a timestamp, the mapper's event time).
    package static func instant(utf8: UnsafeRawBufferPointer) -> RFC3339Instant? {
        parse(utf8).map { RFC3339Instant(secondsSince1970: $0.0, nanoseconds: $0.1) }
    }

    /// Formats an instant in UTC with exactly `fractionDigits` (0 to 9)
    /// fractional digits, truncating, e.g. `2024-03-01T09:30:00.123Z`.
    /// Instants outside years 0000–9999 are clamped to the nearest end of that
    /// range, and `nanoseconds` to 0 ... 999,999,999: RFC 3339 has no text
    /// for anything else.
    public static func utcString(secondsSince1970 seconds: Int64, nanoseconds: Int32, fractionDigits: Int = 3) -> String {
        var nanoseconds = min(max(nanoseconds, 0), 999_999_999)
        if seconds < minimumSeconds { nanoseconds = 0 }
        if seconds > maximumSeconds { nanoseconds = 999_999_999 }
        let seconds = min(max(seconds, minimumSeconds), maximumSeconds)
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = civilDate(fromDaysSince1970: days)
        let digits = min(max(fractionDigits, 0), 9)
        // "YYYY-MM-DDTHH:MM:SS" (19), "." and up to 9 digits, "Z": at most 30 bytes, written on
        // the stack (this runs once per mapped event; an array per field cost 8k instructions).
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { buffer in
            // Digits written in place, two at a time: a loop per field over a generic
            // stride cost half of formatting the mapper's `timestamp`.
            @inline(__always) func two(_ value: Int64, at offset: Int) {
                let value = UInt8(truncatingIfNeeded: value)
                buffer[offset] = UInt8(ascii: "0") &+ value / 10
                buffer[offset &+ 1] = UInt8(ascii: "0") &+ value % 10
            }
            two(year / 100, at: 0)
            two(year % 100, at: 2)
            buffer[4] = UInt8(ascii: "-")
            two(month, at: 5)
            buffer[7] = UInt8(ascii: "-")
            two(day, at: 8)
            buffer[10] = UInt8(ascii: "T")
            two(secondOfDay / 3600, at: 11)
            buffer[13] = UInt8(ascii: ":")
            two(secondOfDay / 60 % 60, at: 14)
            buffer[16] = UInt8(ascii: ":")
            two(secondOfDay % 60, at: 17)
            var count = 19
            if digits > 0 {
                buffer[19] = UInt8(ascii: ".")
                var rest = Int(nanoseconds)
                for _ in digits..<9 { rest /= 10 }
                var position = 19 + digits
                while position > 19 {
                    buffer[position] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest % 10)
                    rest /= 10
                    position -= 1
                }
                count = 20 + digits
            }
            buffer[count] = UInt8(ascii: "Z")
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[..<(count + 1)]), as: UTF8.self)
        }
    }

    /// This instant in UTC with `fractionDigits` digits.
    public func utcString(fractionDigits: Int = 3) -> String {
        Self.utcString(secondsSince1970: secondsSince1970, nanoseconds: nanoseconds, fractionDigits: fractionDigits)
    }

    /// Splits a `Date` into whole seconds and nanoseconds (floor).
    public static func components(of date: Date) -> (seconds: Int64, nanoseconds: Int32) {
        let interval = date.timeIntervalSince1970
        let whole = interval.rounded(.down)
        let nanos = min(max(((interval - whole) * 1_000_000_000).rounded(.down), 0), 999_999_999)
        return (Int64(whole), Int32(nanos))
    }

    private static func parse(_ bytes: UnsafeRawBufferPointer) -> (Int64, Int32, Int32, Int8)? {
        // "YYYY-MM-DDTHH:MM:SS" has fixed places: read as three words once the length
        // allows them all (`fixedPart`), where a byte at a time with a check per pair
        // cost twice the rest of the parse.
        guard bytes.count >= 20, let base = bytes.baseAddress, let fixed = fixedPart(base) else { return nil }
        let (year, month, day, hour, minute, second) = fixed
        guard (1...12).contains(month), day >= 1, day <= daysInMonth(year: year, month: month),
            hour < 24, minute < 60, second < 60
        else { return nil }
        var index = 19
        var nanos: Int64 = 0
        var fractionDigits: Int8 = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            // Chatlio writes six or nine digits: up to eight of them read as one word.
            if index &+ 8 <= bytes.count {
                let leading = Self.leadingDigits(UInt64(littleEndian: base.loadUnaligned(fromByteOffset: index, as: UInt64.self)))
                nanos = Int64(leading.value)
                fractionDigits = Int8(truncatingIfNeeded: leading.count)
                index &+= leading.count
            }
            while index < bytes.count, bytes[index] &- UInt8(ascii: "0") < 10 {
                guard fractionDigits < 9 else { return nil }
                nanos = nanos * 10 + Int64(bytes[index] - UInt8(ascii: "0"))
                fractionDigits += 1
                index += 1
            }
            guard fractionDigits > 0 else { return nil }
            for _ in Int(fractionDigits)..<9 { nanos *= 10 }
        }
        // The zone, and nothing after it: `Z` (any case), or `±HH:MM` read in place.
        var offset: Int64 = 0
        switch bytes.count &- index {
        case 1:
            guard bytes[index] | 0x20 == UInt8(ascii: "z") else { return nil }
        case 6:
            let sign = bytes[index]
            let hours = (bytes[index &+ 1] &- UInt8(ascii: "0"), bytes[index &+ 2] &- UInt8(ascii: "0"))
            let minutes = (bytes[index &+ 4] &- UInt8(ascii: "0"), bytes[index &+ 5] &- UInt8(ascii: "0"))
            guard sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-"), bytes[index &+ 3] == UInt8(ascii: ":"),
                hours.0 < 10, hours.1 < 10, minutes.0 < 10, minutes.1 < 10
            else { return nil }
            let offsetHours = Int64(hours.0) * 10 + Int64(hours.1), offsetMinutes = Int64(minutes.0) * 10 + Int64(minutes.1)
            guard offsetHours < 24, offsetMinutes < 60 else { return nil }
            offset = (sign == UInt8(ascii: "-") ? -1 : 1) * (offsetHours * 3600 + offsetMinutes * 60)
        default:
            return nil
        }
        let days = daysSince1970(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset
        guard (minimumSeconds ... maximumSeconds).contains(seconds) else { return nil }
        return (seconds, Int32(nanos), Int32(offset), fractionDigits)
    }

    /// The fields of `YYYY-MM-DDTHH:MM:SS` at `base` (19 bytes, which the caller
    /// has), or `nil` when a digit or a separator is not where it must be (`t`
    /// stands for `T` too). Ranges are the caller's to check.
    ///
    /// Three little-endian words: bytes 0–7 (`YYYY-MM-`), 8–15 (`DDTHH:MM`) and
    /// 11–18 (`HH:MM:SS`). In each, ``nonDigitBytes(_:)`` flags
    /// every byte that is not a digit, and those flags must fall exactly on the
    /// separators, which must be what they are. A pair of digits' value is
    /// ten times the first byte's low nibble plus the second's, worked out for
    /// every byte of the word at once (no byte can carry into the next: 99 < 256).
    @inline(__always)
    package static func fixedPart(_ base: UnsafeRawPointer) -> (Int64, Int64, Int64, Int64, Int64, Int64)? {
        let date = UInt64(littleEndian: base.loadUnaligned(as: UInt64.self))
        let middle = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        let time = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: 11, as: UInt64.self))
        // Flags (0xFF bytes, from the digit test) and the separators' bytes, lowest byte first.
        let dateSeparators: UInt64 = 0xFF00_00FF_0000_0000, dateSeparatorBytes: UInt64 = 0x2D00_002D_0000_0000  // "-" at 4 and 7
        let middleSeparators: UInt64 = 0x0000_FF00_00FF_0000, middleSeparatorBytes: UInt64 = 0x0000_3A00_0074_0000  // "T" (any case) at 2, ":" at 5
        let timeSeparators: UInt64 = 0x0000_FF00_00FF_0000, timeSeparatorBytes: UInt64 = 0x0000_3A00_003A_0000  // ":" at 2 and 5
        guard nonDigitBytes(date) == dateSeparators, date & dateSeparators == dateSeparatorBytes,
            nonDigitBytes(middle) == middleSeparators, (middle | 0x0000_0000_0020_0000) & middleSeparators == middleSeparatorBytes,
            nonDigitBytes(time) == timeSeparators, time & timeSeparators == timeSeparatorBytes
        else { return nil }
        @inline(__always) func pairs(_ word: UInt64, digits: UInt64) -> UInt64 {
            let values = word & digits & 0x0F0F_0F0F_0F0F_0F0F
            return values &* 10 &+ (values >> 8)  // byte k: ten times digit k, plus digit k + 1
        }
        @inline(__always) func byte(_ word: UInt64, _ index: UInt64) -> Int64 { Int64((word >> (index &* 8)) & 0xFF) }
        let datePairs = pairs(date, digits: ~dateSeparators), middlePairs = pairs(middle, digits: ~middleSeparators)
        let timePairs = pairs(time, digits: ~timeSeparators)
        return (byte(datePairs, 0) &* 100 &+ byte(datePairs, 2), byte(datePairs, 5), byte(middlePairs, 0),
                byte(middlePairs, 3), byte(middlePairs, 6), byte(timePairs, 6))
    }

    /// 0xFF in each byte of `word` that is not an ASCII digit, 0 in each that is.
    @inline(__always)
    package static func nonDigitBytes(_ word: UInt64) -> UInt64 {
        let flags = nonDigitFlags(word)
        // Any bit set in a byte → its high bit set → the whole byte.
        let high = (flags | ((flags & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7F7F_7F7F_7F7F_7F7F)) & 0x8080_8080_8080_8080
        return (high >> 7) &* 0xFF
    }

    /// Some bit set in each byte of `word` that is not an ASCII digit, none in
    /// each that is: a byte is a digit exactly when its high nibble is 3 and
    /// adding 6 leaves it 3. A carry out of a byte at or above 0xFA only reaches
    /// later bytes and only ever sets their bits, so no byte after a non-digit is
    /// taken for a digit it is not, and the lowest flagged byte is exact.
    @inline(__always)
    static func nonDigitFlags(_ word: UInt64) -> UInt64 {
        let highNibbles: UInt64 = 0xF0F0_F0F0_F0F0_F0F0
        return ((word & highNibbles) | (((word &+ 0x0606_0606_0606_0606) & highNibbles) >> 4)) ^ 0x3333_3333_3333_3333
    }

    /// The digits at the start of eight bytes (the first in the word's lowest
    /// byte): how many there are before the first other byte (``nonDigitFlags(_:)``),
    /// and the number they spell, from simdjson's three multiplications over the
    /// digits padded with leading zeros to eight.
    @inline(__always)
    package static func leadingDigits(_ word: UInt64) -> (value: UInt32, count: Int) {
        let zeros: UInt64 = 0x3030_3030_3030_3030
        let nonDigits = nonDigitFlags(word)
        let count = nonDigits == 0 ? 8 : nonDigits.trailingZeroBitCount >> 3
        guard count > 0 else { return (0, 0) }
        let padding = UInt64(8 &- count) &* 8
        var value = ((word << padding) | (zeros >> (64 &- padding))) &- zeros
        value = (value &* 10) &+ (value >> 8)  // each byte pair's two digits, in the pair's low byte
        let pairs: UInt64 = 0x0000_00FF_0000_00FF
        value = ((value & pairs) &* (100 &+ (1_000_000 << 32)) &+ ((value >> 16) & pairs) &* (1 &+ (10_000 << 32))) >> 32
        return (UInt32(truncatingIfNeeded: value), count)
    }

    /// 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z: the instants RFC 3339 can write in UTC.
    private static let minimumSeconds: Int64 = -62_167_219_200
    private static let maximumSeconds: Int64 = 253_402_300_799

    /// Days in a month of the proleptic Gregorian calendar (shared with `HTTPDate`).
    package static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    // Howard Hinnant's days_from_civil / civil_from_days.
    package static func daysSince1970(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let monthIndex = (month + 9) % 12
        let dayOfYear = (153 * monthIndex + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    package static func civilDate(fromDaysSince1970 days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

extension RFC3339Timestamp: Codable {
    /// Decodes from a JSON string; a string that is not RFC 3339 is a
    /// `DecodingError.dataCorrupted`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let timestamp = RFC3339Timestamp(parsing: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "\"\(text)\" is not an RFC 3339 date-time")
        }
        self = timestamp
    }

    /// Encodes the original text.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}

/// An instant as ``RFC3339Timestamp`` holds it (whole seconds since 1970 and
/// nanoseconds), for code that needs no text.
package struct RFC3339Instant: Sendable, Equatable {
    package let secondsSince1970: Int64
    package let nanoseconds: Int32

    package init(secondsSince1970: Int64, nanoseconds: Int32) {
        self.secondsSince1970 = secondsSince1970
        self.nanoseconds = nanoseconds
    }

    /// This instant in UTC with `fractionDigits` digits, as ``RFC3339Timestamp/utcString(fractionDigits:)`` writes it.
    package func utcString(fractionDigits: Int) -> String {
        RFC3339Timestamp.utcString(secondsSince1970: secondsSince1970, nanoseconds: nanoseconds, fractionDigits: fractionDigits)
    }
}
