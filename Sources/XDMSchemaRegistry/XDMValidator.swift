public import ChatlioJSON

/// Checks JSON documents against a schema, fast enough to run on every event.
///
/// The schema is expanded (every `$ref` and `allOf` resolved) and compiled once
/// into a tree of nodes with precomputed property tables, required lists,
/// compiled patterns and schema locations. Validating walks the document once;
/// on the success path it builds no strings and compiles nothing.
///
/// Checked keywords: `type`, `properties`, `required`, `additionalProperties`
/// (`false` reports each unknown member; a schema validates each),
/// `items`, `enum`, `format` (see ``XDMFormat``), `pattern` (see
/// ``XDMPattern``), `minimum`, `maximum`, `minLength`, `maxLength`,
/// `minItems`, `maxItems`. `meta:enum` is an extensible suggestion and is not
/// enforced. A number is an `integer` when its value is whole (`2.0` counts).
/// Enum values compare by exact JSON text, so `1` and `1.0` differ.
///
/// ```swift
/// let chatlio = try ChatlioXDM(tenantID: "acme")
/// let validator = try chatlio.experienceEventValidator()
/// let report = validator.validate(event)          // event: JSONValue
/// let same = try validator.validate(json: bytes)  // or raw UTF-8 bytes
/// ```
public struct XDMValidator: Sendable {
    /// Validation settings.
    public struct Options: Sendable, Hashable {
        /// How many violations a report keeps (the first ones in document order).
        /// Default 5, the number AEP's synchronous validation reports.
        public var maxViolations: Int
        /// Limits for ``XDMValidator/validate(json:)``'s parser.
        public var parsing: JSONParsingOptions

        /// Creates options.
        ///
        /// ```swift
        /// let options = XDMValidator.Options(maxViolations: 100)
        /// ```
        public init(maxViolations: Int = 5, parsing: JSONParsingOptions = .default) {
            self.maxViolations = max(1, maxViolations)
            self.parsing = parsing
        }

        /// Five violations, default parsing limits.
        public static let `default` = Options()
    }

    /// The `$id` of the schema, if it has one.
    public let schemaID: String?
    /// The settings used.
    public var options: Options
    let root: ValidationNode

    /// Compiles a validator for `schema`, resolving its `$ref`s against `registry`.
    ///
    /// - Throws: expansion errors (``XDMSchemaError/Code/unresolvableReference``,
    ///   ``XDMSchemaError/Code/referenceCycle``…), ``XDMSchemaError/Code/unknownFormat``,
    ///   ``XDMSchemaError/Code/unsupportedPattern`` or ``XDMSchemaError/Code/invalidPattern``.
    public init(schema: XDMSchema, registry: XDMSchemaRegistry = XDMSchemaRegistry(), options: Options = .default) throws(XDMSchemaError) {
        let expanded = try registry.expand(schema)
        schemaID = schema.id
        self.options = options
        root = try ValidationNode(compiling: expanded, at: "#")
    }

    /// Validates a parsed document.
    ///
    /// ```swift
    /// let report = validator.validate(["_id": "abc", "timestamp": "2024-05-01T12:34:56Z"])
    /// report.isValid   // true
    /// ```
    public func validate(_ document: JSONValue) -> XDMValidationReport {
        var run = ValidationRun()
        run.validate(document, root)
        return run.report(limit: options.maxViolations)
    }

    /// Parses UTF-8 JSON bytes (ChatlioJSON's strict parser) and validates them.
    ///
    /// - Throws: ``XDMSchemaError/Code/invalidJSON`` naming the byte offset and pointer.
    public func validate(json bytes: some Collection<UInt8>) throws(XDMSchemaError) -> XDMValidationReport {
        let document: JSONValue
        do {
            document = try JSONValue(parsing: bytes, options: options.parsing)
        } catch {
            throw XDMSchemaError(.invalidJSON, "document: \(error)")
        }
        return validate(document)
    }
}
