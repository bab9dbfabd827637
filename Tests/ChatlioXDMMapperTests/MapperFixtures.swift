import ChatlioJSON
@testable import ChatlioXDMMapper
import ChatlioWebhooks
import ChatlioAEPTestSupport
import Foundation
import Testing
import XDMSchemaRegistry

enum MapperFixtures {
    /// A fixed receive time after every sample's own time.
    static let receivedAt = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01T00:00:00Z

    static func mapper(_ configure: (inout XDMMapper.Configuration) -> Void = { _ in }, store: (any ConversationIdentityStore)? = nil) throws -> XDMMapper {
        var configuration = XDMMapper.Configuration(tenantID: "acme")
        configure(&configuration)
        return try XDMMapper(configuration: configuration, identityStore: store)
    }

    static func webhook(_ kind: WebhookKind, _ name: String) throws -> ChatlioWebhook {
        try ChatlioWebhook.decode(SamplePayloads.named(kind, name), kind: kind)
    }

    static func webhook(_ kind: WebhookKind, _ object: JSONObject) throws -> ChatlioWebhook {
        try ChatlioWebhook(kind: kind, jsonObject: object)
    }

    /// Every place in a document that holds `null`, `""`, `{}` or `[]`.
    static func emptyValues(in value: JSONValue, at pointer: String = "") -> [String] {
        switch value {
        case .null: return [pointer]
        case .string(let string): return string.isEmpty ? [pointer] : []
        case .array(let array):
            return array.isEmpty ? [pointer] : array.enumerated().flatMap { emptyValues(in: $1, at: JSONPointer.appending($0, to: pointer)) }
        case .object(let object):
            return object.isEmpty ? [pointer] : object.flatMap { emptyValues(in: $1, at: JSONPointer.appending($0, to: pointer)) }
        default: return []
        }
    }
}
