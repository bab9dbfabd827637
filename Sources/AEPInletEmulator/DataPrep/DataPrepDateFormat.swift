/// A source date format for Data Prep's `date(DATE, FORMAT)`: the Java
/// pattern letters help/data-prep/data-handling.md ("Date/time format
/// strings") lists, as far as its default formats and ChatlioXDMMapper's
/// mapping need them, read the way `java.time.DateTimeFormatter` reads them.
///
/// | Letters | Reads |
/// |---|---|
/// | `yyyy`, `yy` | four-digit year; two digits as 20xx |
/// | `M`, `MM`, `MMM`, `MMMM` | month: 1–2 digits, 2 digits, `Jan`, `January` (any case) |
/// | `d`/`dd`, `H`/`HH`, `h`/`hh`, `m`/`mm`, `s`/`ss` | 1–2 digits / exactly 2 |
/// | `S`…`SSSSSSSSS` | exactly that many fraction digits |
/// | `a` | `AM` or `PM` |
/// | `X`, `XX`, `XXX` | `Z`, or `±HH[MM]`, `±HHMM`, `±HH:MM` |
/// | `Z` | `±HHMM` |
/// | `'…'` | literal text (`''` is a quote); other non-letters are literal |
///
/// The whole text must be read. A format without an offset reads the time as UTC.
///
/// ```swift
/// let format = try DataPrepDateFormat("yyyy-MM-dd'T'HH:mm:ss.SSSX")
/// format.parse("2024-05-19T16:14:32.000Z")?.text   // "2024-05-19T16:14:32.000Z"
/// ```
struct DataPrepDateFormat: Sendable, Hashable {
    struct Problem: Error {
        let message: String
    }

    private enum Field: Sendable, Hashable {
        case literal(String)
        case year(Int), month(Int), day(Int), hour24(Int), hour12(Int), minute(Int), second(Int), fraction(Int)
        case amPm, isoOffset(Int), rfc822Offset
    }

    let pattern: String
    private let fields: [Field]

    init(_ pattern: String) throws(Problem) {
        self.pattern = pattern
        var fields: [Field] = []
        let characters = Array(pattern)
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if character == "'" {
                var literal = ""
                index += 1
                var closed = false
                while index < characters.count {
                    if characters[index] == "'" {
                        if index + 1 < characters.count, characters[index + 1] == "'" {
                            literal.append("'")
                            index += 2
                            continue
                        }
                        closed = true
                        index += 1
                        break
                    }
                    literal.append(characters[index])
                    index += 1
                }
                guard closed else { throw Problem(message: "a quoted literal is not closed") }
                fields.append(.literal(literal.isEmpty ? "'" : literal))
                continue
            }
            guard character.isASCII, character.isLetter else {
                fields.append(.literal(String(character)))
                index += 1
                continue
            }
            var count = 0
            while index < characters.count, characters[index] == character {
                count += 1
                index += 1
            }
            func upTo(_ most: Int, _ field: Field) throws(Problem) -> Field {
                guard count <= most else { throw Problem(message: "\(String(repeating: character, count: count)) is not a valid field") }
                return field
            }
            switch character {
            case "y": fields.append(count == 2 ? .year(2) : .year(4))
            case "M": fields.append(try upTo(4, .month(count)))
            case "d": fields.append(try upTo(2, .day(count)))
            case "H": fields.append(try upTo(2, .hour24(count)))
            case "h": fields.append(try upTo(2, .hour12(count)))
            case "m": fields.append(try upTo(2, .minute(count)))
            case "s": fields.append(try upTo(2, .second(count)))
            case "S": fields.append(try upTo(9, .fraction(count)))
            case "a": fields.append(try upTo(1, .amPm))
            case "X": fields.append(try upTo(3, .isoOffset(count)))
            case "Z": fields.append(try upTo(3, .rfc822Offset))
            default:
                throw Problem(message: "the pattern letter \(character) is not emulated (the emulator reads y, M, d, H, h, m, s, S, a, X and Z)")
            }
        }
        self.fields = fields
    }

    /// The formats `date(DATE)` tries in order, from help/data-prep/data-handling.md
    /// ("Date function conversions"); the first that reads the text wins.
    static let defaults: [DataPrepDateFormat] = [
        "yyyy-MM-dd HH:mm:ssZ", "yyyy-MM-dd HH:mm:ss.SSSZ", "yyyy-MM-dd HH:mm:ss.SSS", "yyyy-MM-dd'T'HH:mm:ss.SSSX",
        "yyyy-MM-dd'T'HH:mm:ss'Z'", "yyyy-MM-dd", "yyyy/MM/dd", "yyyy.MM.dd", "yyyy-MMM-dd", "yyyyMMdd", "MM-dd-yyyy", "MMddyyyy",
        "M/dd/yyyy", "dd.M.yyyy", "M/dd/yyyy hh:mm:ss a", "dd.M.yyyy hh:mm:ss a", "dd.MMM.yyyy", "dd-MMM-yyyy",
    ].compactMap { try? DataPrepDateFormat($0) }

    private static let monthNames = [
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
    ]

    /// The instant `text` names, or `nil` when this format does not read all of it.
    func parse(_ text: String) -> DataPrepDateTime? {
        let characters = Array(text)
        var index = 0
        var year: Int64?, month: Int64?, day: Int64?
        var hour: Int64 = 0, minute: Int64 = 0, second: Int64 = 0, nanoseconds: Int64 = 0
        var hour12: Int64?, isPM: Bool?
        var offsetSeconds: Int64 = 0

        func digits(_ least: Int, _ most: Int) -> Int64? {
            var value: Int64 = 0
            var count = 0
            while count < most, index < characters.count, let digit = characters[index].wholeNumberValue, characters[index].isASCII {
                value = value * 10 + Int64(digit)
                index += 1
                count += 1
            }
            return count >= least ? value : nil
        }
        func width(_ count: Int) -> (Int, Int) { count == 1 ? (1, 2) : (count, count) }
        func offset(colon: Bool, minutesOptional: Bool, allowZ: Bool) -> Int64? {
            guard index < characters.count else { return nil }
            if allowZ, characters[index] == "Z" {
                index += 1
                return 0
            }
            let sign: Int64
            switch characters[index] {
            case "+": sign = 1
            case "-": sign = -1
            default: return nil
            }
            index += 1
            guard let hours = digits(2, 2), hours <= 18 else { return nil }
            var minutes: Int64 = 0
            if colon {
                if index < characters.count, characters[index] == ":" {
                    index += 1
                    guard let value = digits(2, 2) else { return nil }
                    minutes = value
                } else if !minutesOptional {
                    return nil
                }
            } else if let value = digits(2, 2) {
                minutes = value
            } else if !minutesOptional {
                return nil
            }
            guard minutes < 60 else { return nil }
            return sign * (hours * 3600 + minutes * 60)
        }

        for field in fields {
            switch field {
            case .literal(let literal):
                for expected in literal {
                    guard index < characters.count, characters[index] == expected else { return nil }
                    index += 1
                }
            case .year(let count):
                guard let value = digits(count, count) else { return nil }
                year = count == 2 ? 2000 + value : value
            case .month(let count) where count >= 3:
                let rest = String(characters[index...]).lowercased()
                let match = Self.monthNames.enumerated().first { entry in
                    rest.hasPrefix(count == 3 ? String(entry.element.prefix(3)) : entry.element)
                }
                guard let match else { return nil }
                index += count == 3 ? 3 : match.element.count
                month = Int64(match.offset + 1)
            case .month(let count):
                let (least, most) = width(count)
                month = digits(least, most)
                if month == nil { return nil }
            case .day(let count):
                let (least, most) = width(count)
                day = digits(least, most)
                if day == nil { return nil }
            case .hour24(let count):
                let (least, most) = width(count)
                guard let value = digits(least, most), value < 24 else { return nil }
                hour = value
            case .hour12(let count):
                let (least, most) = width(count)
                guard let value = digits(least, most), (1 ... 12).contains(value) else { return nil }
                hour12 = value
            case .minute(let count):
                let (least, most) = width(count)
                guard let value = digits(least, most), value < 60 else { return nil }
                minute = value
            case .second(let count):
                let (least, most) = width(count)
                guard let value = digits(least, most), value < 60 else { return nil }
                second = value
            case .fraction(let count):
                guard let value = digits(count, count) else { return nil }
                var scaled = value
                for _ in count ..< 9 { scaled *= 10 }
                nanoseconds = scaled
            case .amPm:
                guard index + 1 < characters.count else { return nil }
                switch String(characters[index ... index + 1]).uppercased() {
                case "AM": isPM = false
                case "PM": isPM = true
                default: return nil
                }
                index += 2
            case .isoOffset(let count):
                guard let value = offset(colon: count == 3, minutesOptional: count == 1, allowZ: true) else { return nil }
                offsetSeconds = value
            case .rfc822Offset:
                guard let value = offset(colon: false, minutesOptional: false, allowZ: false) else { return nil }
                offsetSeconds = value
            }
        }
        guard index == characters.count, let year, let month, let day, (1 ... 12).contains(month) else { return nil }
        guard day >= 1, day <= Self.daysIn(month: month, year: year) else { return nil }
        if let hour12 { hour = hour12 % 12 + (isPM == true ? 12 : 0) }
        let days = Self.daysSince1970(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        return DataPrepDateTime(secondsSince1970: seconds, nanoseconds: Int32(nanoseconds))
    }

    static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
    static func daysSince1970(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
