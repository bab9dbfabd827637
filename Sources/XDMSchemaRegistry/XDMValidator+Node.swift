internal import ChatlioJSON

/// One compiled schema node. Immutable, so shared freely.
final class ValidationNode: Sendable {
    /// Bits of ``TypeBits``; 0 allows every type.
    let typeMask: UInt8
    let location: String
    let properties: [String: ValidationNode]
    let required: [String]
    let closed: Bool
    let additional: ValidationNode?
    let items: ValidationNode?
    let stringEnum: Set<String>?
    let enumValues: [JSONValue]?
    let format: XDMFormat?
    let pattern: XDMPattern?
    let minimum: JSONNumber?
    let maximum: JSONNumber?
    let minLength: Int?
    let maxLength: Int?
    let minItems: Int?
    let maxItems: Int?
    /// Whether any string keyword is set (skips the checks at once when not).
    let checksStrings: Bool

    enum TypeBits {
        static let null: UInt8 = 1
        static let boolean: UInt8 = 2
        static let integer: UInt8 = 4
        static let number: UInt8 = 8
        static let string: UInt8 = 16
        static let array: UInt8 = 32
        static let object: UInt8 = 64
    }

    init(compiling schema: XDMSchema, at location: String) throws(XDMSchemaError) {
        self.location = location
        var mask: UInt8 = 0
        for type in schema.types ?? [] {
            switch type {
            case .null: mask |= TypeBits.null
            case .boolean: mask |= TypeBits.boolean
            case .integer: mask |= TypeBits.integer
            case .number: mask |= TypeBits.number
            case .string: mask |= TypeBits.string
            case .array: mask |= TypeBits.array
            case .object: mask |= TypeBits.object
            }
        }
        typeMask = mask
        var compiled: [String: ValidationNode] = [:]
        for (name, property) in schema.properties ?? [:] {
            compiled[name] = try ValidationNode(compiling: property, at: location + "/properties/" + JSONPointer.escape(name))
        }
        properties = compiled
        required = schema.required ?? []
        switch schema.additionalProperties {
        case .allowed(let allowed)?:
            closed = !allowed
            additional = nil
        case .schema(let values)?:
            closed = false
            additional = try ValidationNode(compiling: values, at: location + "/additionalProperties")
        case nil:
            closed = false
            additional = nil
        }
        items = try schema.items.map { items throws(XDMSchemaError) in try ValidationNode(compiling: items, at: location + "/items") }
        if let values = schema.enumValues {
            let strings = values.compactMap(\.stringValue)
            stringEnum = strings.count == values.count ? Set(strings) : nil
            enumValues = values
        } else {
            stringEnum = nil
            enumValues = nil
        }
        if let name = schema.format {
            guard let format = XDMFormat(rawValue: name) else {
                throw XDMSchemaError(
                    .unknownFormat,
                    "\(location)/format: \"\(name)\" is not a supported format (supported: \(XDMFormat.allCases.map(\.rawValue).joined(separator: ", ")))"
                )
            }
            self.format = format
        } else {
            format = nil
        }
        do {
            pattern = try schema.pattern.map { source throws(XDMSchemaError) in try XDMPattern(source) }
        } catch {
            throw XDMSchemaError(error.code, "\(location)/pattern: \(error.reason)")
        }
        minimum = schema.minimum
        maximum = schema.maximum
        minLength = schema.minLength
        maxLength = schema.maxLength
        minItems = schema.minItems
        maxItems = schema.maxItems
        checksStrings = format != nil || pattern != nil || minLength != nil || maxLength != nil
    }

    /// The allowed types, for messages.
    var typeDescription: String {
        var names: [String] = []
        if typeMask & TypeBits.null != 0 { names.append("null") }
        if typeMask & TypeBits.boolean != 0 { names.append("boolean") }
        if typeMask & TypeBits.integer != 0 { names.append("integer") }
        if typeMask & TypeBits.number != 0 { names.append("number") }
        if typeMask & TypeBits.string != 0 { names.append("string") }
        if typeMask & TypeBits.array != 0 { names.append("array") }
        if typeMask & TypeBits.object != 0 { names.append("object") }
        return names.joined(separator: " or ")
    }
}
