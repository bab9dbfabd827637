/// Why bytes could not be read as JSON, and where.
///
/// An extensible error in the style of async-http-client: compare ``code``
/// with the static constants; new codes can be added without breaking callers.
///
/// ```swift
/// do {
///     _ = try JSONValue(parsing: Data(#"{"a":[1,}"#.utf8))
/// } catch let error as JSONParsingError where error.code == .invalidSyntax {
///     print(error.pointer, error.byteOffset)   // "/a/1" 8
/// }
/// ```
public struct JSONParsingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The class of problem.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case invalidSyntax = "invalid JSON syntax"
            case invalidUTF8 = "invalid UTF-8"
            case nestingTooDeep = "nesting too deep"
            case inputTooLarge = "input too large"
            case duplicateKey = "duplicate key"
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The bytes do not follow the JSON grammar (RFC 8259).
        public static let invalidSyntax = Code(.invalidSyntax)
        /// A string holds bytes that are not valid UTF-8, or a lone surrogate escape.
        public static let invalidUTF8 = Code(.invalidUTF8)
        /// Arrays and objects nest deeper than ``JSONParsingOptions/maxDepth``.
        public static let nestingTooDeep = Code(.nestingTooDeep)
        /// The input is longer than ``JSONParsingOptions/maxBytes``.
        public static let inputTooLarge = Code(.inputTooLarge)
        /// An object names the same member twice, which makes its meaning ambiguous.
        public static let duplicateKey = Code(.duplicateKey)

        public var description: String { base.rawValue }
    }

    /// The class of problem.
    public let code: Code
    /// Offset of the offending byte from the start of the input.
    public let byteOffset: Int
    /// What exactly was wrong, for people.
    public let reason: String
    /// Reference tokens from the root to the value being read, stored
    /// innermost first because they are collected while unwinding.
    var reversedPath: [String] = []

    init(_ code: Code, at byteOffset: Int, _ reason: String) {
        self.code = code
        self.byteOffset = byteOffset
        self.reason = reason
    }

    /// JSON Pointer (RFC 6901) to the value being read when the problem was
    /// found; `""` is the whole document.
    public var pointer: String {
        JSONPointer.string(from: reversedPath.reversed())
    }

    public var description: String {
        "\(code) at \(pointer.isEmpty ? "the document root" : pointer) (byte \(byteOffset)): \(reason)"
    }

    func prepending(_ token: String) -> JSONParsingError {
        var copy = self
        copy.reversedPath.append(token)
        return copy
    }
}

/// Limits applied while parsing untrusted JSON.
public struct JSONParsingOptions: Sendable, Hashable {
    /// Inputs longer than this are refused before any parsing. Default 1 MiB,
    /// AEP's per-request cap.
    public var maxBytes: Int
    /// Containers nested deeper than this are refused. Default 64.
    public var maxDepth: Int

    public init(maxBytes: Int = 1 << 20, maxDepth: Int = 64) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
    }

    /// The defaults: 1 MiB and 64 levels.
    public static let `default` = JSONParsingOptions()
}
