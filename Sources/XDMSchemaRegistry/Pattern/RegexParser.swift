/// Recursive-descent parser for the supported subset.
struct RegexParser {
    let source: String
    private let scalars: [Unicode.Scalar]
    private var position = 0

    init(source: String) {
        self.source = source
        self.scalars = Array(source.unicodeScalars)
    }

    mutating func parse() throws(XDMSchemaError) -> RegexNode {
        let node = try parseAlternation()
        if position < scalars.count {
            throw failure(.invalidPattern, "unbalanced ')'")
        }
        return node
    }

    private func failure(_ code: XDMSchemaError.Code, _ problem: String) -> XDMSchemaError {
        XDMSchemaError(code, "pattern \"\(source)\" at offset \(position): \(problem)")
    }

    private var current: Unicode.Scalar? { position < scalars.count ? scalars[position] : nil }

    private mutating func parseAlternation() throws(XDMSchemaError) -> RegexNode {
        var branches = [try parseSequence()]
        while current == "|" {
            position += 1
            branches.append(try parseSequence())
        }
        return branches.count == 1 ? branches[0] : .alternation(branches)
    }

    private mutating func parseSequence() throws(XDMSchemaError) -> RegexNode {
        var items: [RegexNode] = []
        while let scalar = current, scalar != "|", scalar != ")" {
            var atom = try parseAtom()
            atom = try parseQuantifiers(atom)
            items.append(atom)
        }
        return items.count == 1 ? items[0] : .sequence(items)
    }

    private mutating func parseQuantifiers(_ atom: RegexNode) throws(XDMSchemaError) -> RegexNode {
        var node = atom
        while let scalar = current {
            let bounds: (Int, Int?)
            switch scalar {
            case "*": bounds = (0, nil); position += 1
            case "+": bounds = (1, nil); position += 1
            case "?": bounds = (0, 1); position += 1
            case "{":
                guard let counted = try parseCountedQuantifier() else { return node }
                bounds = counted
            default:
                return node
            }
            if case .start = node { throw failure(.invalidPattern, "nothing to repeat") }
            if case .end = node { throw failure(.invalidPattern, "nothing to repeat") }
            if current == "?" { position += 1 }   // lazy: same set of matching strings
            node = .repetition(node, min: bounds.0, max: bounds.1)
            if let scalar = current, scalar == "*" || scalar == "+" || scalar == "?" || scalar == "{" {
                throw failure(.invalidPattern, "nothing to repeat")
            }
        }
        return node
    }

    /// `{n}`, `{n,}` or `{n,m}`; `nil` (and no input consumed) when `{` does not start one.
    private mutating func parseCountedQuantifier() throws(XDMSchemaError) -> (Int, Int?)? {
        let start = position
        position += 1
        guard let minimum = readNumber() else { position = start; return nil }
        var maximum: Int? = minimum
        if current == "," {
            position += 1
            maximum = readNumber()
        }
        guard current == "}" else { position = start; return nil }
        position += 1
        if minimum > 1000 || (maximum ?? 0) > 1000 {
            throw failure(.unsupportedPattern, "repetition counts above 1000 are not supported")
        }
        if let maximum, maximum < minimum {
            throw failure(.invalidPattern, "{\(minimum),\(maximum)}: the maximum is below the minimum")
        }
        return (minimum, maximum)
    }

    /// Reads decimal digits; values above 1000 read as 1001.
    private mutating func readNumber() -> Int? {
        var value: Int?
        while let scalar = current, ("0"..."9").contains(scalar) {
            value = min(1001, (value ?? 0) * 10 + Int(scalar.value - 48))
            position += 1
        }
        return value
    }

    private mutating func parseAtom() throws(XDMSchemaError) -> RegexNode {
        guard let scalar = current else { throw failure(.invalidPattern, "unexpected end") }
        switch scalar {
        case "(":
            position += 1
            if current == "?" {
                if position + 1 < scalars.count, scalars[position + 1] == ":" {
                    position += 2
                } else {
                    throw failure(.unsupportedPattern, "lookaround and named groups are not supported")
                }
            }
            let inner = try parseAlternation()
            guard current == ")" else { throw failure(.invalidPattern, "missing ')'") }
            position += 1
            return inner
        case "[":
            return try parseClass()
        case ".":
            position += 1
            var set = ByteSet(0...127)
            set = set.removing([0x0A, 0x0D])
            return .character(set, orNonASCII: true)
        case "^":
            position += 1
            return .start
        case "$":
            position += 1
            return .end
        case "\\":
            position += 1
            return try parseEscape(inClass: false).node
        case "*", "+", "?":
            throw failure(.invalidPattern, "nothing to repeat")
        case "{":
            // A '{' that does not start a quantifier is a literal, as in ECMA-262 Annex B.
            position += 1
            return .character(ByteSet(0x7B...0x7B), orNonASCII: false)
        default:
            position += 1
            return Self.literal(scalar)
        }
    }

    static func literal(_ scalar: Unicode.Scalar) -> RegexNode {
        if scalar.isASCII {
            let byte = UInt8(scalar.value)
            return .character(ByteSet(byte...byte), orNonASCII: false)
        }
        return .bytes(Array(String(scalar).utf8))
    }

    /// An escape after `\`: a node, and the ASCII set it denotes inside a class.
    private mutating func parseEscape(inClass: Bool) throws(XDMSchemaError) -> (node: RegexNode, set: ByteSet?, negated: Bool) {
        guard let scalar = current else { throw failure(.invalidPattern, "pattern ends with '\\'") }
        position += 1
        let digits = ByteSet(0x30...0x39)
        let word = ByteSet(0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x5F...0x5F)
        let space = ByteSet(0x09...0x0D, 0x20...0x20)
        switch scalar {
        case "d": return (.character(digits, orNonASCII: false), digits, false)
        case "D": return (.character(digits.asciiComplement, orNonASCII: true), digits, true)
        case "w": return (.character(word, orNonASCII: false), word, false)
        case "W": return (.character(word.asciiComplement, orNonASCII: true), word, true)
        case "s": return (.character(space, orNonASCII: false), space, false)
        case "S": return (.character(space.asciiComplement, orNonASCII: true), space, true)
        case "t", "n", "r", "f", "v":
            let byte: UInt8 = switch scalar {
            case "t": 0x09
            case "n": 0x0A
            case "r": 0x0D
            case "f": 0x0C
            default: 0x0B
            }
            let set = ByteSet(byte...byte)
            return (.character(set, orNonASCII: false), set, false)
        case "b" where inClass:
            let set = ByteSet(0x08...0x08)
            return (.character(set, orNonASCII: false), set, false)
        default:
            if scalar.isASCII, !scalar.properties.isAlphabetic, !("0"..."9").contains(scalar) {
                let byte = UInt8(scalar.value)
                let set = ByteSet(byte...byte)
                return (.character(set, orNonASCII: false), set, false)
            }
            throw failure(.unsupportedPattern, "the escape \\\(scalar) is not supported")
        }
    }

    private mutating func parseClass() throws(XDMSchemaError) -> RegexNode {
        position += 1
        var negated = false
        if current == "^" {
            negated = true
            position += 1
        }
        var set = ByteSet()
        while true {
            guard var scalar = current else { throw failure(.invalidPattern, "missing ']'") }
            if scalar == "]" { position += 1; break }
            var low: UInt8
            if scalar == "\\" {
                position += 1
                let escape = try parseEscape(inClass: true)
                guard let escaped = escape.set else { throw failure(.unsupportedPattern, "escape not supported in a class") }
                if escape.negated {
                    guard !negated else { throw failure(.unsupportedPattern, "\\D, \\W or \\S inside [^...] is not supported") }
                    set.formUnion(escaped.asciiComplement)
                    continue
                }
                guard let single = escaped.single else {
                    set.formUnion(escaped)
                    continue
                }
                low = single
            } else {
                guard scalar.isASCII else { throw failure(.unsupportedPattern, "non-ASCII characters in a class are not supported") }
                low = UInt8(scalar.value)
                position += 1
            }
            // A range "a-z" (a '-' before ']' is a literal).
            if current == "-", position + 1 < scalars.count, scalars[position + 1] != "]" {
                position += 1
                scalar = scalars[position]
                var high: UInt8
                if scalar == "\\" {
                    position += 1
                    let escape = try parseEscape(inClass: true)
                    guard let single = escape.set?.single, !escape.negated else {
                        throw failure(.invalidPattern, "a class range must end with a single character")
                    }
                    high = single
                } else {
                    guard scalar.isASCII else { throw failure(.unsupportedPattern, "non-ASCII characters in a class are not supported") }
                    high = UInt8(scalar.value)
                    position += 1
                }
                guard low <= high else { throw failure(.invalidPattern, "range out of order in a class") }
                set.insert(low...high)
            } else {
                set.insert(low)
            }
        }
        if negated {
            return .character(set.asciiComplement, orNonASCII: true)
        }
        return .character(set, orNonASCII: false)
    }
}
