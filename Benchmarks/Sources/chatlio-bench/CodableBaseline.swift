import ChatlioWebhooks
import Foundation

/// The baseline: plain Codable structs for the same payloads, decoded with
/// JSONDecoder and encoded with JSONEncoder — what a service writes without
/// this library (and without its exactness, validation or XDM mapping).
enum CodableBaseline {
    struct Visitor: Codable {
        var email: String?
        var UUID: String
        var name: String?
        var identUserId: String?
        var identTraits: String?
        var userAgent: String?
        var handle: String?
        var currentPage: String?
        var referrerURL: String?
        var createdAt: String?
        var IPAddress: String?
        var location: String?
    }

    struct ConversationEvent: Codable {
        var visitor: Visitor
        var message: String?
        var conversationUUID: String?
        var channelId: String?
        var slackChannelName: String?
        var slackChannelId: String?
    }

    struct OfflineMessage: Codable {
        var name: String?
        var email: String?
        var emailPretty: String?
        var message: String?
        var subject: String?
        var visitor: Visitor
    }

    struct Message: Codable {
        var text: String?
        var ts: String
        var sentAt: String?
        var userId: String?
        var username: String?
        var isVisitorMsg: Bool?
    }

    struct Transcript: Codable {
        var agentEmail: String?
        var agentName: String?
        var archiveUrl: String?
        var extraData: [String]?
        var channelId: String?
        var channelName: String?
        var conversationUUID: String
        var endedAt: String?
        var htmlBody: String?
        var textBody: String?
        var messages: [Message]?
        var startedAt: String?
        var visitorEmail: String?
        var replyToEmail: String?
        var visitorName: String?
        var visitorTraits: Traits?
    }

    /// Chatlio sends `visitorTraits` as an object or as a string.
    enum Traits: Codable {
        case object([String: String])
        case text(String)

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) { self = .text(text) } else { self = .object(try container.decode([String: String].self)) }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .object(let object): try container.encode(object)
            case .text(let text): try container.encode(text)
            }
        }
    }

    static func decode(_ data: Data, kind: WebhookKind, _ decoder: JSONDecoder) throws -> any Encodable {
        switch kind.payloadShape {
        case .conversationEvent: try decoder.decode(ConversationEvent.self, from: data)
        case .offlineMessage: try decoder.decode(OfflineMessage.self, from: data)
        case .transcript: try decoder.decode(Transcript.self, from: data)
        }
    }

    static func roundTrip(_ data: Data, kind: WebhookKind, _ decoder: JSONDecoder, _ encoder: JSONEncoder) throws {
        let value = try decode(data, kind: kind, decoder)
        _ = try encoder.encode(value)
    }
}
