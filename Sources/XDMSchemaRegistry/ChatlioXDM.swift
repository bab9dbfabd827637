public import ChatlioWebhooks

/// The built-in schemas for one AEP tenant: the five Chatlio source schemas,
/// the Chatlio tenant field group, and the Chatlio ExperienceEvent schema with
/// the standard XDM parts it is composed of.
///
/// ```swift
/// let chatlio = try ChatlioXDM(tenantID: "acme")
/// let registry = try chatlio.registry()                   // everything, registered
/// let validator = try chatlio.experienceEventValidator()  // compiled once
/// let report = validator.validate(mappedEvent)
/// let fieldGroupBody = chatlio.fieldGroupRequest().bodyText  // POST /tenant/fieldgroups
/// ```
public struct ChatlioXDM: Sendable, Hashable {
    /// The tenant id without its leading underscore (`acme`, not `_acme`).
    public let tenantID: String

    /// Content for `tenantID`.
    ///
    /// - Throws: ``XDMSchemaError/Code/invalidTenantID`` unless the id is 1–64
    ///   ASCII letters, digits or underscores and does not start with `_` (pass
    ///   `acme`, not `_acme`).
    public init(tenantID: String) throws(XDMSchemaError) {
        guard !tenantID.isEmpty, tenantID.utf8.count <= 64,
              tenantID.utf8.allSatisfy({ FormatCheck.isAlpha($0) || FormatCheck.isDigit($0) || $0 == UInt8(ascii: "_") }) else {
            throw XDMSchemaError(.invalidTenantID, "tenant id \"\(tenantID)\": use 1-64 ASCII letters, digits or underscores, as GET /stats returns it")
        }
        guard !tenantID.hasPrefix("_") else {
            throw XDMSchemaError(.invalidTenantID, "tenant id \"\(tenantID)\": pass the id without the leading underscore (\"\(tenantID.dropFirst())\")")
        }
        self.tenantID = tenantID
    }

    /// The tenant namespace object name: `_` + tenant id.
    public var tenantNamespace: String { "_" + tenantID }

    /// `$id` of the tenant field group in our registry. AEP assigns its own when
    /// the group is created; pass that one to ``schemaRequest(fieldGroupID:profileEnabled:)``.
    public var fieldGroupID: String { "https://ns.adobe.com/\(tenantID)/mixins/chatlio" }

    /// `$id` of the Chatlio ExperienceEvent schema in our registry.
    public var experienceEventSchemaID: String { "https://ns.adobe.com/\(tenantID)/schemas/chatlio-experienceevent" }

    /// `$id` of the source schema for a webhook kind.
    public static func sourceSchemaID(for kind: WebhookKind) -> String {
        "urn:chatlioaep:source:\(kind.rawValue)"
    }

    /// A registry holding the standard parts, the tenant field group, the
    /// ExperienceEvent schema and the five source schemas.
    ///
    /// ```swift
    /// let full = try chatlio.registry().expanded(id: chatlio.experienceEventSchemaID)
    /// ```
    public func registry() throws(XDMSchemaError) -> XDMSchemaRegistry {
        var registry = XDMSchemaRegistry()
        for schema in StandardXDM.components { try registry.register(schema) }
        try registry.register(tenantFieldGroup)
        try registry.register(experienceEventSchema)
        for kind in WebhookKind.allCases { try registry.register(Self.sourceSchema(for: kind)) }
        return registry
    }

    /// The Chatlio ExperienceEvent schema, fully expanded (the `xed-full` form).
    public func expandedExperienceEventSchema() throws(XDMSchemaError) -> XDMSchema {
        try registry().expanded(id: experienceEventSchemaID)
    }

    /// A validator for mapped Chatlio ExperienceEvents (`xdmEntity` bodies).
    ///
    /// ```swift
    /// let validator = try chatlio.experienceEventValidator(options: .init(maxViolations: 20))
    /// ```
    public func experienceEventValidator(options: XDMValidator.Options = .default) throws(XDMSchemaError) -> XDMValidator {
        let registry = try registry()
        guard let schema = registry.schema(id: experienceEventSchemaID) else {
            throw XDMSchemaError(.schemaNotFound, "\(experienceEventSchemaID) is missing from the built-in registry")
        }
        return try XDMValidator(schema: schema, registry: registry, options: options)
    }

    /// A validator for raw webhook bodies of one kind.
    ///
    /// ```swift
    /// let report = try ChatlioXDM.sourceValidator(for: .offlineMessage).validate(json: body)
    /// ```
    public static func sourceValidator(for kind: WebhookKind, options: XDMValidator.Options = .default) throws(XDMSchemaError) -> XDMValidator {
        try XDMValidator(schema: sourceSchema(for: kind), options: options)
    }
}
