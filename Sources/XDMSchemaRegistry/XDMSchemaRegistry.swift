/// Schemas by `$id` and version, with `$ref`/`allOf` composition.
///
/// The registry is a value type: register what you need while setting up, then
/// share it freely across tasks (it is `Sendable` and never changes under a
/// reader). A service that must add schemas at run time keeps it in an actor.
///
/// Registering a schema under an `$id` that is already known adds a new version
/// (1, 2, …) unless the schema equals the latest one. `$ref`s always resolve to
/// the latest version of the schema they name.
///
/// ```swift
/// var registry = XDMSchemaRegistry()
/// try registry.register(XDMSchema(parsing: fieldGroupJSON))
/// try registry.register(XDMSchema(parsing: schemaJSON))
/// let full = try registry.expanded(id: "https://ns.adobe.com/acme/schemas/chat")  // xed-full form
/// let validator = try XDMValidator(schema: full)
/// ```
public struct XDMSchemaRegistry: Sendable {
    /// Versions of each schema, oldest first: version `n` is at index `n - 1`.
    private var versionsByID: [String: [XDMSchema]] = [:]

    /// An empty registry.
    public init() {}

    /// A registry holding `schemas`, registered in order.
    ///
    /// ```swift
    /// let registry = try XDMSchemaRegistry(schemas: [identityItem, identityMap])
    /// ```
    public init(schemas: [XDMSchema]) throws(XDMSchemaError) {
        for schema in schemas { try register(schema) }
    }

    /// Adds `schema` under its `$id` and returns its version.
    ///
    /// ```swift
    /// let version = try registry.register(fieldGroup)   // 1, then 2 after a change
    /// ```
    ///
    /// - Returns: 1 for a new `$id`; the latest version unchanged when `schema`
    ///   equals it; otherwise the next version.
    /// - Throws: ``XDMSchemaError/Code/missingID`` when `schema.id` is `nil` or empty.
    @discardableResult
    public mutating func register(_ schema: XDMSchema) throws(XDMSchemaError) -> Int {
        guard let id = schema.id, !id.isEmpty else {
            throw XDMSchemaError(.missingID, "a schema titled \"\(schema.title ?? "")\" has no $id; only schemas with an $id can be registered")
        }
        let key = Self.documentKey(id)
        var versions = versionsByID[key, default: []]
        if versions.last == schema { return versions.count }
        versions.append(schema)
        versionsByID[key] = versions
        return versions.count
    }

    /// The schema registered under `id`: the given version, or the latest.
    ///
    /// ```swift
    /// let first = registry.schema(id: fieldGroupID, version: 1)
    /// ```
    public func schema(id: String, version: Int? = nil) -> XDMSchema? {
        guard let versions = versionsByID[Self.documentKey(id)], !versions.isEmpty else { return nil }
        guard let version else { return versions.last }
        guard version >= 1, version <= versions.count else { return nil }
        return versions[version - 1]
    }

    /// The versions registered under `id`, oldest first (empty when unknown).
    public func versions(of id: String) -> [Int] {
        guard let count = versionsByID[Self.documentKey(id)]?.count, count > 0 else { return [] }
        return Array(1...count)
    }

    /// Every registered `$id`, sorted.
    public var ids: [String] {
        versionsByID.values.compactMap { $0.last?.id }.sorted()
    }

    /// The latest version of every registered schema, sorted by `$id`.
    public var latestSchemas: [XDMSchema] {
        ids.compactMap { schema(id: $0) }
    }

    /// `$id`s compare without a trailing `#` (draft-06 allows `…/x#`).
    static func documentKey(_ id: String) -> String {
        id.hasSuffix("#") ? String(id.dropLast()) : id
    }
}
