/// A typed, read-only view of one JSON object from a Chatlio payload.
///
/// Every model keeps the object exactly as received in ``jsonObject`` and
/// reads its known fields from it once, when it is created. Re-encoding
/// writes ``jsonObject`` back, so decoding and encoding any payload gives JSON
/// equal to the input: unknown keys, `""` values and timestamp text included.
///
/// ```swift
/// let visitor = try Visitor(jsonObject: ["UUID": "2d3f4260-…", "email": ""])
/// visitor.email              // nil: Chatlio writes "" for unknown
/// visitor.jsonObject["email"] // .string(""), written back as is
/// visitor.additionalFields   // keys this model does not know
/// ```
public protocol ChatlioModel: Sendable, Hashable, Codable {
    /// The object exactly as received.
    var jsonObject: JSONObject { get }

    /// The wire names of the fields this model reads.
    static var knownFieldNames: Set<String> { get }

    /// Members of ``jsonObject`` this model does not know; kept and re-encoded.
    ///
    /// The models of this module note while decoding whether there are any,
    /// so asking costs nothing when there are none; the default filters
    /// ``jsonObject`` by ``knownFieldNames``.
    var additionalFields: JSONObject { get }

    /// Reads a model from a JSON object.
    ///
    /// - Throws: ``ChatlioWebhookError`` naming the field (as a JSON Pointer
    ///   relative to `jsonObject`) and the problem.
    init(jsonObject: JSONObject, options: ChatlioWebhook.DecodingOptions) throws(ChatlioWebhookError)
}

extension ChatlioModel {
    /// Reads a model from a JSON object with the default limits.
    public init(jsonObject: JSONObject) throws(ChatlioWebhookError) {
        try self.init(jsonObject: jsonObject, options: .default)
    }

    /// Members of ``jsonObject`` this model does not know; kept and re-encoded.
    public var additionalFields: JSONObject {
        JSONObject.members(of: jsonObject, notIn: Self.knownFieldNames)
    }

    /// Decodes the object through any `Decoder`, then reads it as this model.
    ///
    /// Number text is exact only through ``ChatlioWebhook/decode(_:kind:options:)``
    /// and `JSONValue(parsing:options:)`; a generic decoder hands
    /// numbers over as `Int64`, `Decimal` or `Double`.
    public init(from decoder: any Decoder) throws {
        let value = try JSONValue(from: decoder)
        guard case .object(let object) = value else {
            throw ChatlioWebhookError(.notAnObject, kind: nil, pointer: "", "expected an object, found \(value.typeName)")
        }
        try self.init(jsonObject: object, options: .default)
    }

    /// Encodes ``jsonObject``, the payload exactly as received.
    public func encode(to encoder: any Encoder) throws {
        try JSONValue.object(jsonObject).encode(to: encoder)
    }

    /// The payload as compact JSON bytes, exactly as received (member order aside).
    public func serialized(sortedKeys: Bool = false) -> [UInt8] {
        JSONValue.object(jsonObject).serialized(sortedKeys: sortedKeys)
    }
}

extension JSONObject {
    /// The members of `object` whose names are not in `known`.
    static func members(of object: JSONObject, notIn known: Set<String>) -> JSONObject {
        object.filter { !known.contains($0.key) }
    }
}

extension CaseIterable where Self: RawRepresentable<String> {
    static var wireNames: Set<String> { Set(allCases.map(\.rawValue)) }
}
