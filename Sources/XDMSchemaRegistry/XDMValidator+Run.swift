internal import ChatlioJSON

/// One step of the path from the document root.
enum PathToken: Comparable {
    case key(String)
    case index(Int)

    static func < (lhs: PathToken, rhs: PathToken) -> Bool {
        switch (lhs, rhs) {
        case (.index(let left), .index(let right)): left < right
        case (.key(let left), .key(let right)): left.utf8.lexicographicallyPrecedes(right.utf8)
        case (.index, .key): true
        case (.key, .index): false
        }
    }
}

/// The walk over one document. Violations are collected (up to a hard bound),
/// then sorted into document order and cut to the caller's cap, so the same
/// document always gives the same report whatever the dictionary order.
struct ValidationRun {
    /// Upper bound on violations kept in memory for one document.
    static let hardLimit = 10_000

    private var path: [PathToken] = []
    private var found: [(path: [PathToken], violation: XDMViolation)] = []
    private var count = 0

    init() {
        path.reserveCapacity(16)
    }

    func report(limit: Int) -> XDMValidationReport {
        guard !found.isEmpty else { return XDMValidationReport(violations: [], violationCount: 0) }
        let sorted = found.sorted { left, right in
            if left.path != right.path { return left.path.lexicographicallyPrecedes(right.path) }
            return left.violation.keyword.rawValue < right.violation.keyword.rawValue
        }
        return XDMValidationReport(violations: sorted.prefix(limit).map(\.violation), violationCount: count)
    }

    private mutating func record(_ keyword: XDMViolation.Keyword, _ node: ValidationNode, _ message: String, member: String? = nil) {
        count += 1
        guard found.count < Self.hardLimit else { return }
        var tokens = path
        if let member { tokens.append(.key(member)) }
        var pointer = ""
        for token in tokens {
            switch token {
            case .key(let key): pointer = JSONPointer.appending(key, to: pointer)
            case .index(let index): pointer = JSONPointer.appending(index, to: pointer)
            }
        }
        found.append((tokens, XDMViolation(pointer: pointer, schemaLocation: node.location, keyword: keyword, message: message)))
    }

    mutating func validate(_ value: JSONValue, _ node: ValidationNode) {
        let mask = node.typeMask
        switch value {
        case .null:
            if mask != 0, mask & ValidationNode.TypeBits.null == 0 { return typeMismatch(value, node) }
        case .bool:
            if mask != 0, mask & ValidationNode.TypeBits.boolean == 0 { return typeMismatch(value, node) }
        case .number(let number):
            if mask != 0, mask & ValidationNode.TypeBits.number == 0 {
                guard mask & ValidationNode.TypeBits.integer != 0, Self.isWhole(number) else { return typeMismatch(value, node) }
            }
            if node.minimum != nil || node.maximum != nil { checkBounds(number, node) }
        case .string(let string):
            if mask != 0, mask & ValidationNode.TypeBits.string == 0 { return typeMismatch(value, node) }
            if node.checksStrings { checkString(string, node) }
        case .array(let array):
            if mask != 0, mask & ValidationNode.TypeBits.array == 0 { return typeMismatch(value, node) }
            if let minItems = node.minItems, array.count < minItems {
                record(.minItems, node, "expected at least \(minItems) items, found \(array.count)")
            }
            if let maxItems = node.maxItems, array.count > maxItems {
                record(.maxItems, node, "expected at most \(maxItems) items, found \(array.count)")
            }
            if let items = node.items {
                for index in array.indices {
                    path.append(.index(index))
                    validate(array[index], items)
                    path.removeLast()
                }
            }
        case .object(let object):
            if mask != 0, mask & ValidationNode.TypeBits.object == 0 { return typeMismatch(value, node) }
            checkObject(object, node)
        }
        if node.enumValues != nil { checkEnum(value, node) }
    }

    private mutating func checkObject(_ object: JSONObject, _ node: ValidationNode) {
        for (key, member) in object {
            if let child = node.properties[key] {
                path.append(.key(key))
                validate(member, child)
                path.removeLast()
            } else if node.closed {
                record(.additionalProperties, node, "property \"\(key)\" is not defined by the schema, which allows no other properties", member: key)
            } else if let additional = node.additional {
                path.append(.key(key))
                validate(member, additional)
                path.removeLast()
            }
        }
        for name in node.required where object[name] == nil {
            record(.required, node, "required property \"\(name)\" is missing")
        }
    }

    private mutating func checkString(_ string: String, _ node: ValidationNode) {
        if node.minLength != nil || node.maxLength != nil {
            let length = string.unicodeScalars.count
            if let minLength = node.minLength, length < minLength {
                record(.minLength, node, "expected at least \(minLength) characters, found \(length)")
            }
            if let maxLength = node.maxLength, length > maxLength {
                record(.maxLength, node, "expected at most \(maxLength) characters, found \(length)")
            }
        }
        if let format = node.format, !format.matches(string) {
            record(.format, node, "\(Self.quoted(string)) is not a valid \(format.rawValue)")
        }
        if let pattern = node.pattern, !pattern.matches(string) {
            record(.pattern, node, "\(Self.quoted(string)) does not match the pattern \(pattern.source)")
        }
    }

    private mutating func checkBounds(_ number: JSONNumber, _ node: ValidationNode) {
        let value = number.doubleValue
        if let minimum = node.minimum, value < minimum.doubleValue {
            record(.minimum, node, "\(number.text) is less than the minimum \(minimum.text)")
        }
        if let maximum = node.maximum, value > maximum.doubleValue {
            record(.maximum, node, "\(number.text) is greater than the maximum \(maximum.text)")
        }
    }

    private mutating func checkEnum(_ value: JSONValue, _ node: ValidationNode) {
        if let strings = node.stringEnum, case .string(let string) = value {
            if strings.contains(string) { return }
        } else if let values = node.enumValues, values.contains(value) {
            return
        }
        let allowed = (node.enumValues ?? []).map { $0.jsonString() }.joined(separator: ", ")
        record(.enum, node, "\(Self.quoted(value)) is not one of [\(allowed)]")
    }

    private mutating func typeMismatch(_ value: JSONValue, _ node: ValidationNode) {
        record(.type, node, "expected \(node.typeDescription), found \(value.typeName)")
    }

    private static func isWhole(_ number: JSONNumber) -> Bool {
        if number.isInteger { return true }
        let value = number.doubleValue
        return value.isFinite && value.rounded(.towardZero) == value
    }

    /// A value for a message: JSON text, shortened past 80 bytes.
    private static func quoted(_ value: JSONValue) -> String {
        let text = value.jsonString()
        guard text.utf8.count > 80 else { return text }
        return String(text.prefix(77)) + "…"
    }

    private static func quoted(_ string: String) -> String {
        quoted(JSONValue.string(string))
    }
}
