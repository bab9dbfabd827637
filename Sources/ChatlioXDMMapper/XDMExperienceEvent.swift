public import ChatlioWebhooks

/// One XDM ExperienceEvent made from a Chatlio webhook: the `xdmEntity` of an
/// AEP streaming message, in Compatibility Mode field names.
///
/// The compact JSON is produced once, during mapping (the size budget is
/// measured on it), and kept in ``jsonBytes`` so senders need not encode
/// again. ``value`` is parsed from those bytes when asked for, so the hot path
/// (map, hand the bytes on) builds no tree. Equality and hashing are over the
/// bytes and the report.
///
/// ```swift
/// let event = try mapper.map(webhook, receivedAt: Date())
/// event.id          // 64 hex digits, the same for the same webhook
/// event.eventType   // "chat.conversationStarted"
/// event.timestamp   // "2024-05-19T16:14:32.000Z"
/// let data = try JSONEncoder().encode(event)   // the xdmEntity JSON
/// ```
public struct XDMExperienceEvent: Sendable, Hashable, Encodable {
    /// `_id`: SHA-256 hex of the webhook's kind and content.
    public let id: String
    /// `timestamp`: UTC, RFC 3339 with milliseconds.
    public let timestamp: String
    /// `eventType`, one value per webhook kind.
    public let eventType: String
    /// The webhook kind the event came from.
    public let kind: WebhookKind
    /// The whole `xdmEntity`, parsed from ``jsonBytes`` on each access
    /// (computed, not stored: keep the result if you need it more than once).
    public var value: JSONValue {
        // The mapper's own compact JSON always parses; `.null` only stands in
        // for a defect, never for input.
        (try? JSONValue(parsing: jsonBytes)) ?? .null
    }
    /// ``value`` as compact JSON, UTF-8.
    public let jsonBytes: [UInt8]
    /// What the mapper trimmed, omitted or clamped (also written under
    /// `_{tenantID}.chatlio.mapping` when there is something to say).
    public let report: MappingReport

    init(id: String, timestamp: String, eventType: String, kind: WebhookKind, jsonBytes: [UInt8], report: MappingReport) {
        self.id = id
        self.timestamp = timestamp
        self.eventType = eventType
        self.kind = kind
        self.jsonBytes = jsonBytes
        self.report = report
    }

    /// Encodes ``value``.
    public func encode(to encoder: any Encoder) throws {
        try value.encode(to: encoder)
    }
}

/// What the mapper changed on its way to a valid event.
///
/// ```swift
/// if event.report.timestampClamped { log("future timestamp clamped for \(event.id)") }
/// for path in event.report.trimmed { log("trimmed \(path)") }
/// ```
public struct MappingReport: Sendable, Hashable {
    /// Where `timestamp` came from.
    public enum TimestampSource: String, Sendable, Hashable {
        /// The payload's own time (a transcript's `endedAt`).
        case payload
        /// The `receivedAt` the caller passed.
        case received
    }

    /// XDM paths of values removed by an array cap or to fit the size
    /// budget, in trim order; a range for arrays (`…transcript.messages[0..<40]`).
    public internal(set) var trimmed: [String] = []
    /// XDM paths (with a reason) of values left out because they were invalid.
    public internal(set) var omitted: [String] = []
    /// Whether the payload's time was in the future and replaced by `receivedAt`.
    public internal(set) var timestampClamped = false
    /// Where `timestamp` came from.
    public internal(set) var timestampSource = TimestampSource.received

    /// Whether the event is the plain mapping, with nothing trimmed, omitted or clamped.
    public var isClean: Bool { trimmed.isEmpty && omitted.isEmpty && !timestampClamped }
}
