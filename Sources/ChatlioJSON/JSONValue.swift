/// A JSON value, exactly as it appeared on the wire.
///
/// `JSONValue` holds the free-form parts of Chatlio payloads (identify traits,
/// visitor traits, unknown keys) and the XDM documents the mapper builds.
/// Numbers keep their original text (see ``JSONNumber``), so integers stay
/// integers and large integers or long decimals survive a round trip.
///
/// ```swift
/// let value = try JSONValue(parsing: Data(#"{"plan":"king","seats":12}"#.utf8))
/// value["plan"]?.stringValue        // "king"
/// value["seats"]?.int64Value        // 12
/// let bytes = value.serialized(sortedKeys: true)
/// ```
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(JSONNumber)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])
}

/// A JSON object: member names to values. Member order is not significant.
public typealias JSONObject = [String: JSONValue]

extension JSONValue {
    /// The JSON type of this value, as JSON Schema names it.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number(let number): number.isInteger ? "integer" : "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// The string, if this value is a string.
    public var stringValue: String? {
        if case .string(let string) = self { return string }
        return nil
    }

    /// The Boolean, if this value is `true` or `false`.
    public var boolValue: Bool? {
        if case .bool(let bool) = self { return bool }
        return nil
    }

    /// The number, if this value is a number.
    public var numberValue: JSONNumber? {
        if case .number(let number) = self { return number }
        return nil
    }

    /// The integer, if this value is a number written as an integer that fits in `Int64`.
    public var int64Value: Int64? { numberValue?.int64Value }

    /// The elements, if this value is an array.
    public var arrayValue: [JSONValue]? {
        if case .array(let array) = self { return array }
        return nil
    }

    /// The members, if this value is an object.
    public var objectValue: JSONObject? {
        if case .object(let object) = self { return object }
        return nil
    }

    /// Whether this value is `null`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The member named `key`, if this value is an object that has it.
    public subscript(key: String) -> JSONValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    /// The element at `index`, if this value is an array long enough.
    public subscript(index: Int) -> JSONValue? {
        if case .array(let array) = self, array.indices.contains(index) { return array[index] }
        return nil
    }

    /// How deeply containers nest inside this value: 0 for a scalar, 1 for a
    /// flat array or object.
    public var nestingDepth: Int {
        switch self {
        case .array(let array): 1 + (array.lazy.map(\.nestingDepth).max() ?? 0)
        case .object(let object): 1 + (object.values.lazy.map(\.nestingDepth).max() ?? 0)
        default: 0
        }
    }
}
