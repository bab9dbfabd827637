/// Visitor identities learned from a conversation's earlier events.
///
/// Transcripts carry no visitor UUID, and feedback may lack the email the
/// visitor gave earlier. A store remembers, per `conversationUUID`, what the
/// mapper has seen, so later events of the same conversation land on the same
/// profile.
///
/// ```swift
/// let store = InMemoryConversationIdentityStore(capacity: 50_000)
/// let mapper = try XDMMapper(configuration: configuration, identityStore: store)
/// ```
public protocol ConversationIdentityStore: Sendable {
    /// What is known about a conversation's visitor, if anything.
    func identities(forConversation conversationID: String) -> ConversationIdentities?
    /// Merges newly seen identities into what is known (known values win ties:
    /// a later event never erases an earlier identity).
    func record(_ identities: ConversationIdentities, forConversation conversationID: String)
}

/// The identities of one conversation's visitor.
public struct ConversationIdentities: Sendable, Hashable, Codable {
    /// Chatlio's visitor UUID.
    public var visitorUUID: String?
    /// The email, trimmed and lower-cased (only valid addresses are recorded).
    public var email: String?
    /// The site's user id from `_chatlio.identify`.
    public var identUserId: String?

    public init(visitorUUID: String? = nil, email: String? = nil, identUserId: String? = nil) {
        self.visitorUUID = visitorUUID
        self.email = email
        self.identUserId = identUserId
    }

    /// Whether nothing is known.
    public var isEmpty: Bool { visitorUUID == nil && email == nil && identUserId == nil }

    /// These identities, with gaps filled from `other`.
    public func filling(from other: ConversationIdentities) -> ConversationIdentities {
        ConversationIdentities(visitorUUID: visitorUUID ?? other.visitorUUID, email: email ?? other.email, identUserId: identUserId ?? other.identUserId)
    }
}
