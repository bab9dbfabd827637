import ChatlioJSON
import Foundation

/// The Data Prep functions the emulator evaluates: those Adobe documents in
/// help/data-prep/functions.md that ChatlioXDMMapper's mapping set uses (and
/// `concat`), with the page's names, aliases and argument counts.
///
/// | Function | functions.md section | Arguments |
/// |---|---|---|
/// | `concat` | String functions | one or more |
/// | `lower` / `lcase` | String functions | INPUT |
/// | `trim` | String functions | STRING |
/// | `matches_regex` | Regular expression functions | STRING, REGEX |
/// | `now` | Date and time functions | none |
/// | `date` | Date and time functions | DATE [, FORMAT [, DEFAULT_DATE]] |
/// | `contains_key` | Hierarchies - Objects | INPUT (a path, as text) |
/// | `nullify` | Hierarchies - Objects | none |
/// | `coalesce` | Hierarchies - Arrays | one or more |
/// | `size_of` | Hierarchies - Arrays (Objects in older versions) | INPUT |
/// | `iif` | Logical operators | EXPRESSION, TRUE_VALUE, FALSE_VALUE |
/// | `uuid` / `guid` | Special operations | none |
///
/// `STRING1.equals(STRING2)` (String functions) is a method, parsed on its own.
enum DataPrepFunction: String, Sendable, Hashable, CaseIterable {
    case concat, lower, trim, now, date, nullify, coalesce, iif, uuid
    case matchesRegex = "matches_regex"
    case containsKey = "contains_key"
    case sizeOf = "size_of"

    init?(named name: String) {
        switch name {
        case "lcase": self = .lower
        case "guid": self = .uuid
        default: self.init(rawValue: name)
        }
    }

    var arity: ClosedRange<Int> {
        switch self {
        case .now, .nullify, .uuid: 0 ... 0
        case .lower, .trim, .containsKey, .sizeOf: 1 ... 1
        case .matchesRegex: 2 ... 2
        case .iif: 3 ... 3
        case .date: 1 ... 3
        case .concat, .coalesce: 1 ... Int.max
        }
    }

    var arityText: String {
        switch arity.upperBound {
        case Int.max: "at least \(arity.lowerBound) argument\(arity.lowerBound == 1 ? "" : "s")"
        case arity.lowerBound: "\(arity.lowerBound) argument\(arity.lowerBound == 1 ? "" : "s")"
        default: "\(arity.lowerBound) to \(arity.upperBound) arguments"
        }
    }

    /// Literal patterns are checked when the mapping set is created, as AEP
    /// validates a mapping's expression then (help/data-prep/api/mapping-set.md, "Validate mappings").
    func checkLiterals(_ arguments: [DataPrepExpression], in text: String) throws(DataPrepError) {
        switch self {
        case .matchesRegex:
            if case .literal(.string(let pattern)) = arguments[1], DataPrepRegex(pattern) == nil {
                throw DataPrepError(.invalidPattern, "matches_regex: \"\(pattern)\" is not a valid regular expression (in \(text))")
            }
        case .date:
            if arguments.count >= 2, case .literal(.string(let format)) = arguments[1] {
                do throws(DataPrepDateFormat.Problem) {
                    _ = try DataPrepDateFormat(format)
                } catch {
                    throw DataPrepError(.invalidPattern, "date: format \"\(format)\": \(error.message) (in \(text))")
                }
            }
        default:
            break
        }
    }

    /// Every function and method name on help/data-prep/functions.md, so a
    /// documented function the emulator does not evaluate is told apart from a typo.
    static let documentedNames: Set<String> = [
        "concat", "explode", "instr", "replacestr", "substr", "lower", "lcase", "upper", "ucase", "split", "join", "lpad", "rpad",
        "left", "right", "ltrim", "rtrim", "trim", "equals", "equalsIgnoreCase", "extract_regex", "matches_regex", "sha1", "sha256",
        "sha512", "md5", "crc32", "get_url_protocol", "get_url_host", "get_url_port", "get_url_path", "get_url_query_str",
        "get_url_encoded", "get_url_decoded", "now", "timestamp", "format", "dformat", "date", "date_part", "set_date_part",
        "make_date_time", "make_timestamp", "zone_date_to_utc", "zone_date_to_zone", "is_empty", "arrays_to_object", "arrays_to_objects",
        "to_object", "str_to_object", "contains_key", "is_set", "nullify", "get_keys", "get_values", "coalesce", "first", "last",
        "add_to_array", "join_arrays", "to_array", "size_of", "upsert_array_append", "upsert_array_replace", "decode", "iif", "min",
        "max", "to_bigint", "to_decimal", "to_float", "to_integer", "json_to_object", "uuid", "guid", "fpid_to_ecid", "ua_os_name",
        "ua_os_version_major", "ua_os_version", "ua_os_name_version", "ua_agent_version", "ua_agent_version_major", "ua_agent_name",
        "ua_device_class",
    ]
}

/// A compiled `matches_regex` pattern with Java's `String.matches` semantics: the whole input must match.
struct DataPrepRegex {
    private let expression: NSRegularExpression

    init?(_ pattern: String) {
        guard let expression = try? NSRegularExpression(pattern: "\\A(?:" + pattern + ")\\z") else { return nil }
        self.expression = expression
    }

    func matches(_ text: String) -> Bool {
        let range = NSRange(text.startIndex ..< text.endIndex, in: text)
        return expression.firstMatch(in: text, options: [], range: range) != nil
    }
}
