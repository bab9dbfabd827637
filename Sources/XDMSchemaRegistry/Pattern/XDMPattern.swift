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
        return string.withUTF8 { matches(utf8: $0) }
    }

    /// Whether the UTF-8 text `utf8` contains a match: ``matches(_:)`` for
    /// callers that hold bytes, such as the mapper checking the body's text.
    package func matches(utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        program.withUnsafeBufferPointer { program in
            PikeVM.search(program, in: utf8)
        }
    }
}
