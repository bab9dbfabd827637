public import AEPStreamingClient

/// The streaming client is the relay's usual sink: `send` returns once the
/// event is durably in its outbox.
///
/// ```swift
/// let client = try await AEPStreamingClient(configuration: configuration, outbox: FileOutbox(directory: outboxURL))
/// let relay = try ChatlioRelay(mapper: mapper, sink: client, quarantine: quarantine)
/// ```
extension AEPStreamingClient: RelayEventSink {
    /// Seconds Chatlio is told to wait when the outbox is full.
    static let retryAfterWhenFull = 30

    /// The client's `MessageFormat`: `.xdm` for XDM envelopes, `.raw` for raw JSON.
    public var payloadFormat: RelayPayloadFormat {
        configuration.format.isXDM ? .xdm : .raw
    }

    public func accept(_ event: RelayEvent) async throws(RelaySinkError) {
        do {
            try await send(StreamingEvent(id: event.id, payload: event.body))
        } catch {
            if error.code == .outboxFull {
                throw RelaySinkError.full(retryAfterSeconds: Self.retryAfterWhenFull)
            }
            throw RelaySinkError(.unavailable, retryAfterSeconds: Self.retryAfterWhenFull, reason: error.description)
        }
    }
}
