import ChatlioJSON
import Foundation

/// One parsed Data Prep expression (a mapping's `source` when its
/// `sourceType` is `EXPRESSION`), checked when the mapping set is created as
/// AEP checks it: syntax, function names and argument counts, literal
/// regular expressions and date formats.
///
/// The syntax is the one help/data-prep/functions.md describes: string
/// literals, dotted source paths (`visitor.email`; `${First Name}` and
/// `street\.name` for names that are not identifiers; the reserved keywords
/// the page lists must be wrapped in `${}`), function calls
/// (`trim(visitor.email)`), the string method `STRING1.equals(STRING2)`,
/// and the literals the page's examples use (`null`, numbers, `true`,
/// `false`, `[1, 2, 3, 4]`). The reserved words are JEXL's, the Apache
/// expression language: as in JEXL, every argument is evaluated before
/// the function is called.
///
/// ```swift
/// let expression = try DataPrepExpression(parsing: #"iif("".equals(trim(visitor.email)), nullify(), visitor.email)"#)
/// ```
indirect enum DataPrepExpression: Sendable, Hashable {
    case literal(JSONValue)
    case path([String])
    case array([DataPrepExpression])
    case call(DataPrepFunction, [DataPrepExpression])
    /// `target.equals(argument)`.
    case equals(DataPrepExpression, DataPrepExpression)

    /// Parses `text`.
    ///
    /// - Throws: ``DataPrepError`` with code ``DataPrepError/Code/syntax``,
    ///   ``DataPrepError/Code/unknownFunction``, ``DataPrepError/Code/unsupportedFunction``,
    ///   ``DataPrepError/Code/argumentCount`` or ``DataPrepError/Code/invalidPattern``,
    ///   its message naming the position (from 0) and what was found.
    init(parsing text: String) throws(DataPrepError) {
        var parser = Parser(text)
        self = try parser.whole()
    }

    /// The words functions.md says must be wrapped in `${}` to be field names.
    static let reservedWords: Set<String> = [
        "new", "mod", "or", "break", "var", "lt", "for", "false", "while", "eq", "gt", "div", "not", "null", "continue",
        "else", "and", "ne", "true", "le", "if", "ge", "return", "_errors",
    ]

    private struct Parser {
        let characters: [Character]
        let text: String
        var position = 0

        init(_ text: String) {
            self.text = text
            characters = Array(text)
        }

        func failure(_ message: String) -> DataPrepError {
            DataPrepError(.syntax, "\(message) at position \(position) of \(text)")
        }

        var current: Character? { position < characters.count ? characters[position] : nil }

        mutating func skipSpaces() {
            while let character = current, character.isWhitespace { position += 1 }
        }

        mutating func whole() throws(DataPrepError) -> DataPrepExpression {
            let expression = try self.expression()
            skipSpaces()
            if let extra = current { throw failure("unexpected \"\(extra)\" after a complete expression") }
            return expression
        }

        mutating func expect(_ character: Character, _ what: String) throws(DataPrepError) {
            skipSpaces()
            guard current == character else {
                throw failure("expected \"\(character)\" \(what), found \(current.map { "\"\($0)\"" } ?? "the end")")
            }
            position += 1
        }

        mutating func expression() throws(DataPrepError) -> DataPrepExpression {
            var value = try primary()
            while true {
                skipSpaces()
                guard current == "." else { return value }
                position += 1
                skipSpaces()
                let start = position
                let name = identifier()
                guard !name.isEmpty else { throw failure("expected a method name after \".\"") }
                let arguments = try self.arguments(of: name)
                guard name == "equals" else {
                    position = start
                    if Self.documentedMethods.contains(name) {
                        throw DataPrepError(.unsupportedFunction, "\(name) (at position \(start) of \(text)) is documented in help/data-prep/functions.md but not evaluated by the emulator")
                    }
                    throw DataPrepError(.unknownFunction, "\(name) (at position \(start) of \(text)) is not a method help/data-prep/functions.md documents")
                }
                guard arguments.count == 1 else {
                    throw DataPrepError(.argumentCount, "equals takes one argument (STRING1.equals(STRING2)), got \(arguments.count) in \(text)")
                }
                value = .equals(value, arguments[0])
            }
        }

        static let documentedMethods: Set<String> = ["equalsIgnoreCase", "get"]

        mutating func arguments(of name: String) throws(DataPrepError) -> [DataPrepExpression] {
            try expect("(", "to open the arguments of \(name)")
            skipSpaces()
            if current == ")" {
                position += 1
                return []
            }
            var arguments: [DataPrepExpression] = []
            while true {
                arguments.append(try expression())
                skipSpaces()
                switch current {
                case ",": position += 1
                case ")": position += 1; return arguments
                default: throw failure("expected \",\" or \")\" in the arguments of \(name), found \(current.map { "\"\($0)\"" } ?? "the end")")
                }
            }
        }

        mutating func primary() throws(DataPrepError) -> DataPrepExpression {
            skipSpaces()
            guard let character = current else { throw failure("the expression ends where a value was expected") }
            switch character {
            case "\"", "'": return .literal(.string(try string()))
            case "[":
                position += 1
                skipSpaces()
                var items: [DataPrepExpression] = []
                if current == "]" {
                    position += 1
                    return .array(items)
                }
                while true {
                    items.append(try expression())
                    skipSpaces()
                    switch current {
                    case ",": position += 1
                    case "]": position += 1; return .array(items)
                    default: throw failure("expected \",\" or \"]\" in an array, found \(current.map { "\"\($0)\"" } ?? "the end")")
                    }
                }
            case "(":
                position += 1
                let inner = try expression()
                try expect(")", "to close the parenthesis")
                return inner
            case "-", "0" ... "9": return .literal(.number(try number()))
            default: return try nameOrCall()
            }
        }

        mutating func string() throws(DataPrepError) -> String {
            let start = position
            guard let quote = current else { throw failure("expected a string") }
            position += 1
            var value = ""
            while let character = current {
                position += 1
                if character == quote { return value }
                guard character == "\\" else {
                    value.append(character)
                    continue
                }
                guard let escaped = current else { break }
                position += 1
                switch escaped {
                case "\\", "\"", "'": value.append(escaped)
                case "n": value.append("\n")
                case "t": value.append("\t")
                case "r": value.append("\r")
                case "u":
                    let hex = String(characters[position ..< min(position + 4, characters.count)])
                    guard hex.count == 4, let code = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(code) else {
                        throw failure("\\u needs four hexadecimal digits")
                    }
                    position += 4
                    value.unicodeScalars.append(scalar)
                default:
                    // Kept as written, so a regular expression's `\d` or `\.` reaches the regex engine.
                    value.append("\\")
                    value.append(escaped)
                }
            }
            position = start
            throw failure("unterminated string literal")
        }

        mutating func number() throws(DataPrepError) -> JSONNumber {
            let start = position
            if current == "-" { position += 1 }
            while let character = current, character.isASCII, character.isNumber || character == "." { position += 1 }
            let literal = String(characters[start ..< position])
            guard let number = JSONNumber(text: literal) else {
                position = start
                throw failure("\"\(literal)\" is not a number")
            }
            return number
        }

        /// An identifier (letters, digits, `_`, `$`, not starting with a digit), with `\.` escaping a dot.
        mutating func identifier() -> String {
            var name = ""
            while let character = current {
                if character == "\\", position + 1 < characters.count, characters[position + 1] == "." {
                    name.append(".")
                    position += 2
                    continue
                }
                let allowed = character.isLetter || character == "_" || character == "$" || (!name.isEmpty && character.isNumber)
                guard allowed, character != "$" || !(position + 1 < characters.count && characters[position + 1] == "{") else { break }
                name.append(character)
                position += 1
            }
            return name
        }

        /// `${…}` or an identifier; a reserved word unwrapped is refused, as functions.md requires.
        mutating func segment() throws(DataPrepError) -> (name: String, wrapped: Bool) {
            if current == "$", position + 1 < characters.count, characters[position + 1] == "{" {
                let start = position
                position += 2
                var name = ""
                while let character = current, character != "}" {
                    if character == "\\", position + 1 < characters.count, characters[position + 1] == "." {
                        name.append(".")
                        position += 2
                        continue
                    }
                    name.append(character)
                    position += 1
                }
                guard current == "}" else {
                    position = start
                    throw failure("unterminated ${")
                }
                position += 1
                return (name, true)
            }
            let name = identifier()
            guard !name.isEmpty else { throw failure("unexpected \(current.map { "\"\($0)\"" } ?? "end")") }
            return (name, false)
        }

        mutating func nameOrCall() throws(DataPrepError) -> DataPrepExpression {
            let start = position
            let first = try segment()
            skipSpaces()
            if !first.wrapped, current == "(" {
                return try call(first.name, at: start)
            }
            if !first.wrapped {
                switch first.name {
                case "true": return .literal(.bool(true))
                case "false": return .literal(.bool(false))
                case "null": return .literal(.null)
                default: break
                }
                if Self.isReserved(first.name) {
                    position = start
                    throw failure("\(first.name) is a reserved keyword: a field of that name must be written ${\(first.name)}")
                }
            }
            var path = [first.name]
            while current == "." {
                let dot = position
                position += 1
                let part = try segment()
                let afterPart = position
                skipSpaces()
                if !part.wrapped, current == "(" {
                    // `path.method(…)`: the dot starts a method call, not a path segment.
                    position = dot
                    break
                }
                position = afterPart
                if !part.wrapped, Self.isReserved(part.name) {
                    throw failure("\(part.name) is a reserved keyword: a field of that name must be written ${\(part.name)}")
                }
                path.append(part.name)
            }
            return .path(path)
        }

        static func isReserved(_ name: String) -> Bool { reservedWords.contains(name) }

        mutating func call(_ name: String, at start: Int) throws(DataPrepError) -> DataPrepExpression {
            guard let function = DataPrepFunction(named: name) else {
                if DataPrepFunction.documentedNames.contains(name) {
                    throw DataPrepError(.unsupportedFunction, "\(name) (at position \(start) of \(text)) is documented in help/data-prep/functions.md but not evaluated by the emulator")
                }
                throw DataPrepError(.unknownFunction, "\(name) (at position \(start) of \(text)) is not a function help/data-prep/functions.md documents")
            }
            let arguments = try self.arguments(of: name)
            guard function.arity.contains(arguments.count) else {
                throw DataPrepError(.argumentCount, "\(name) takes \(function.arityText), got \(arguments.count) in \(text)")
            }
            try function.checkLiterals(arguments, in: text)
            return .call(function, arguments)
        }
    }
}
