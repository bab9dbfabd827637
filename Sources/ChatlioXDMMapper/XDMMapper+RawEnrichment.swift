import ChatlioJSON
public import ChatlioWebhooks
public import Foundation
import XDMSchemaRegistry

extension XDMMapper {
    /// The top-level key under which the relay, in raw mode, adds what a
    /// single Chatlio dataflow cannot learn from the body itself. Chatlio's
    /// keys are lower camelCase words of its own (`visitor`, `message`,
    /// `conversationUUID`, …); none starts with `chatlioAEP`, so the key
    /// cannot collide with one, and a body that already carries it is refused.
    ///
    /// ```swift
    /// let sent = try JSONValue(parsing: Data(event.body))
    /// sent[XDMMapper.rawEnrichmentKey]?["id"]   // the event's _id
    /// ```
    public static let rawEnrichmentKey = ChatlioXDM.relayEnrichmentKey

    /// What the relay adds to a raw webhook under ``rawEnrichmentKey``, for
    /// the one Data Prep mapping set (``dataPrepMappingSet(schemaID:)``) that
    /// maps all five kinds arriving at one dataflow:
    ///
    /// | Key | Value |
    /// |---|---|
    /// | `kind` | the webhook kind (the route it arrived on), e.g. `conversation-started` |
    /// | `id` | the event's `_id`: `ChatlioWebhook.eventID`, the same id XDM mode writes |
    /// | `eventType` | ``ChatlioWebhooks/WebhookKind/xdmEventType``, e.g. `chat.conversationStarted` |
    /// | `timestamp` | the event time XDM mode writes: UTC, milliseconds, `yyyy-MM-dd'T'HH:mm:ss.SSS'Z'` |
    /// | `visitorUUID` | the visitor UUID (the primary identity): the body's `visitor.UUID`; for a transcript, which has none, what ``identityStore`` learned from the conversation's earlier webhooks; absent when unknown |
    ///
    /// With an ``identityStore`` this records the conversation's visitor
    /// UUID as ``map(_:receivedAt:)`` does, so a later transcript finds it.
    ///
    /// ```swift
    /// let added = mapper.rawEnrichment(of: webhook, receivedAt: Date())
    /// added["eventType"]   // "chat.conversationStarted"
    /// ```
    public func rawEnrichment(of webhook: ChatlioWebhook, receivedAt: Date) -> JSONObject {
        var added = Self.rawEnrichment(of: webhook, receivedAt: receivedAt)
        guard let store = identityStore, let conversation = webhook.topLevelMember("conversationUUID")?.stringValue?.trimmed, !conversation.isEmpty else {
            return added
        }
        if let uuid = added["visitorUUID"]?.stringValue {
            store.record(ConversationIdentities(visitorUUID: uuid), forConversation: conversation)
        } else if let known = store.identities(forConversation: conversation)?.visitorUUID {
            added["visitorUUID"] = .string(known)
        }
        return added
    }

    /// ``rawEnrichment(of:receivedAt:)`` without an identity store: a
    /// transcript gets no `visitorUUID`.
    public static func rawEnrichment(of webhook: ChatlioWebhook, receivedAt: Date) -> JSONObject {
        var added: JSONObject = [
            "kind": .string(webhook.kind.rawValue),
            "id": .string(webhook.eventID),
            "eventType": .string(webhook.kind.xdmEventType),
            "timestamp": .string(eventTimestamp(eventTime: eventInstant(of: webhook), receivedAt: receivedAt).text),
        ]
        if let uuid = webhook.visitor?.uuid.trimmed, !uuid.isEmpty { added["visitorUUID"] = .string(uuid) }
        return added
    }

    /// Chatlio's body with `enrichment` (from ``rawEnrichment(of:receivedAt:)-swift.method``)
    /// added as the first member, under ``rawEnrichmentKey``. Every byte
    /// Chatlio sent is kept as it was (member order, spacing, numbers as
    /// written): only the new member is inserted after the opening brace.
    ///
    /// ```swift
    /// let webhook = try ChatlioWebhook.decode(body, kind: .visitorFeedback)
    /// let sent = try XDMMapper.enrichedRawBody(body, of: webhook, adding: mapper.rawEnrichment(of: webhook, receivedAt: Date()))
    /// ```
    ///
    /// - Throws: ``XDMMapperError/Code/reservedKey`` when the body already has
    ///   a ``rawEnrichmentKey`` member (not a body Chatlio wrote);
    ///   ``XDMMapperError/Code/notAnObject`` when it does not start with `{`.
    public static func enrichedRawBody(_ body: Data, of webhook: ChatlioWebhook, adding enrichment: JSONObject) throws(XDMMapperError) -> [UInt8] {
        guard webhook.topLevelMember(rawEnrichmentKey) == nil else {
            throw XDMMapperError(.reservedKey, "the body already has a top-level \"\(rawEnrichmentKey)\" member, which the relay reserves for the kind, _id and time it adds")
        }
        let bytes = Array(body)
        let whitespace: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0D]
        guard let open = bytes.firstIndex(where: { !whitespace.contains($0) }), bytes[open] == UInt8(ascii: "{") else {
            throw XDMMapperError(.notAnObject, "a raw body must be a JSON object")
        }
        let next = bytes[(open + 1)...].firstIndex(where: { !whitespace.contains($0) })
        let isEmptyObject = next.map { bytes[$0] == UInt8(ascii: "}") } ?? false
        var member = Array("\"\(rawEnrichmentKey)\":".utf8) + JSONValue.object(enrichment).serialized(sortedKeys: true)
        if !isEmptyObject { member.append(UInt8(ascii: ",")) }
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count + member.count)
        result += bytes[...open]
        result += member
        result += bytes[(open + 1)...]
        return result
    }

    /// The event time both modes write: the payload's own time unless it is
    /// after `receivedAt` (then `receivedAt`, flagged as clamped), else `receivedAt`.
    static func eventTimestamp(eventTime: RFC3339Instant?, receivedAt: Date) -> (text: String, fromPayload: Bool, clamped: Bool) {
        let received = RFC3339Timestamp.components(of: receivedAt)
        if let eventTime {
            if (eventTime.secondsSince1970, eventTime.nanoseconds) > (received.seconds, received.nanoseconds) {
                return (RFC3339Timestamp.utcString(secondsSince1970: received.seconds, nanoseconds: received.nanoseconds, fractionDigits: 3), false, true)
            }
            return (eventTime.utcString(fractionDigits: 3), true, false)
        }
        return (RFC3339Timestamp.utcString(secondsSince1970: received.seconds, nanoseconds: received.nanoseconds, fractionDigits: 3), false, false)
    }
}
