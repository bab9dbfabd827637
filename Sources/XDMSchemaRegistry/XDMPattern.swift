/// A compiled `pattern`: the subset of ECMA-262 regular expressions XDM uses,
/// matched in linear time without Foundation.
///
/// Supported syntax: literal characters (any Unicode), `.`, classes `[...]` and
/// `[^...]` with ASCII members and ranges, the escapes `\d \D \w \W \s \S`,
/// `\t \n \r \f \v`, and an escaped punctuation character (`\.`, `\-`, `\/`…),
/// groups `(...)` and `(?:...)`, alternation `|`, the quantifiers `* + ?`,
/// `{n}`, `{n,}`, `{n,m}` (lazy forms are accepted: only whether a match exists
/// matters), and the anchors `^` and `$`. As JSON Schema requires, a string
/// matches when the pattern matches *somewhere* in it: anchor with `^…$` to
/// match the whole string. Matching runs a Thompson NFA (Pike VM) over UTF-8
/// bytes, so time is linear in the input and no pattern can backtrack
/// catastrophically.
///
/// Not supported (compiling throws ``XDMSchemaError/Code/unsupportedPattern``):
/// lookaround `(?=` `(?!` `(?<=` `(?<!`, named groups, backreferences `\1`,
/// word boundaries `\b` `\B`, Unicode escapes `\u` `\x` `\p`, and non-ASCII
/// characters inside a class. `\s` matches ASCII white space only.
///
/// ```swift
/// let country = try XDMPattern("^[A-Z]{2}$")
/// country.matches("US")    // true
/// country.matches("usa")   // false
/// ```
public struct XDMPattern: Sendable, Hashable {
    /// The pattern as written in the schema.
    public let source: String
    private let program: [Instruction]

    /// Compiles `source`.
    ///
    /// - Throws: ``XDMSchemaError/Code/unsupportedPattern`` for syntax outside the
    ///   subset, ``XDMSchemaError/Code/invalidPattern`` for a malformed pattern;
    ///   the message gives the character offset.
    public init(_ source: String) throws(XDMSchemaError) {
        self.source = source
        var parser = RegexParser(source: source)
        let tree = try parser.parse()
        var compiler = RegexCompiler()
        try compiler.emit(tree, source: source)
        compiler.program.append(.match)
        program = compiler.program
    }

    public static func == (lhs: XDMPattern, rhs: XDMPattern) -> Bool { lhs.source == rhs.source }
    public func hash(into hasher: inout Hasher) { hasher.combine(source) }

    /// Whether `string` contains a match.
    public func matches(_ string: String) -> Bool {
        var string = string
        return string.withUTF8 { bytes in
            program.withUnsafeBufferPointer { program in
                PikeVM.search(program, in: bytes)
            }
        }
    }
}

/// A set of byte values.
struct ByteSet: Sendable, Hashable {
    private var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    static func == (lhs: ByteSet, rhs: ByteSet) -> Bool {
        lhs.words.0 == rhs.words.0 && lhs.words.1 == rhs.words.1 && lhs.words.2 == rhs.words.2 && lhs.words.3 == rhs.words.3
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
        hasher.combine(words.2)
        hasher.combine(words.3)
    }

    @inline(__always)
    func contains(_ byte: UInt8) -> Bool {
        let bit = UInt64(1) << UInt64(byte & 63)
        switch byte >> 6 {
        case 0: return words.0 & bit != 0
        case 1: return words.1 & bit != 0
        case 2: return words.2 & bit != 0
        default: return words.3 & bit != 0
        }
    }

    mutating func insert(_ byte: UInt8) {
        let bit = UInt64(1) << UInt64(byte & 63)
        switch byte >> 6 {
        case 0: words.0 |= bit
        case 1: words.1 |= bit
        case 2: words.2 |= bit
        default: words.3 |= bit
        }
    }

    mutating func insert(_ range: ClosedRange<UInt8>) {
        for byte in range { insert(byte) }
    }

    mutating func formUnion(_ other: ByteSet) {
        words.0 |= other.words.0
        words.1 |= other.words.1
        words.2 |= other.words.2
        words.3 |= other.words.3
    }

    /// The ASCII bytes not in this set.
    var asciiComplement: ByteSet {
        var result = ByteSet()
        for byte in UInt8(0)...127 where !contains(byte) { result.insert(byte) }
        return result
    }

    init() {}

    init(_ ranges: ClosedRange<UInt8>...) {
        for range in ranges { insert(range) }
    }
}

/// A parsed regular expression.
indirect enum RegexNode {
    /// One character from an ASCII set, or (when `orNonASCII`) any non-ASCII character.
    case character(ByteSet, orNonASCII: Bool)
    /// The UTF-8 bytes of one literal non-ASCII character.
    case bytes([UInt8])
    case sequence([RegexNode])
    case alternation([RegexNode])
    case repetition(RegexNode, min: Int, max: Int?)
    case start
    case end
}

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

extension ByteSet {
    /// The only member, when the set has exactly one.
    var single: UInt8? {
        var found: UInt8?
        for byte in UInt8(0)...255 where contains(byte) {
            if found != nil { return nil }
            found = byte
        }
        return found
    }

    func removing(_ bytes: [UInt8]) -> ByteSet {
        var result = ByteSet()
        for byte in UInt8(0)...255 where contains(byte) && !bytes.contains(byte) { result.insert(byte) }
        return result
    }
}

/// One NFA instruction.
enum Instruction: Sendable, Hashable {
    case byte(ByteSet)
    case split(Int, Int)
    case jump(Int)
    case assertStart
    case assertEnd
    case match
}

/// Compiles a ``RegexNode`` into NFA instructions.
struct RegexCompiler {
    var program: [Instruction] = []
    static let maximumProgramSize = 20_000

    mutating func emit(_ node: RegexNode, source: String) throws(XDMSchemaError) {
        guard program.count < Self.maximumProgramSize else {
            throw XDMSchemaError(.unsupportedPattern, "pattern \"\(source)\" compiles to more than \(Self.maximumProgramSize) instructions")
        }
        switch node {
        case .character(let set, let orNonASCII):
            if !orNonASCII {
                program.append(.byte(set))
                return
            }
            // set | 2-byte | 3-byte | 4-byte UTF-8 sequence.
            let lead2 = ByteSet(0xC0...0xDF), lead3 = ByteSet(0xE0...0xEF), lead4 = ByteSet(0xF0...0xF7)
            let continuation = ByteSet(0x80...0xBF)
            let branches: [[ByteSet]] = [
                [set], [lead2, continuation], [lead3, continuation, continuation], [lead4, continuation, continuation, continuation],
            ]
            try emitAlternation(branches.map { sets in .sequence(sets.map { .character($0, orNonASCII: false) }) }, source: source)
        case .bytes(let bytes):
            for byte in bytes { program.append(.byte(ByteSet(byte...byte))) }
        case .sequence(let items):
            for item in items { try emit(item, source: source) }
        case .alternation(let branches):
            try emitAlternation(branches, source: source)
        case .repetition(let body, let minimum, let maximum):
            for _ in 0..<minimum { try emit(body, source: source) }
            if let maximum {
                // Each optional copy: split(body, skip-all).
                var exits: [Int] = []
                for _ in minimum..<maximum {
                    exits.append(program.count)
                    program.append(.split(program.count + 1, 0))
                    try emit(body, source: source)
                }
                for exit in exits { program[exit] = .split(exit + 1, program.count) }
            } else {
                let loop = program.count
                program.append(.split(loop + 1, 0))
                try emit(body, source: source)
                program.append(.jump(loop))
                program[loop] = .split(loop + 1, program.count)
            }
        case .start:
            program.append(.assertStart)
        case .end:
            program.append(.assertEnd)
        }
    }

    private mutating func emitAlternation(_ branches: [RegexNode], source: String) throws(XDMSchemaError) {
        var jumpsToEnd: [Int] = []
        for (index, branch) in branches.enumerated() {
            if index < branches.count - 1 {
                let split = program.count
                program.append(.split(split + 1, 0))
                try emit(branch, source: source)
                jumpsToEnd.append(program.count)
                program.append(.jump(0))
                program[split] = .split(split + 1, program.count)
            } else {
                try emit(branch, source: source)
            }
        }
        for jump in jumpsToEnd { program[jump] = .jump(program.count) }
    }
}

/// Runs a compiled program over bytes, tracking every NFA state at once.
enum PikeVM {
    static func search(_ program: UnsafeBufferPointer<Instruction>, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let count = program.count
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: count * 5 + 2) { memory in
            // current list, next list, "added at step" marks, and a work stack for closures.
            var state = PikeState(memory: memory, count: count)
            var step = 1
            state.clearMarks()
            if state.addThread(program, 0, at: 0, inputCount: bytes.count, list: 0, step: step) { return true }
            for position in 0..<bytes.count {
                let byte = bytes[position]
                step += 1
                state.nextCount = 0
                for slot in 0..<state.currentCount {
                    let pc = state.current(slot)
                    if case .byte(let set) = program[pc], set.contains(byte) {
                        if state.addThread(program, pc + 1, at: position + 1, inputCount: bytes.count, list: 1, step: step) { return true }
                    }
                }
                // Unanchored search: a new attempt starts at every position.
                if state.addThread(program, 0, at: position + 1, inputCount: bytes.count, list: 1, step: step) { return true }
                state.swapLists()
            }
            return false
        }
    }
}

/// Thread lists and marks for ``PikeVM`` in one temporary allocation.
struct PikeState {
    let memory: UnsafeMutableBufferPointer<Int>
    let count: Int
    var currentBase: Int
    var nextBase: Int
    var currentCount = 0
    var nextCount = 0
    let marksBase: Int
    let stackBase: Int

    init(memory: UnsafeMutableBufferPointer<Int>, count: Int) {
        self.memory = memory
        self.count = count
        currentBase = 0
        nextBase = count
        marksBase = count * 2
        stackBase = count * 3
    }

    func clearMarks() {
        for index in 0..<count { memory[marksBase + index] = 0 }
    }

    func current(_ slot: Int) -> Int { memory[currentBase + slot] }

    mutating func swapLists() {
        swap(&currentBase, &nextBase)
        currentCount = nextCount
        nextCount = 0
    }

    /// Adds `pc` and everything reachable from it without consuming input to a
    /// list (0 = current, 1 = next); returns `true` when `match` is reachable.
    mutating func addThread(
        _ program: UnsafeBufferPointer<Instruction>, _ pc: Int, at position: Int, inputCount: Int, list: Int, step: Int
    ) -> Bool {
        memory[stackBase] = pc
        var stackCount = 1
        while stackCount > 0 {
            stackCount -= 1
            let pc = memory[stackBase + stackCount]
            guard memory[marksBase + pc] != step else { continue }
            memory[marksBase + pc] = step
            switch program[pc] {
            case .match:
                return true
            case .jump(let target):
                memory[stackBase + stackCount] = target
                stackCount += 1
            case .split(let first, let second):
                // Each pc is expanded once per step and pushes at most two
                // entries, so the stack never holds more than 2 × count + 1.
                memory[stackBase + stackCount] = second
                memory[stackBase + stackCount + 1] = first
                stackCount += 2
            case .assertStart:
                if position == 0 {
                    memory[stackBase + stackCount] = pc + 1
                    stackCount += 1
                }
            case .assertEnd:
                if position == inputCount {
                    memory[stackBase + stackCount] = pc + 1
                    stackCount += 1
                }
            case .byte:
                if list == 0 {
                    memory[currentBase + currentCount] = pc
                    currentCount += 1
                } else {
                    memory[nextBase + nextCount] = pc
                    nextCount += 1
                }
            }
        }
        return false
    }
}
