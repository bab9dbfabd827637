import ChatlioJSON
import Foundation

/// The `property=` list filter that Flow Service, the Schema Registry and
/// Catalog share: `path==value`, `path!=value`, `path~regex`, `path` (exists)
/// and `!path` (absent), with dotted paths and `[]` for "any item of this array".
///
/// Flow Service: help/dataflows/api/sort-and-filter.md ("Filtering", "Filtering on array properties":
/// `property=sourceConnectionIds[]==a,b`). Schema Registry: help/xdm/api/appendix.md ("Filtering").
/// Catalog: help/catalog/api/filter-data.md ("Using the property parameter").
struct PropertyFilter: Sendable {
    private enum Operation: Sendable {
        case equals([String])
        case notEquals(String)
        case matches(String)
        case exists
        case absent
    }

    private let path: [String]
    private let operation: Operation
    let text: String

    /// Parses one `property` value; `nil` when it has no property name.
    init?(_ text: String) {
        self.text = text
        func split(_ separator: String) -> (String, String)? {
            guard let range = text.range(of: separator) else { return nil }
            return (String(text[..<range.lowerBound]), String(text[range.upperBound...]))
        }
        let name: String
        if let (left, right) = split("==") {
            name = left
            // Flow Service lists alternatives with commas (`sourceConnectionIds[]==a,b`).
            operation = .equals(right.split(separator: ",", omittingEmptySubsequences: false).map(String.init))
        } else if let (left, right) = split("!=") {
            name = left
            operation = .notEquals(right)
        } else if let (left, right) = split("~") {
            name = left
            operation = .matches(right)
        } else if text.hasPrefix("!") {
            name = String(text.dropFirst())
            operation = .absent
        } else {
            name = text
            operation = .exists
        }
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return nil }
        path = trimmed.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        // `meta:intendedToExtend==…` style names contain no dots; that is fine.
    }

    func matches(_ value: JSONValue) -> Bool {
        let found = Self.values(at: path[...], in: value)
        switch operation {
        case .exists: return !found.isEmpty
        case .absent: return found.isEmpty
        case .equals(let alternatives): return found.contains { value in alternatives.contains { Self.text(of: value) == $0 } }
        case .notEquals(let other): return !found.contains { Self.text(of: $0) == other }
        case .matches(let pattern):
            return found.contains { value in
                guard let text = Self.text(of: value) else { return false }
                return text.range(of: pattern, options: .regularExpression) != nil
            }
        }
    }

    private static func text(of value: JSONValue) -> String? {
        switch value {
        case .string(let string): string
        case .number(let number): number.text
        case .bool(let bool): bool ? "true" : "false"
        default: nil
        }
    }

    /// Every value at `path`; an array met without `[]` is searched item by item,
    /// so `meta:intendedToExtend==X` matches an array holding X.
    private static func values(at path: ArraySlice<String>, in value: JSONValue) -> [JSONValue] {
        guard let head = path.first else {
            if case .array(let items) = value { return items + [value] }
            return [value]
        }
        let rest = path.dropFirst()
        let isArrayStep = head.hasSuffix("[]")
        let key = isArrayStep ? String(head.dropLast(2)) : head
        guard let next = value[key] else { return [] }
        if case .array(let items) = next, isArrayStep || !rest.isEmpty {
            return items.flatMap { values(at: rest, in: $0) }
        }
        return values(at: rest, in: next)
    }
}
