internal import ChatlioJSON
internal import Foundation

extension XDMSchemaRegistry {
    /// The fully expanded form of a registered schema: what AEP returns for
    /// `Accept: application/vnd.adobe.xed-full+json; version=1`.
    ///
    /// Every `$ref` is replaced by the (expanded) schema it names and every
    /// `allOf` is merged into its parent, recursively, so the result has no
    /// `$ref`, `allOf` or `definitions` left. Merging unions `properties`
    /// (merging a field defined in two parts) and `required`; annotations of the
    /// referring schema (`title`, `description`, `meta:*`) win over those of the
    /// schema referred to; an object closed in any part stays closed. Keywords
    /// outside the model (``XDMSchema/otherKeywords``) of the parts are dropped.
    ///
    /// ```swift
    /// let full = try registry.expanded(id: "https://ns.adobe.com/acme/schemas/chat")
    /// full.properties?["timestamp"]?.format   // "date-time"
    /// ```
    ///
    /// - Throws: ``XDMSchemaError/Code/schemaNotFound``,
    ///   ``XDMSchemaError/Code/unresolvableReference``,
    ///   ``XDMSchemaError/Code/referenceCycle`` (naming the chain of `$ref`s) or
    ///   ``XDMSchemaError/Code/conflictingDefinitions``.
    public func expanded(id: String, version: Int? = nil) throws(XDMSchemaError) -> XDMSchema {
        guard let schema = schema(id: id, version: version) else {
            let which = version.map { " version \($0)" } ?? ""
            throw XDMSchemaError(.schemaNotFound, "no schema \"\(id)\"\(which) is registered (registered: \(ids.count))")
        }
        var expander = SchemaExpander(registry: self)
        return try expander.expand(schema, in: SchemaDocument(id: schema.id, root: schema), at: "#")
    }

    /// The fully expanded form of `schema`, resolving its `$ref`s against this
    /// registry and its own `#/…` fragments against itself. `schema` need not be
    /// registered.
    ///
    /// ```swift
    /// let full = try registry.expand(.reference("https://ns.adobe.com/xdm/context/identitymap"))
    /// ```
    public func expand(_ schema: XDMSchema) throws(XDMSchemaError) -> XDMSchema {
        var expander = SchemaExpander(registry: self)
        return try expander.expand(schema, in: SchemaDocument(id: schema.id, root: schema), at: "#")
    }
}

/// A schema document: where `#/…` fragments resolve.
struct SchemaDocument {
    let id: String?
    let root: XDMSchema
}

/// One expansion run: remembers what it is expanding (to find cycles) and what
/// it has expanded (so a data type used five times is expanded once).
struct SchemaExpander {
    let registry: XDMSchemaRegistry
    private var inProgress: [String] = []
    private var cache: [String: XDMSchema] = [:]

    init(registry: XDMSchemaRegistry) {
        self.registry = registry
    }

    mutating func expand(_ node: XDMSchema, in document: SchemaDocument, at location: String) throws(XDMSchemaError) -> XDMSchema {
        var result = node
        result.ref = nil
        result.allOf = nil
        result.definitions = nil
        if let properties = node.properties {
            var expanded: [String: XDMSchema] = [:]
            expanded.reserveCapacity(properties.count)
            for (name, property) in properties {
                expanded[name] = try expand(property, in: document, at: location + "/properties/" + JSONPointer.escape(name))
            }
            result.properties = expanded
        }
        if let items = node.items {
            result.items = try expand(items, in: document, at: location + "/items")
        }
        if case .schema(let values)? = node.additionalProperties {
            result.additionalProperties = .schema(try expand(values, in: document, at: location + "/additionalProperties"))
        }
        if let ref = node.ref {
            let target = try expandReference(ref, in: document, at: location + "/$ref")
            result = try Self.merge(result, target, at: describe(location, in: document))
        }
        if let allOf = node.allOf {
            for (index, member) in allOf.enumerated() {
                let expanded = try expand(member, in: document, at: location + "/allOf/" + String(index))
                result = try Self.merge(result, expanded, at: describe(location, in: document))
            }
        }
        return result
    }

    private mutating func expandReference(_ ref: String, in document: SchemaDocument, at location: String) throws(XDMSchemaError) -> XDMSchema {
        let hash = ref.firstIndex(of: "#")
        let uriPart = hash.map { String(ref[..<$0]) } ?? ref
        let fragment = hash.map { String(ref[ref.index(after: $0)...]) } ?? ""
        let target: SchemaDocument
        if uriPart.isEmpty {
            target = document
        } else {
            let absolute = Self.resolve(uriPart, against: document.id)
            guard let root = registry.schema(id: absolute) else {
                throw XDMSchemaError(.unresolvableReference, "\(describe(location, in: document)): $ref \"\(ref)\" names no registered schema")
            }
            target = SchemaDocument(id: absolute, root: root)
        }
        let key = (target.id ?? "") + "#" + fragment
        if let cached = cache[key] { return cached }
        if let start = inProgress.firstIndex(of: key) {
            let chain = (inProgress[start...] + [key]).joined(separator: " -> ")
            throw XDMSchemaError(.referenceCycle, "\(describe(location, in: document)): $ref \"\(ref)\" leads back to a schema still being expanded: \(chain)")
        }
        guard let subschema = target.root.subschema(atFragment: fragment) else {
            throw XDMSchemaError(.unresolvableReference, "\(describe(location, in: document)): $ref \"\(ref)\": \"#\(fragment)\" does not exist in \(target.id ?? "this schema")")
        }
        inProgress.append(key)
        defer { inProgress.removeLast() }
        let expanded = try expand(subschema, in: target, at: "#" + fragment)
        cache[key] = expanded
        return expanded
    }

    private func describe(_ location: String, in document: SchemaDocument) -> String {
        (document.id ?? "") + location
    }

    /// Resolves a reference URI against the document's `$id` (RFC 3986 §5).
    static func resolve(_ uri: String, against base: String?) -> String {
        if Self.hasScheme(uri) { return uri }
        guard let base, let baseURL = URL(string: base), let url = URL(string: uri, relativeTo: baseURL) else { return uri }
        return url.absoluteString
    }

    private static func hasScheme(_ uri: String) -> Bool {
        guard let colon = uri.firstIndex(of: ":") else { return false }
        let scheme = uri[..<colon]
        guard let first = scheme.unicodeScalars.first, first.isASCII, first.properties.isAlphabetic else { return false }
        return scheme.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "+" || $0 == "-" || $0 == ".") }
    }

    /// Merges `part` into `base`; `base`'s annotations win.
    static func merge(_ base: XDMSchema, _ part: XDMSchema, at location: String) throws(XDMSchemaError) -> XDMSchema {
        var result = base
        result.title = base.title ?? part.title
        result.description = base.description ?? part.description
        switch (base.types, part.types) {
        case (nil, let types): result.types = types
        case (let baseTypes?, let partTypes?) where Set(baseTypes) != Set(partTypes):
            throw XDMSchemaError(
                .conflictingDefinitions,
                "\(location): one part defines the type as \(baseTypes.map(\.rawValue).joined(separator: "|")), another as \(partTypes.map(\.rawValue).joined(separator: "|"))"
            )
        default: break
        }
        if let partProperties = part.properties {
            var properties = base.properties ?? [:]
            for (name, property) in partProperties {
                if let existing = properties[name] {
                    properties[name] = try merge(existing, property, at: location + "/properties/" + JSONPointer.escape(name))
                } else {
                    properties[name] = property
                }
            }
            result.properties = properties
        }
        if let partRequired = part.required {
            var required = base.required ?? []
            for name in partRequired where !required.contains(name) { required.append(name) }
            result.required = required
        }
        switch (base.items, part.items) {
        case (let baseItems?, let partItems?): result.items = try merge(baseItems, partItems, at: location + "/items")
        case (nil, let partItems?): result.items = partItems
        default: break
        }
        result.enumValues = base.enumValues ?? part.enumValues
        result.format = base.format ?? part.format
        result.pattern = base.pattern ?? part.pattern
        result.minimum = base.minimum ?? part.minimum
        result.maximum = base.maximum ?? part.maximum
        result.minLength = base.minLength ?? part.minLength
        result.maxLength = base.maxLength ?? part.maxLength
        result.minItems = base.minItems ?? part.minItems
        result.maxItems = base.maxItems ?? part.maxItems
        switch (base.additionalProperties, part.additionalProperties) {
        case (.allowed(false)?, _), (_, .allowed(false)?): result.additionalProperties = .forbidden
        case (.schema(let baseValues)?, .schema(let partValues)?):
            result.additionalProperties = .schema(try merge(baseValues, partValues, at: location + "/additionalProperties"))
        case (nil, let partAdditional): result.additionalProperties = partAdditional
        default: break
        }
        result.meta = part.meta.merging(base.meta) { _, fromBase in fromBase }
        return result
    }
}

extension XDMSchema {
    /// The subschema a `$ref` fragment names (`""` is the schema itself,
    /// `"/definitions/x"`, `"/properties/a/items"`…), percent-decoded first as
    /// RFC 6901 §6 requires.
    ///
    /// ```swift
    /// let item = schema.subschema(atFragment: "/definitions/identityitem")
    /// ```
    public func subschema(atFragment fragment: String) -> XDMSchema? {
        let decoded = fragment.removingPercentEncoding ?? fragment
        guard let tokens = JSONPointer.tokens(of: decoded) else { return nil }
        var current = self
        var index = 0
        while index < tokens.count {
            let token = tokens[index]
            let next = index + 1 < tokens.count ? tokens[index + 1] : nil
            switch token {
            case "definitions":
                guard let next, let schema = current.definitions?[next] else { return nil }
                current = schema
                index += 2
            case "properties":
                guard let next, let schema = current.properties?[next] else { return nil }
                current = schema
                index += 2
            case "allOf":
                guard let next, let position = Int(next), let members = current.allOf, members.indices.contains(position) else { return nil }
                current = members[position]
                index += 2
            case "items":
                guard let items = current.items else { return nil }
                current = items
                index += 1
            case "additionalProperties":
                guard case .schema(let schema)? = current.additionalProperties else { return nil }
                current = schema
                index += 1
            default:
                return nil
            }
        }
        return current
    }
}
