import ChatlioJSON

/// What an expression evaluates to: a JSON value, or a date-time (`date`,
/// `now`), which Data Prep holds as a ZonedDateTime until it is written.
enum DataPrepValue: Sendable, Hashable {
    case json(JSONValue)
    case dateTime(DataPrepDateTime)

    static let null = DataPrepValue.json(.null)

    var isNull: Bool { self == .null }

    /// As the mapped entity stores it: a date-time as ISO 8601 text (``DataPrepDateTime/text``).
    var written: JSONValue {
        switch self {
        case .json(let value): value
        case .dateTime(let date): .string(date.text)
        }
    }

    var typeName: String {
        switch self {
        case .json(let value): value.typeName
        case .dateTime: "date-time"
        }
    }
}

/// An instant, to the nanosecond.
struct DataPrepDateTime: Sendable, Hashable {
    var secondsSince1970: Int64
    var nanoseconds: Int32

    /// UTC with milliseconds, `yyyy-MM-dd'T'HH:mm:ss.SSS'Z'`: ISO 8601 as a
    /// date-time field holds it (an instant; AEP keeps no zone), and the form
    /// XDM-mode events use, so raw and XDM timestamps compare as text.
    var text: String {
        RFC3339Timestamp.utcString(secondsSince1970: secondsSince1970, nanoseconds: nanoseconds, fractionDigits: 3)
    }
}
