import ChatlioJSON
import Foundation

/// JSON Patch (RFC 6902) `add`, `replace` and `remove`, which the Schema
/// Registry's PATCH takes (help/xdm/api/schemas.md "Update a portion of a schema";
/// help/landing/api-fundamentals.md "JSON Patch").
enum JSONPatch {
    static func apply(_ operation: JSONValue, to document: JSONValue, at index: Int) throws(HTTPResponseBox) -> JSONValue {
        guard let op = operation["op"]?.stringValue else {
            throw PlatformService.badRequest("[\(index)].op is required: add, replace or remove")
        }
        guard let path = operation["path"]?.stringValue, let tokens = JSONPointer.tokens(of: path), !tokens.isEmpty else {
            throw PlatformService.badRequest("[\(index)].path is required: a JSON Pointer such as /allOf/-")
        }
        switch op {
        case "add", "replace":
            guard let value = operation["value"] else { throw PlatformService.badRequest("[\(index)].value is required for \(op)") }
            return try set(value, at: tokens[...], in: document, replacing: op == "replace", path: path, index: index)
        case "remove":
            return try set(nil, at: tokens[...], in: document, replacing: true, path: path, index: index)
        default:
            throw PlatformService.badRequest("[\(index)].op \"\(op)\" is not supported by the emulator; use add, replace or remove")
        }
    }

    /// `value` nil removes.
    private static func set(
        _ value: JSONValue?, at tokens: ArraySlice<String>, in document: JSONValue, replacing: Bool, path: String, index: Int
    ) throws(HTTPResponseBox) -> JSONValue {
        guard let token = tokens.first else { return value ?? .null }
        let rest = tokens.dropFirst()
        switch document {
        case .object(var object):
            if rest.isEmpty {
                if replacing, object[token] == nil { throw PlatformService.badRequest("[\(index)].path \(path) does not exist") }
                object[token] = value
                return .object(object)
            }
            guard let child = object[token] else { throw PlatformService.badRequest("[\(index)].path \(path) does not exist") }
            object[token] = try set(value, at: rest, in: child, replacing: replacing, path: path, index: index)
            return .object(object)
        case .array(var array):
            if rest.isEmpty, token == "-", !replacing, let value {
                array.append(value)
                return .array(array)
            }
            guard let position = Int(token), position >= 0, position <= array.count, replacing ? position < array.count : true else {
                throw PlatformService.badRequest("[\(index)].path \(path): \(token) is not an index of the array")
            }
            if rest.isEmpty {
                if let value {
                    if replacing { array[position] = value } else { array.insert(value, at: position) }
                } else {
                    array.remove(at: position)
                }
                return .array(array)
            }
            guard position < array.count else { throw PlatformService.badRequest("[\(index)].path \(path) does not exist") }
            array[position] = try set(value, at: rest, in: array[position], replacing: replacing, path: path, index: index)
            return .array(array)
        default:
            throw PlatformService.badRequest("[\(index)].path \(path) goes through a \(document.typeName)")
        }
    }
}
