import ChatlioAEPSupport

/// A bounded, in-memory ``ConversationIdentityStore``: the least recently
/// recorded conversation is forgotten first once `capacity` is reached.
///
/// ```swift
/// let store = InMemoryConversationIdentityStore(capacity: 10_000)
/// store.record(ConversationIdentities(visitorUUID: "2d3f…"), forConversation: "e3d1…")
/// store.identities(forConversation: "e3d1…")?.visitorUUID   // "2d3f…"
/// ```
public final class InMemoryConversationIdentityStore: ConversationIdentityStore {
    struct State {
        var entries: [String: (identities: ConversationIdentities, stamp: UInt64)] = [:]
        var order: [(conversationID: String, stamp: UInt64)] = []
        var orderStart = 0
        var clock: UInt64 = 0
        var evictions = 0

        /// Merges and returns the stored value.
        mutating func merge(_ identities: ConversationIdentities, forConversation conversationID: String, capacity: Int) -> ConversationIdentities {
            clock += 1
            let merged = entries[conversationID].map { $0.identities.filling(from: identities) } ?? identities
            entries[conversationID] = (merged, clock)
            order.append((conversationID, clock))
            while entries.count > capacity, orderStart < order.count {
                let oldest = order[orderStart]
                orderStart += 1
                // Skip order records superseded by a later record of the same conversation.
                if entries[oldest.conversationID]?.stamp == oldest.stamp {
                    entries[oldest.conversationID] = nil
                    evictions += 1
                }
            }
            if orderStart > 1024 && orderStart * 2 > order.count {
                order.removeFirst(orderStart)
                orderStart = 0
            }
            return merged
        }
    }

    /// The most conversations remembered.
    public let capacity: Int
    let state = Locked(State())

    /// Creates a store that remembers at most `capacity` conversations (at least 1).
    public init(capacity: Int = 100_000) {
        self.capacity = max(1, capacity)
    }

    public func identities(forConversation conversationID: String) -> ConversationIdentities? {
        state.withLock { $0.entries[conversationID]?.identities }
    }

    public func record(_ identities: ConversationIdentities, forConversation conversationID: String) {
        guard !identities.isEmpty else { return }
        _ = state.withLock { $0.merge(identities, forConversation: conversationID, capacity: capacity) }
    }

    /// How many conversations are remembered.
    public var count: Int { state.withLock { $0.entries.count } }

    /// How many conversations were forgotten to stay within ``capacity``.
    public var evictionCount: Int { state.withLock { $0.evictions } }
}
