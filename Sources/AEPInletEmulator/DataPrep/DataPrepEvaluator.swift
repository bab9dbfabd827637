import ChatlioJSON
import Foundation

/// Evaluates parsed Data Prep expressions against one source message, with
/// the semantics help/data-prep/functions.md documents for each function.
///
/// Where the page is silent the emulator decides, as follows, and says so:
/// - A path that is absent (or JSON `null`) is null. Every argument is
///   evaluated before its function runs (JEXL; see ``DataPrepExpression``),
///   so `coalesce(date(a), b)` fails if `date(a)` fails, whatever `b` is.
/// - Null passes through: `lower`, `trim`, `matches_regex`, `size_of` and
///   `date` of null are null; `iif` takes a null condition as false;
///   `"x".equals(null)` is false and `null.equals(…)` is null; `concat`
///   skips null arguments.
/// - A value of the wrong type (`trim` of an object, `iif` of a string) or
///   text `date` cannot read is a transformation error (``DataPrepError``):
///   help/data-prep/home.md says the attribute is then left null and the rest
///   of the row is ingested, so the mapping set leaves that destination out
///   and records the error.
///
/// ```swift
/// let evaluator = DataPrepEvaluator(now: { fixedDate }, uuid: { "00000000-0000-4000-8000-000000000000" })
/// let value = try evaluator.evaluate(DataPrepExpression(parsing: "lower(visitor.email)"), in: body)
/// ```
struct DataPrepEvaluator: Sendable {
    /// What `now()` reads.
    var now: @Sendable () -> Date = { Date() }
    /// What `uuid()` and `guid()` give: a random version 4 UUID, lower case.
    var uuid: @Sendable () -> String = { UUID().uuidString.lowercased() }

    func evaluate(_ expression: DataPrepExpression, in source: JSONValue) throws(DataPrepError) -> DataPrepValue {
        switch expression {
        case .literal(let value):
            return .json(value)
        case .path(let path):
            return .json(Self.value(at: path, in: source) ?? .null)
        case .array(let items):
            var values: [JSONValue] = []
            for item in items { values.append(try evaluate(item, in: source).written) }
            return .json(.array(values))
        case .equals(let target, let argument):
            let left = try evaluate(target, in: source)
            let right = try evaluate(argument, in: source)
            if left.isNull { return .null }
            guard case .json(.string(let string)) = left else {
                throw DataPrepError(.typeMismatch, "equals is a string method; it was called on a \(left.typeName)")
            }
            guard case .json(.string(let other)) = right else { return .json(.bool(false)) }
            // Java's String.equals: the same UTF-16 code units, case and all.
            return .json(.bool(Array(string.utf16) == Array(other.utf16)))
        case .call(let function, let argumentExpressions):
            var arguments: [DataPrepValue] = []
            for argument in argumentExpressions { arguments.append(try evaluate(argument, in: source)) }
            return try call(function, arguments, source: source)
        }
    }

    /// The value at a dotted path (each element one key), or nil.
    static func value(at path: [String], in source: JSONValue) -> JSONValue? {
        var current = source
        for key in path {
            guard case .object(let object) = current, let next = object[key] else { return nil }
            current = next
        }
        return current == .null ? nil : current
    }

    private func call(_ function: DataPrepFunction, _ arguments: [DataPrepValue], source: JSONValue) throws(DataPrepError) -> DataPrepValue {
        func text(_ index: Int) throws(DataPrepError) -> String? {
            switch arguments[index] {
            case .json(.null): return nil
            case .json(.string(let string)): return string
            case let other:
                throw DataPrepError(.typeMismatch, "\(function.rawValue) takes text as argument \(index + 1), got a \(other.typeName)")
            }
        }
        switch function {
        case .concat:
            var result = ""
            for argument in arguments {
                switch argument {
                case .json(.null): continue
                case .json(.string(let string)): result += string
                case .json(.number(let number)): result += number.text
                case .json(.bool(let bool)): result += bool ? "true" : "false"
                case .dateTime(let date): result += date.text
                case let other: throw DataPrepError(.typeMismatch, "concat joins text, got a \(other.typeName)")
                }
            }
            return .json(.string(result))
        case .lower:
            return try text(0).map { .json(.string($0.lowercased())) } ?? .null
        case .trim:
            // Java's String.trim: code points up to U+0020 at either end.
            return try text(0).map { .json(.string(String(String.UnicodeScalarView(
                $0.unicodeScalars.drop { $0.value <= 0x20 }.reversed().drop { $0.value <= 0x20 }.reversed()
            )))) } ?? .null
        case .matchesRegex:
            guard let input = try text(0) else { return .null }
            guard let pattern = try text(1) else { return .null }
            guard let regex = DataPrepRegex(pattern) else {
                throw DataPrepError(.invalidPattern, "matches_regex: \"\(pattern)\" is not a valid regular expression")
            }
            return .json(.bool(regex.matches(input)))
        case .now:
            let parts = RFC3339Timestamp.components(of: now())
            return .dateTime(DataPrepDateTime(secondsSince1970: parts.seconds, nanoseconds: parts.nanoseconds))
        case .date:
            return try date(arguments)
        case .containsKey:
            guard let path = try text(0) else { return .json(.bool(false)) }
            return .json(.bool(Self.containsKey(path, in: source)))
        case .nullify:
            return .null
        case .coalesce:
            return arguments.first { !$0.isNull } ?? .null
        case .iif:
            switch arguments[0] {
            case .json(.bool(let condition)): return condition ? arguments[1] : arguments[2]
            case .json(.null): return arguments[2]
            case let other: throw DataPrepError(.typeMismatch, "iif needs a boolean expression, got a \(other.typeName)")
            }
        case .sizeOf:
            switch arguments[0] {
            case .json(.null): return .null
            case .json(.array(let items)): return .json(.number(JSONNumber(items.count)))
            case .json(.object(let object)): return .json(.number(JSONNumber(object.count)))
            case .json(.string(let string)): return .json(.number(JSONNumber(string.utf16.count)))
            case let other: throw DataPrepError(.typeMismatch, "size_of takes an array, an object or text, got a \(other.typeName)")
            }
        case .uuid:
            return .json(.string(uuid()))
        }
    }

    /// `date(DATE)`, `date(DATE, FORMAT)`, `date(DATE, FORMAT, DEFAULT_DATE)`.
    private func date(_ arguments: [DataPrepValue]) throws(DataPrepError) -> DataPrepValue {
        let fallback = arguments.count == 3 ? arguments[2] : DataPrepValue.null
        let input: String
        switch arguments[0] {
        case .json(.null): return fallback
        case .dateTime: return arguments[0]
        case .json(.string(let string)): input = string
        case let other: throw DataPrepError(.typeMismatch, "date takes text or a date, got a \(other.typeName)")
        }
        if arguments.count >= 2 {
            let pattern: String
            switch arguments[1] {
            case .json(.string(let string)): pattern = string
            case let other: throw DataPrepError(.typeMismatch, "date's FORMAT must be text, got a \(other.typeName)")
            }
            let format: DataPrepDateFormat
            do throws(DataPrepDateFormat.Problem) {
                format = try DataPrepDateFormat(pattern)
            } catch {
                throw DataPrepError(.invalidPattern, "date: format \"\(pattern)\": \(error.message)")
            }
            guard let parsed = format.parse(input) else {
                throw DataPrepError(.unparsableDate, "date: \"\(input)\" does not match the format \"\(pattern)\"")
            }
            return .dateTime(parsed)
        }
        for format in DataPrepDateFormat.defaults {
            if let parsed = format.parse(input) { return .dateTime(parsed) }
        }
        throw DataPrepError(
            .unparsableDate,
            "date: \"\(input)\" matches none of the default formats help/data-prep/data-handling.md lists (give date a FORMAT)"
        )
    }

    /// Whether the dotted path names a key of the source (its value may be null).
    static func containsKey(_ path: String, in source: JSONValue) -> Bool {
        var current = source
        for key in path.split(separator: ".", omittingEmptySubsequences: false) {
            guard case .object(let object) = current, let next = object[String(key)] else { return false }
            current = next
        }
        return true
    }
}
