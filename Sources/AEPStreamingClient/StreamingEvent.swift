public import Foundation

/// One event for AEP, as the client carries it: opaque JSON bytes plus the id
/// that identifies it.
///
/// In XDM mode ``payload`` is the `xdmEntity` object (the client wraps it in
/// the envelope when it sends); in raw mode it is the whole JSON body a Data
/// Prep dataflow maps. ``id`` is the XDM `_id`: the client uses it to
/// coalesce repeated sends, to remove the event from the outbox exactly once
/// AEP acknowledges it, and in delivery reports; AEP Profile uses it to drop
/// the duplicates that at-least-once delivery can produce.
///
/// ```swift
/// let event = StreamingEvent(id: "3f1c9a…", payload: Data(#"{"_id":"3f1c9a…","timestamp":"2024-05-01T12:34:56Z"}"#.utf8))
/// try await client.send(event)
/// ```
public struct StreamingEvent: Sendable, Hashable {
    /// The event's XDM `_id` (non-empty, at most 1024 UTF-8 bytes).
    public var id: String
    /// The JSON object bytes: `xdmEntity` in XDM mode, the raw body in raw mode.
    public var payload: Data

    /// Creates an event from its id and JSON object bytes.
    public init(id: String, payload: Data) {
        self.id = id
        self.payload = payload
    }

    /// Creates an event from its id and JSON object bytes.
    public init(id: String, payload: [UInt8]) {
        self.id = id
        self.payload = Data(payload)
    }
}
