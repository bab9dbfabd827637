public import ChatlioWebhooks

/// Where accepted events go: a durable outbox in front of AEP.
///
/// ``accept(_:)`` must return only once the event is durably stored, so the
/// relay answers 202 only for what cannot be lost. `AEPStreamingClient`
/// conforms; tests and other transports can too.
///
/// ```swift
/// struct PrintingSink: RelayEventSink {
///     func accept(_ event: RelayEvent) async throws(RelaySinkError) { archive(event.body) }
/// }
/// ```
public protocol RelayEventSink: Sendable {
    /// Stores an event durably, or throws why it cannot.
    func accept(_ event: RelayEvent) async throws(RelaySinkError)

    /// What the sink sends on: XDM entities or raw JSON. The relay refuses,
    /// at creation, a ``ChatlioRelay/Mode`` that does not match. The default,
    /// ``RelayPayloadFormat/unknown``, is not checked.
    ///
    /// ```swift
    /// struct DataPrepSink: RelayEventSink {
    ///     var payloadFormat: RelayPayloadFormat { .raw }
    ///     func accept(_ event: RelayEvent) async throws(RelaySinkError) { forward(event.body) }
    /// }
    /// ```
    var payloadFormat: RelayPayloadFormat { get }
}

extension RelayEventSink {
    /// Not known: the relay does not check its mode against this sink.
    public var payloadFormat: RelayPayloadFormat { .unknown }
}

/// One event for the sink: its deduplication id and the bytes to send.
public struct RelayEvent: Sendable, Hashable {
    /// The XDM `_id` (also the id in raw mode).
    public var id: String
    /// The webhook kind it came from.
    public var kind: WebhookKind
    /// The xdmEntity JSON (XDM mode), or Chatlio's JSON with the relay's
    /// `chatlioAEP` member added (raw mode; see `XDMMapper.rawEnrichment(of:receivedAt:)`).
    public var body: [UInt8]

    public init(id: String, kind: WebhookKind, body: [UInt8]) {
        self.id = id
        self.kind = kind
        self.body = body
    }
}

/// Why a sink refused an event.
///
/// ```swift
/// throw RelaySinkError.full(retryAfterSeconds: 30)
/// ```
public struct RelaySinkError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The class of refusal.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case full = "outbox full"
            case unavailable = "sink unavailable"
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The outbox is at its bound; the relay answers 503 with `Retry-After`.
        public static let full = Code(.full)
        /// The sink cannot store anything now (shut down, disk error); 503.
        public static let unavailable = Code(.unavailable)

        public var description: String { base.rawValue }
    }

    /// The class of refusal.
    public let code: Code
    /// Seconds after which a retry may succeed.
    public let retryAfterSeconds: Int
    /// What happened.
    public let reason: String

    public init(_ code: Code, retryAfterSeconds: Int = 30, reason: String) {
        self.code = code
        self.retryAfterSeconds = retryAfterSeconds
        self.reason = reason
    }

    /// The outbox is full.
    public static func full(retryAfterSeconds: Int) -> RelaySinkError {
        RelaySinkError(.full, retryAfterSeconds: retryAfterSeconds, reason: "the outbox is full")
    }

    public var description: String { "\(code): \(reason)" }
}
