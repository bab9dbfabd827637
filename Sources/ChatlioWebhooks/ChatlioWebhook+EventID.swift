import ChatlioJSON

extension ChatlioWebhook {
    /// The event's identity: SHA-256 hex of the kind and the payload in
    /// canonical form (members sorted, numbers as written). It depends on
    /// nothing else (not on receive time, configuration or chance), so a
    /// webhook Chatlio sends twice has one id, in XDM mode (the entity's
    /// `_id`) and in raw mode (the relay's `chatlioAEP.id`) alike.
    ///
    /// The canonical bytes are those of `serialized(sortedKeys: true)`,
    /// streamed into the hasher in small chunks; for a decoded body they are
    /// read from its bytes (its tape), without building the payload's tree.
    /// Hashes the whole payload on every call.
    ///
    /// ```swift
    /// let webhook = try ChatlioWebhook.decode(body, kind: .conversationStarted)
    /// let id = webhook.eventID   // 64 lower-case hex digits
    /// ```
    public var eventID: String {
        var hasher = SHA256()
        var kind = kind.rawValue
        kind.withUTF8 { hasher.update(UnsafeRawBufferPointer($0)) }
        hasher.update(CollectionOfOne(UInt8(ascii: "\n")))
        withUnsafeMutablePointer(to: &hasher) { state in
            streamCanonicalBytes(into: CanonicalBytesConsumer(state: state) { state, start, count in
                state.assumingMemoryBound(to: SHA256.self).pointee.update(UnsafeRawBufferPointer(start: start, count: count))
            })
        }
        return hasher.finalizeHex()
    }
}
