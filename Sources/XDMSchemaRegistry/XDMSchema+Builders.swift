public import ChatlioJSON

// Factory methods for writing schemas in Swift, used by the built-in content.

extension XDMSchema {
    /// A string field.
    ///
    /// ```swift
    /// let country = XDMSchema.string(title: "Country code", pattern: "^[A-Z]{2}$")
    /// ```
    public static func string(
        title: String? = nil,
        description: String? = nil,
        format: String? = nil,
        pattern: String? = nil,
        enumValues: [String]? = nil,
        maxLength: Int? = nil
    ) -> XDMSchema {
        var schema = XDMSchema()
        schema.types = [.string]
        schema.title = title
        schema.description = description
        schema.format = format
        schema.pattern = pattern
        schema.enumValues = enumValues?.map(JSONValue.string)
        schema.maxLength = maxLength
        return schema
    }

    /// A string field holding an RFC 3339 date-time.
    ///
    /// ```swift
    /// let startedAt = XDMSchema.dateTime(title: "Started at")
    /// ```
    public static func dateTime(title: String? = nil, description: String? = nil) -> XDMSchema {
        string(title: title, description: description, format: XDMFormat.dateTime.rawValue)
    }

    /// An integer field.
    ///
    /// ```swift
    /// let count = XDMSchema.integer(title: "Messages", minimum: 0)
    /// ```
    public static func integer(title: String? = nil, description: String? = nil, minimum: Int64? = nil, maximum: Int64? = nil) -> XDMSchema {
        var schema = XDMSchema()
        schema.types = [.integer]
        schema.title = title
        schema.description = description
        schema.minimum = minimum.map { JSONNumber($0) }
        schema.maximum = maximum.map { JSONNumber($0) }
        return schema
    }

    /// A Boolean field.
    ///
    /// ```swift
    /// let flag = XDMSchema.boolean(title: "Sent by the visitor")
    /// ```
    public static func boolean(title: String? = nil, description: String? = nil) -> XDMSchema {
        var schema = XDMSchema()
        schema.types = [.boolean]
        schema.title = title
        schema.description = description
        return schema
    }

    /// An array field whose elements match `items`.
    ///
    /// ```swift
    /// let tags = XDMSchema.array(of: .string(), title: "Tags")
    /// ```
    public static func array(of items: XDMSchema, title: String? = nil, description: String? = nil) -> XDMSchema {
        var schema = XDMSchema()
        schema.types = [.array]
        schema.title = title
        schema.description = description
        schema.items = items
        return schema
    }

    /// An object field.
    ///
    /// ```swift
    /// let agent = XDMSchema.object(title: "Agent", properties: ["name": .string()], closed: true)
    /// ```
    ///
    /// - Parameters:
    ///   - title: the field's `title`.
    ///   - description: the field's `description`.
    ///   - properties: the members, by name.
    ///   - required: the members that must be present; `nil` writes no `required`.
    ///   - closed: writes `additionalProperties: false`, so members
    ///     outside `properties` are violations.
    public static func object(
        title: String? = nil,
        description: String? = nil,
        properties: [String: XDMSchema],
        required: [String]? = nil,
        closed: Bool = false
    ) -> XDMSchema {
        var schema = XDMSchema()
        schema.types = [.object]
        schema.title = title
        schema.description = description
        schema.properties = properties
        schema.required = required
        if closed { schema.additionalProperties = .forbidden }
        return schema
    }

    /// A schema that only refers to another: `{"$ref": uri}`.
    ///
    /// ```swift
    /// let environment = XDMSchema.reference("https://ns.adobe.com/xdm/context/experienceevent-environment-details")
    /// ```
    public static func reference(_ uri: String, title: String? = nil) -> XDMSchema {
        var schema = XDMSchema()
        schema.ref = uri
        schema.title = title
        return schema
    }

    /// Returns a copy with one `meta:*` key set.
    ///
    /// ```swift
    /// let type = XDMSchema.string().with(meta: "meta:xdmType", "string")
    /// ```
    public func with(meta key: String, _ value: JSONValue) -> XDMSchema {
        var copy = self
        copy.meta[key] = value
        return copy
    }
}
