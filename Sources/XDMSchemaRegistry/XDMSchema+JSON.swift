public import ChatlioJSON
public import Foundation

// Reading and writing schemas as JSON, through ChatlioJSON's exact parser and
// writer (numbers keep their text), and Codable on top of that.

extension XDMSchema {
    /// Reads a schema from a parsed JSON value.
    ///
    /// ```swift
    /// let schema = try XDMSchema(json: ["type": "string", "format": "email"])
    /// ```
    ///
    /// - Parameters:
    ///   - json: the schema, a JSON object.
    ///   - location: the JSON Pointer fragment of `json` in its document,
    ///     used in error messages (`"#"` for a whole document).
    /// - Throws: ``XDMSchemaError/Code/invalidSchema`` naming the location and the keyword.
    public init(json: JSONValue, location: String = "#") throws(XDMSchemaError) {
        guard case .object(let object) = json else {
            throw XDMSchemaError(.invalidSchema, "\(location): a schema must be a JSON object, found \(json.typeName)")
        }
        self.init()
        for (key, value) in object {
            let here = location + "/" + JSONPointer.escape(key)
            switch key {
            case "$id": id = try Self.string(value, at: here)
            case "$ref": ref = try Self.string(value, at: here)
            case "title": title = try Self.string(value, at: here)
            case "description": description = try Self.string(value, at: here)
            case "type": types = try Self.types(value, at: here)
            case "properties": properties = try Self.schemaMap(value, at: here)
            case "definitions": definitions = try Self.schemaMap(value, at: here)
            case "required": required = try Self.strings(value, at: here)
            case "items": items = try XDMSchema(json: value, location: here)
            case "enum":
                guard case .array(let values) = value else {
                    throw XDMSchemaError(.invalidSchema, "\(here): enum must be an array, found \(value.typeName)")
                }
                enumValues = values
            case "format": format = try Self.string(value, at: here)
            case "pattern": pattern = try Self.string(value, at: here)
            case "minimum": minimum = try Self.number(value, at: here)
            case "maximum": maximum = try Self.number(value, at: here)
            case "minLength": minLength = try Self.count(value, at: here)
            case "maxLength": maxLength = try Self.count(value, at: here)
            case "minItems": minItems = try Self.count(value, at: here)
            case "maxItems": maxItems = try Self.count(value, at: here)
            case "additionalProperties":
                if case .bool(let allowed) = value {
                    additionalProperties = .allowed(allowed)
                } else {
                    additionalProperties = .schema(try XDMSchema(json: value, location: here))
                }
            case "allOf":
                guard case .array(let members) = value else {
                    throw XDMSchemaError(.invalidSchema, "\(here): allOf must be an array, found \(value.typeName)")
                }
                var schemas: [XDMSchema] = []
                schemas.reserveCapacity(members.count)
                for (index, member) in members.enumerated() {
                    schemas.append(try XDMSchema(json: member, location: here + "/" + String(index)))
                }
                allOf = schemas
            default:
                if key.hasPrefix("meta:") {
                    meta[key] = value
                } else {
                    otherKeywords[key] = value
                }
            }
        }
    }

    /// Reads a schema from JSON text (UTF-8 bytes), with ChatlioJSON's strict parser.
    ///
    /// ```swift
    /// let schema = try XDMSchema(parsing: Data(#"{"type":"integer","minimum":0}"#.utf8))
    /// ```
    ///
    /// - Throws: ``XDMSchemaError/Code/invalidJSON`` or ``XDMSchemaError/Code/invalidSchema``.
    public init(parsing data: Data) throws(XDMSchemaError) {
        let value: JSONValue
        do {
            value = try JSONValue(parsing: data)
        } catch {
            throw XDMSchemaError(.invalidJSON, "schema document: \(error)")
        }
        try self.init(json: value)
    }

    /// Reads a schema from JSON text.
    public init(parsing text: String) throws(XDMSchemaError) {
        try self.init(parsing: Data(text.utf8))
    }

    /// This schema as a JSON value; `JSONValue.jsonString(sortedKeys:)` gives
    /// deterministic text.
    public var json: JSONValue {
        var object = otherKeywords
        for (key, value) in meta { object[key] = value }
        if let id { object["$id"] = .string(id) }
        if let ref { object["$ref"] = .string(ref) }
        if let title { object["title"] = .string(title) }
        if let description { object["description"] = .string(description) }
        if let types {
            object["type"] = types.count == 1 ? .string(types[0].rawValue) : .array(types.map { .string($0.rawValue) })
        }
        if let properties { object["properties"] = .object(properties.mapValues(\.json)) }
        if let definitions { object["definitions"] = .object(definitions.mapValues(\.json)) }
        if let required { object["required"] = .array(required.map(JSONValue.string)) }
        if let items { object["items"] = items.json }
        if let enumValues { object["enum"] = .array(enumValues) }
        if let format { object["format"] = .string(format) }
        if let pattern { object["pattern"] = .string(pattern) }
        if let minimum { object["minimum"] = .number(minimum) }
        if let maximum { object["maximum"] = .number(maximum) }
        if let minLength { object["minLength"] = .number(JSONNumber(minLength)) }
        if let maxLength { object["maxLength"] = .number(JSONNumber(maxLength)) }
        if let minItems { object["minItems"] = .number(JSONNumber(minItems)) }
        if let maxItems { object["maxItems"] = .number(JSONNumber(maxItems)) }
        switch additionalProperties {
        case .allowed(let allowed)?: object["additionalProperties"] = .bool(allowed)
        case .schema(let schema)?: object["additionalProperties"] = schema.json
        case nil: break
        }
        if let allOf { object["allOf"] = .array(allOf.map(\.json)) }
        return .object(object)
    }

    private static func string(_ value: JSONValue, at location: String) throws(XDMSchemaError) -> String {
        guard case .string(let string) = value else {
            throw XDMSchemaError(.invalidSchema, "\(location): expected a string, found \(value.typeName)")
        }
        return string
    }

    private static func strings(_ value: JSONValue, at location: String) throws(XDMSchemaError) -> [String] {
        guard case .array(let array) = value else {
            throw XDMSchemaError(.invalidSchema, "\(location): expected an array of strings, found \(value.typeName)")
        }
        var strings: [String] = []
        for (index, element) in array.enumerated() {
            strings.append(try string(element, at: location + "/" + String(index)))
        }
        return strings
    }

    private static func types(_ value: JSONValue, at location: String) throws(XDMSchemaError) -> [JSONType] {
        let names: [String]
        if case .string(let name) = value {
            names = [name]
        } else {
            names = try strings(value, at: location)
        }
        var types: [JSONType] = []
        for name in names {
            guard let type = JSONType(rawValue: name) else {
                throw XDMSchemaError(.invalidSchema, "\(location): \"\(name)\" is not a JSON Schema type")
            }
            types.append(type)
        }
        return types
    }

    private static func number(_ value: JSONValue, at location: String) throws(XDMSchemaError) -> JSONNumber {
        guard case .number(let number) = value else {
            throw XDMSchemaError(.invalidSchema, "\(location): expected a number, found \(value.typeName)")
        }
        return number
    }

    private static func count(_ value: JSONValue, at location: String) throws(XDMSchemaError) -> Int {
        guard case .number(let number) = value, let integer = number.int64Value, integer >= 0, integer <= Int64(Int32.max) else {
            throw XDMSchemaError(.invalidSchema, "\(location): expected a non-negative integer, found \(value.jsonString())")
        }
        return Int(integer)
    }

    private static func schemaMap(_ value: JSONValue, at location: String) throws(XDMSchemaError) -> [String: XDMSchema] {
        guard case .object(let object) = value else {
            throw XDMSchemaError(.invalidSchema, "\(location): expected an object of schemas, found \(value.typeName)")
        }
        var map: [String: XDMSchema] = [:]
        map.reserveCapacity(object.count)
        for (name, member) in object {
            map[name] = try XDMSchema(json: member, location: location + "/" + JSONPointer.escape(name))
        }
        return map
    }
}

extension XDMSchema: Codable {
    public init(from decoder: any Decoder) throws {
        let value = try JSONValue(from: decoder)
        do {
            try self.init(json: value)
        } catch {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(codingPath: decoder.codingPath, debugDescription: error.reason)
            )
        }
    }

    public func encode(to encoder: any Encoder) throws {
        try json.encode(to: encoder)
    }
}
