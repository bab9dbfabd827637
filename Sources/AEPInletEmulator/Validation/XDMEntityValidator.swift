public import ChatlioJSON
public import XDMSchemaRegistry

/// Checks an xdmEntity against its schema: the hook through which the
/// emulator validates messages (XDMSchemaRegistry plugs in here).
///
/// Return an empty array when the entity is valid. The emulator reports at
/// most the first five violations, as AEP does. Called on server threads.
///
/// ```swift
/// struct RequiresID: XDMEntityValidator {
///     func violations(of xdmEntity: JSONValue, schemaID: String?) -> [XDMViolation] {
///         xdmEntity["_id"]?.stringValue == nil
///             ? [XDMViolation(pointer: "", schemaLocation: "#", keyword: .required,
///               message: "required key [_id] not found")]
///             : []
///     }
/// }
/// configuration.validator = RequiresID()
/// ```
public protocol XDMEntityValidator: Sendable {
    /// The violations of `xdmEntity`; `schemaID` is the envelope's
    /// `header.schemaRef.id` (`nil` in raw mode).
    func violations(of xdmEntity: JSONValue, schemaID: String?) -> [XDMViolation]
}

/// An ``XDMEntityValidator`` made from a closure.
///
/// ```swift
/// configuration.validator = ClosureXDMEntityValidator { entity, _ in
///     entity["timestamp"] == nil
///         ? [XDMViolation(pointer: "", schemaLocation: "#", keyword: .required,
///                         message: "required key [timestamp] not found")]
///         : []
/// }
/// ```
public struct ClosureXDMEntityValidator: XDMEntityValidator {
    private let body: @Sendable (JSONValue, String?) -> [XDMViolation]

    /// Wraps `body`.
    public init(_ body: @escaping @Sendable (_ xdmEntity: JSONValue, _ schemaID: String?) -> [XDMViolation]) {
        self.body = body
    }

    public func violations(of xdmEntity: JSONValue, schemaID: String?) -> [XDMViolation] {
        body(xdmEntity, schemaID)
    }
}
