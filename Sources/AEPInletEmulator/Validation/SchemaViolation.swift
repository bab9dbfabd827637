/// One way an xdmEntity breaks its schema, in the terms AEP's synchronous
/// validation reports (the everit JSON Schema validator's fields).
///
/// ```swift
/// SchemaViolation(pointerToViolation: "#/_id", schemaLocation: "#/properties/_id",
///                 keyword: "type", message: "expected type: String, found: Long")
/// ```
public struct SchemaViolation: Sendable, Hashable, CustomStringConvertible {
    /// Where in the xdmEntity, as a URI fragment JSON Pointer: `#/_id`, `#` for the root.
    public var pointerToViolation: String
    /// Where in the schema: `#/properties/_id`.
    public var schemaLocation: String
    /// The JSON Schema keyword that failed: `type`, `required`, `format`, `pattern`, `enum`…
    public var keyword: String
    /// What is wrong, for people.
    public var message: String

    /// Creates a violation.
    public init(pointerToViolation: String, schemaLocation: String, keyword: String, message: String) {
        self.pointerToViolation = pointerToViolation
        self.schemaLocation = schemaLocation
        self.keyword = keyword
        self.message = message
    }

    public var description: String { "\(pointerToViolation): \(message) [\(keyword) at \(schemaLocation)]" }
}
