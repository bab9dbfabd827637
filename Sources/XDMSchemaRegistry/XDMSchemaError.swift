/// Why a schema could not be read, registered, composed or compiled, or why a
/// document could not be validated.
///
/// An extensible error in the style of async-http-client: compare ``code`` with
/// the static constants; new codes can be added without breaking callers. The
/// ``reason`` names the location (a schema `$id` and JSON Pointer, or a
/// byte offset) and the problem.
///
/// ```swift
/// do {
///     _ = try registry.expanded(id: "https://ns.adobe.com/acme/schemas/chat")
/// } catch where error.code == .unresolvableReference {
///     print(error.reason)   // "#/allOf/2: $ref "https://…/mixins/x" names no registered schema"
/// }
/// ```
public struct XDMSchemaError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The class of problem.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case invalidSchema = "invalid schema"
            case invalidJSON = "invalid JSON"
            case missingID = "missing $id"
            case schemaNotFound = "schema not found"
            case unresolvableReference = "unresolvable $ref"
            case referenceCycle = "$ref cycle"
            case conflictingDefinitions = "conflicting definitions"
            case unknownFormat = "unknown format"
            case unsupportedPattern = "unsupported pattern"
            case invalidPattern = "invalid pattern"
            case invalidTenantID = "invalid tenant id"
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// A schema document breaks the JSON Schema grammar (a keyword of the wrong type, a boolean schema…).
        public static let invalidSchema = Code(.invalidSchema)
        /// Bytes given to the validator or the schema reader are not JSON.
        public static let invalidJSON = Code(.invalidJSON)
        /// A schema registered without `$id`.
        public static let missingID = Code(.missingID)
        /// No schema with that `$id` (or that version) is registered.
        public static let schemaNotFound = Code(.schemaNotFound)
        /// A `$ref` names a schema or a fragment that does not exist.
        public static let unresolvableReference = Code(.unresolvableReference)
        /// `$ref`s lead back to a schema that is still being expanded.
        public static let referenceCycle = Code(.referenceCycle)
        /// Two `allOf` members define the same field with different types.
        public static let conflictingDefinitions = Code(.conflictingDefinitions)
        /// A `format` the validator does not know.
        public static let unknownFormat = Code(.unknownFormat)
        /// A `pattern` uses regular-expression syntax outside the supported subset.
        public static let unsupportedPattern = Code(.unsupportedPattern)
        /// A `pattern` is not a well-formed regular expression.
        public static let invalidPattern = Code(.invalidPattern)
        /// A tenant id that AEP would not accept.
        public static let invalidTenantID = Code(.invalidTenantID)

        public var description: String { base.rawValue }
    }

    /// The class of problem.
    public let code: Code
    /// Where and what, for people.
    public let reason: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.reason = message
    }

    public var description: String { "\(code): \(reason)" }
}
