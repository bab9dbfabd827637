/// One reason a JSON value does not match a schema, in the shape of AEP's
/// synchronous validation report (`pointerToViolation`, `schemaLocation`,
/// `keyword`, `message`).
///
/// ```swift
/// let report = validator.validate(["_id": 42])
/// report.violations[0].pointer          // "/_id"
/// report.violations[0].schemaLocation   // "#/properties/_id"
/// report.violations[0].keyword          // .type
/// report.violations[0].message          // "expected string, found integer"
/// ```
public struct XDMViolation: Sendable, Hashable, CustomStringConvertible {
    /// The JSON Schema keyword a value broke.
    ///
    /// Extensible: compare with the static constants.
    public struct Keyword: Sendable, Hashable, CustomStringConvertible {
        /// The keyword as written in a schema (`"type"`, `"required"`…).
        public let rawValue: String
        private init(_ rawValue: String) { self.rawValue = rawValue }

        /// A keyword this registry does not check itself, as another validator
        /// reports it (an emulator validator may name `const` or `dependencies`).
        public init(rawValue: String) { self.rawValue = rawValue }

        public static let type = Keyword("type")
        public static let required = Keyword("required")
        public static let additionalProperties = Keyword("additionalProperties")
        public static let `enum` = Keyword("enum")
        public static let format = Keyword("format")
        public static let pattern = Keyword("pattern")
        public static let minimum = Keyword("minimum")
        public static let maximum = Keyword("maximum")
        public static let minLength = Keyword("minLength")
        public static let maxLength = Keyword("maxLength")
        public static let minItems = Keyword("minItems")
        public static let maxItems = Keyword("maxItems")

        public var description: String { rawValue }
    }

    /// JSON Pointer (RFC 6901) to the offending value in the document: `""` is
    /// the root; for `required` it is the object missing the member.
    public let pointer: String
    /// Where the broken keyword sits in the expanded schema, as a `#`-fragment
    /// (`"#/properties/environment/properties/ipV4"`).
    public let schemaLocation: String
    /// The keyword broken.
    public let keyword: Keyword
    /// What is wrong, for people.
    public let message: String

    /// Creates a violation.
    public init(pointer: String, schemaLocation: String, keyword: Keyword, message: String) {
        self.pointer = pointer
        self.schemaLocation = schemaLocation
        self.keyword = keyword
        self.message = message
    }

    /// The pointer in AEP's URI-fragment form (`"#/_id"`, `"#"` for the root).
    public var pointerToViolation: String { "#" + pointer }

    public var description: String {
        "\(pointer.isEmpty ? "(root)" : pointer): \(keyword): \(message) [\(schemaLocation)]"
    }
}
