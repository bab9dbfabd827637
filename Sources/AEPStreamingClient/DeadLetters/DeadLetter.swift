public import Foundation

/// An event the client will not send again by itself, kept with its payload
/// so a person can read it and redrive it (``AEPStreamingClient/redrive(_:)``)
/// or purge it (``AEPStreamingClient/purgeDeadLetters(_:)``).
///
/// ```swift
/// for entry in try await client.deadLetters.entries() {
///     print(entry.id, entry.status.map(String.init) ?? "-", entry.reason)
/// }
/// if let letter = try await client.deadLetters.letter(id: someID) {
///     print(String(decoding: letter.payload, as: UTF8.self))
/// }
/// ```
public struct DeadLetter: Sendable, Hashable {
    /// What is known about the letter without its payload.
    public var entry: DeadLetterEntry
    /// The payload exactly as `send` got it (the xdmEntity, or the raw JSON).
    public var payload: Data

    /// Creates a letter; `entry.payloadBytes` is set from `payload`.
    public init(entry: DeadLetterEntry, payload: Data) {
        var entry = entry
        entry.payloadBytes = payload.count
        self.entry = entry
        self.payload = payload
    }

    /// The event's `_id`.
    public var id: String { entry.id }
}

/// One dead letter's facts, without the payload: what listings show.
///
/// ```swift
/// let old = try await store.entries().filter { $0.deadLetteredAt < cutoff }
/// ```
public struct DeadLetterEntry: Sendable, Hashable {
    /// The event's `_id`; a redrive sends it again under the same id, so AEP
    /// and Profile drop it if an earlier copy did arrive.
    public var id: String
    /// The payload's XDM `eventType` when it has one (`chat.conversationStarted`, …).
    public var kind: String?
    /// AEP's last status for it; `nil` when no answer carried one (expired in an outage).
    public var status: Int?
    /// AEP's message, or why the client gave up, secrets redacted.
    public var reason: String
    /// Requests that carried the event.
    public var attempts: Int
    /// When `send` accepted it (wall clock).
    public var enqueuedAt: Date
    /// When a request first carried it; `nil` when it never went out.
    public var firstSentAt: Date?
    /// When it was dead-lettered.
    public var deadLetteredAt: Date
    /// The payload's size.
    public var payloadBytes: Int

    /// Creates an entry.
    public init(
        id: String, kind: String? = nil, status: Int?, reason: String, attempts: Int, enqueuedAt: Date, firstSentAt: Date?,
        deadLetteredAt: Date, payloadBytes: Int = 0
    ) {
        self.id = id
        self.kind = kind
        self.status = status
        self.reason = reason
        self.attempts = attempts
        self.enqueuedAt = enqueuedAt
        self.firstSentAt = firstSentAt
        self.deadLetteredAt = deadLetteredAt
        self.payloadBytes = payloadBytes
    }
}
