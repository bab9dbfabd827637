extension XDMSchema {
    /// The Compatibility Mode form of a schema written with standard XDM names.
    ///
    /// The public XDM repository names fields `xdm:timestamp`, `@id`,
    /// `schema:latitude`; AEP stores and ingests them as `timestamp`, `_id` and
    /// `_schema.latitude`. This rewrites every `properties` and `required` list:
    /// the `xdm:` prefix is dropped, a leading `@` becomes `_`, and any other
    /// `prefix:name` moves into an object `_prefix` holding `name`. Apply it to an
    /// expanded schema (see ``XDMSchemaRegistry/expanded(id:version:)``).
    ///
    /// ```swift
    /// let aep = try registry.expanded(id: "https://ns.adobe.com/xdm/context/experienceevent").compatibilityMode()
    /// aep.properties?["_id"]?.format   // "uri-reference"
    /// ```
    public func compatibilityMode() -> XDMSchema {
        var result = self
        if let properties {
            var renamed: [String: XDMSchema] = [:]
            var groups: [String: XDMSchema] = [:]
            for (name, property) in properties {
                let converted = property.compatibilityMode()
                let (group, field) = Self.compatibilityName(name)
                if let group {
                    var object = groups[group] ?? .object(properties: [:])
                    object.properties?[field] = converted
                    groups[group] = object
                } else {
                    renamed[field] = converted
                }
            }
            if let required {
                var topLevel: [String] = []
                for name in required {
                    let (group, field) = Self.compatibilityName(name)
                    if let group, var object = groups[group] {
                        object.required = (object.required ?? []) + [field]
                        groups[group] = object
                    } else if group == nil {
                        topLevel.append(field)
                    }
                }
                result.required = topLevel
            }
            for (group, object) in groups { renamed[group] = object }
            result.properties = renamed
        } else if let required {
            result.required = required.map { Self.compatibilityName($0).name }
        }
        result.items = items?.compatibilityMode()
        if case .schema(let values)? = additionalProperties {
            result.additionalProperties = .schema(values.compatibilityMode())
        }
        result.allOf = allOf?.map { $0.compatibilityMode() }
        result.definitions = definitions?.mapValues { $0.compatibilityMode() }
        return result
    }

    /// `xdm:x` → (nil, `x`); `@id` → (nil, `_id`); `schema:x` → (`_schema`, `x`).
    static func compatibilityName(_ name: String) -> (group: String?, name: String) {
        if name.hasPrefix("@") { return (nil, "_" + name.dropFirst()) }
        guard let colon = name.firstIndex(of: ":") else { return (nil, name) }
        let prefix = name[..<colon]
        let field = String(name[name.index(after: colon)...])
        if prefix == "xdm" { return (nil, field) }
        return ("_" + prefix, field)
    }
}
