import Foundation

// Codable through any Decoder or Encoder. Our own parser and writer keep the
// exact text of every number; through a generic coder a number travels as
// Int64, UInt64 or Decimal when one of them holds it exactly, else as Double.

extension JSONValue: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let bool = try? container.decode(Bool.self) {
            self = .bool(bool)
        } else if let string = try? container.decode(String.self) {
            self = .string(string)
        } else if let number = try? container.decode(JSONNumber.self) {
            self = .number(number)
        } else if let array = try? container.decode([JSONValue].self) {
            self = .array(array)
        } else if let object = try? container.decode([String: JSONValue].self) {
            self = .object(object)
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a JSON value")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let bool): try container.encode(bool)
        case .number(let number): try container.encode(number)
        case .string(let string): try container.encode(string)
        case .array(let array): try container.encode(array)
        case .object(let object): try container.encode(object)
        }
    }
}

extension JSONNumber: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let integer = try? container.decode(Int64.self) {
            self.init(integer)
        } else if let integer = try? container.decode(UInt64.self) {
            self.init(integer)
        } else if let decimal = try? container.decode(Decimal.self), let exact = JSONNumber(text: decimal.description) {
            self = exact
        } else {
            let double = try container.decode(Double.self)
            guard let number = JSONNumber(double) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "\(double) has no JSON literal")
            }
            self = number
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let integer = Int64(text) {
            try container.encode(integer)
        } else if let integer = UInt64(text) {
            try container.encode(integer)
        } else if let decimal = Decimal(string: text), decimal.description == text {
            try container.encode(decimal)
        } else {
            try container.encode(doubleValue)
        }
    }
}
