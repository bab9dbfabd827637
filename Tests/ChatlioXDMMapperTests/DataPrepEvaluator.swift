import ChatlioWebhooks
import Foundation

/// A local stand-in for AEP Data Prep, for the subset of its expression
/// language the mapper's mapping set uses (help/data-prep/functions.md): it
/// applies a mapping set to a source document, so tests can check what the
/// set would write. Semantics follow the page: functions pass null through,
/// `coalesce` takes the first non-null, `nullify()` leaves a field out. An
/// unknown function or syntax is a test failure (``Failure``), never a guess.
struct DataPrepEvaluator {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// What `now()` and `uuid()` give (fixed, so outputs compare).
    var now = "2026-01-01T00:00:00.000Z"
    var uuid = "00000000-0000-4000-8000-000000000000"

    /// The functions this evaluator knows: every one is on Adobe's page.
    static let functions: Set<String> = [
        "coalesce", "iif", "contains_key", "nullify", "uuid", "now", "date", "lower", "trim", "matches_regex", "size_of", "equals",
    ]

    func apply(_ set: JSONValue, to source: JSONObject) throws -> JSONObject {
        var output: JSONObject = [:]
        for row in set["mappings"]?.arrayValue ?? [] {
            guard let type = row["sourceType"]?.stringValue, let text = row["source"]?.stringValue, let destination = row["destination"]?.stringValue else {
                throw Failure(description: "a mapping lacks sourceType, source or destination: \(row)")
            }
            switch type {
            case "STATIC":
                Self.set(.string(text), at: destination, in: &output)
            case "ATTRIBUTE" where text.contains("[*]"):
                let (arrayPath, field) = try Self.splitIteration(text)
                let (destinationArray, destinationField) = try Self.splitIteration(destination)
                guard let items = Self.value(at: arrayPath, in: source)?.arrayValue else { continue }
                let mapped: [JSONValue] = items.map { item in
                    guard let value = Self.value(at: field, in: item.objectValue ?? [:]) else { return .object([:]) }
                    var object: JSONObject = [:]
                    Self.set(value, at: destinationField, in: &object)
                    return .object(object)
                }
                Self.set(.array(mapped), at: destinationArray, in: &output)
            case "ATTRIBUTE":
                if let value = Self.value(at: text, in: source) { Self.set(value, at: destination, in: &output) }
            case "EXPRESSION":
                var parser = Parser(text: Array(text), evaluator: self, source: source)
                let value = try parser.parseWhole()
                if let value { Self.set(value, at: destination, in: &output) }
            default:
                throw Failure(description: "unknown sourceType \(type)")
            }
        }
        return output
    }

    static func splitIteration(_ path: String) throws -> (String, String) {
        guard let range = path.range(of: "[*].") else { throw Failure(description: "\(path): [*] must be followed by a field") }
        return (String(path[..<range.lowerBound]), String(path[range.upperBound...]))
    }

    static func value(at path: String, in object: JSONObject) -> JSONValue? {
        var current: JSONValue? = .object(object)
        for part in path.split(separator: ".") { current = current?[String(part)] }
        if case .null = current { return nil }
        return current
    }

    static func set(_ value: JSONValue, at path: String, in object: inout JSONObject) {
        let parts = path.split(separator: ".").map(String.init)
        func put(_ parts: ArraySlice<String>, into object: inout JSONObject) {
            guard let first = parts.first else { return }
            if parts.count == 1 { object[first] = value; return }
            var child = object[first]?.objectValue ?? [:]
            put(parts.dropFirst(), into: &child)
            object[first] = .object(child)
        }
        put(parts[...], into: &object)
    }

    /// A recursive-descent reader of one expression.
    struct Parser {
        var text: [Character]
        var position = 0
        let evaluator: DataPrepEvaluator
        let source: JSONObject

        init(text: [Character], evaluator: DataPrepEvaluator, source: JSONObject) {
            self.text = text
            self.evaluator = evaluator
            self.source = source
        }

        mutating func parseWhole() throws -> JSONValue? {
            let value = try parseExpression()
            skipSpaces()
            guard position == text.count else { throw Failure(description: "unexpected text at \(position) in \(String(text))") }
            return value
        }

        mutating func skipSpaces() {
            while position < text.count, text[position] == " " { position += 1 }
        }

        mutating func expect(_ character: Character) throws {
            skipSpaces()
            guard position < text.count, text[position] == character else { throw Failure(description: "expected \(character) at \(position) in \(String(text))") }
            position += 1
        }

        mutating func parseExpression() throws -> JSONValue? {
            var value = try parsePrimary()
            skipSpaces()
            // `STRING1.equals(STRING2)`, a string method on the page.
            while position < text.count, text[position] == "." {
                position += 1
                let name = readIdentifier()
                guard name == "equals" else { throw Failure(description: "unknown method \(name)") }
                let arguments = try parseArguments()
                guard arguments.count == 1 else { throw Failure(description: "equals takes one argument") }
                value = .bool(value != nil && value == arguments[0])
                skipSpaces()
            }
            return value
        }

        mutating func readIdentifier() -> String {
            var name = ""
            while position < text.count, text[position].isLetter || text[position].isNumber || text[position] == "_" || text[position] == "$" {
                name.append(text[position])
                position += 1
            }
            return name
        }

        mutating func parseArguments() throws -> [JSONValue?] {
            try expect("(")
            var arguments: [JSONValue?] = []
            skipSpaces()
            if position < text.count, text[position] == ")" { position += 1; return [] }
            while true {
                arguments.append(try parseExpression())
                skipSpaces()
                guard position < text.count else { throw Failure(description: "unclosed call in \(String(text))") }
                if text[position] == "," { position += 1; continue }
                try expect(")")
                return arguments
            }
        }

        mutating func parsePrimary() throws -> JSONValue? {
            skipSpaces()
            guard position < text.count else { throw Failure(description: "expression ends early: \(String(text))") }
            if text[position] == "\"" {
                position += 1
                var string = ""
                while position < text.count, text[position] != "\"" {
                    if text[position] == "\\", position + 1 < text.count { position += 1 }
                    string.append(text[position])
                    position += 1
                }
                try expect("\"")
                return .string(string)
            }
            let name = readIdentifier()
            guard !name.isEmpty else { throw Failure(description: "unexpected \(text[position]) at \(position) in \(String(text))") }
            skipSpaces()
            if position < text.count, text[position] == "(" {
                return try call(name, parseArguments())
            }
            // A source path: identifiers joined by dots.
            var path = name
            while position + 1 < text.count, text[position] == ".", text[position + 1].isLetter {
                let save = position
                position += 1
                let part = readIdentifier()
                skipSpaces()
                if position < text.count, text[position] == "(" { position = save; break }  // a method, not a path
                path += "." + part
            }
            return DataPrepEvaluator.value(at: path, in: source)
        }

        func call(_ name: String, _ arguments: [JSONValue?]) throws -> JSONValue? {
            guard DataPrepEvaluator.functions.contains(name) else { throw Failure(description: "\(name) is not a function this mapping may use") }
            func string(_ index: Int) -> String? { index < arguments.count ? arguments[index]?.stringValue : nil }
            switch name {
            case "coalesce": return arguments.first { $0 != nil } ?? nil
            case "iif":
                guard arguments.count == 3, let condition = arguments[0]?.boolValue else { throw Failure(description: "iif needs a boolean and two values") }
                return condition ? arguments[1] : arguments[2]
            case "contains_key":
                guard let path = string(0) else { throw Failure(description: "contains_key needs a path") }
                return .bool(DataPrepEvaluator.value(at: path, in: source) != nil)
            case "nullify": return nil
            case "uuid": return .string(evaluator.uuid)
            case "now": return .string(evaluator.now)
            case "lower": return string(0).map { .string($0.lowercased()) }
            case "trim": return string(0).map { .string($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            case "matches_regex":
                guard let input = string(0), let pattern = string(1) else { return .bool(false) }
                return .bool(input.range(of: pattern, options: .regularExpression) != nil)
            case "size_of": return arguments.first??.arrayValue.map { .number(JSONNumber($0.count)) }
            case "date":
                // Parses RFC 3339 text (what the sources hold) to UTC milliseconds, as AEP stores date-times.
                guard let text = string(0), let parsed = RFC3339Timestamp(parsing: text) else { return arguments.count > 2 ? arguments[2] : nil }
                return .string(parsed.utcString(fractionDigits: 3))
            default: throw Failure(description: "\(name) is not evaluated here")
            }
        }
    }
}
