public import Foundation

/// Where events wait between `send` and AEP's acknowledgement.
///
/// The client talks to an outbox only through this protocol (storage), keeps
/// the scheduling to itself, and enforces ``OutboxLimits`` over it. Ship your
/// own for another store; the two built-in ones are ``FileOutbox`` (durable)
/// and ``InMemoryOutbox`` (ephemeral).
///
/// Implementation requirements:
/// - ``append(_:)`` returns only once the record is as durable as the outbox
///   promises; a record whose `append` returned must come back from
///   ``storedEntries()`` after a restart until it is removed.
/// - ``remove(_:)`` removes exactly the records with these ids; unknown ids are ignored.
/// - Ids are unique among stored records (the client guarantees it); appending
///   an id that is stored already does nothing.
/// - All methods are safe to call concurrently.
///
/// ```swift
/// let outbox = try FileOutbox(directory: supportDirectory.appendingPathComponent("aep-outbox"))
/// let client = try await AEPStreamingClient(configuration: configuration, outbox: outbox)
/// ```
public protocol Outbox: AnyObject, Sendable {
    /// Every stored record not yet removed, oldest first (without payloads).
    func storedEntries() async throws(AEPStreamingClientError) -> [OutboxEntry]
    /// Stores a record durably.
    func append(_ record: OutboxRecord) async throws(AEPStreamingClientError)
    /// The payloads of these records, in the same order; `nil` for an unknown id.
    func payloads(for ids: [String]) async throws(AEPStreamingClientError) -> [Data?]
    /// Removes these records (acknowledged, dead-lettered or dropped).
    func remove(_ ids: [String]) async throws(AEPStreamingClientError)
    /// Makes everything durable and releases files; later calls throw ``AEPStreamingClientError/Code/outboxClosed``.
    func close() async
}

/// A stored event: its id, its payload bytes and when `send` accepted it.
///
/// ```swift
/// try await outbox.append(OutboxRecord(id: "evt-1", payload: Data("{}".utf8), enqueuedAt: Date()))
/// ```
public struct OutboxRecord: Sendable, Hashable {
    /// The event id (XDM `_id`).
    public var id: String
    /// The payload bytes.
    public var payload: Data
    /// When the client accepted the event (ages are measured from here, across restarts).
    public var enqueuedAt: Date

    /// Creates a record.
    public init(id: String, payload: Data, enqueuedAt: Date) {
        self.id = id
        self.payload = payload
        self.enqueuedAt = enqueuedAt
    }
}

/// What the outbox tells the client about a stored record at start-up.
///
/// ```swift
/// for entry in try await outbox.storedEntries() { print(entry.id, entry.payloadBytes) }
/// ```
public struct OutboxEntry: Sendable, Hashable {
    /// The event id.
    public var id: String
    /// The payload size in bytes.
    public var payloadBytes: Int
    /// When the client accepted the event.
    public var enqueuedAt: Date

    /// Creates an entry.
    public init(id: String, payloadBytes: Int, enqueuedAt: Date) {
        self.id = id
        self.payloadBytes = payloadBytes
        self.enqueuedAt = enqueuedAt
    }
}
