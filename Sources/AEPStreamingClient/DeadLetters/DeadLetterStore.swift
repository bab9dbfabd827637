/// Where the client keeps the events it will not send again by itself.
///
/// The client writes a dead letter here and removes the event from the
/// ``Outbox`` only after ``add(_:)`` returned, so no crash between the two
/// loses it (at worst it is kept twice: once here, once sent again after a
/// restart). When ``add(_:)`` throws — the store is full, or its disk is —
/// the event stays in the outbox, is not sent again, and is counted in
/// ``AEPStreamingClient/Metrics/deadLettersNotKept``: never silent.
///
/// The two built-in stores are ``FileDeadLetterStore`` (durable) and
/// ``InMemoryDeadLetterStore`` (ephemeral, with ``InMemoryOutbox``).
///
/// Implementation requirements:
/// - ``add(_:)`` returns only once the letter is as durable as the store
///   promises; a letter with the id of a stored one replaces it.
/// - ``remove(_:)`` removes exactly these ids; unknown ids are ignored.
/// - All methods are safe to call concurrently.
///
/// ```swift
/// let state = URL(fileURLWithPath: "/var/lib/chatlio-relay")
/// let client = try await AEPStreamingClient(
///     configuration: configuration,
///     outbox: FileOutbox(directory: state.appendingPathComponent("outbox")),
///     deadLetters: FileDeadLetterStore(directory: state.appendingPathComponent("dead-letters"))
/// )
/// ```
public protocol DeadLetterStore: AnyObject, Sendable {
    /// Keeps a letter durably.
    func add(_ letter: DeadLetter) async throws(AEPStreamingClientError)
    /// Every letter kept, oldest first, without payloads.
    func entries() async throws(AEPStreamingClientError) -> [DeadLetterEntry]
    /// The letter with this id, payload included; `nil` when there is none.
    func letter(id: String) async throws(AEPStreamingClientError) -> DeadLetter?
    /// Removes these letters (redriven or purged).
    func remove(_ ids: [String]) async throws(AEPStreamingClientError)
}

/// How much a dead-letter store keeps at most.
///
/// ```swift
/// let store = try FileDeadLetterStore(directory: url, limits: .init(maxLetters: 50_000, maxBytes: 512 << 20))
/// ```
public struct DeadLetterLimits: Sendable, Hashable {
    /// Letters kept at most (default 100,000).
    public var maxLetters: Int
    /// Payload bytes kept at most (default 1 GiB).
    public var maxBytes: Int

    /// Creates limits; see the properties for the defaults.
    public init(maxLetters: Int = 100_000, maxBytes: Int = 1 << 30) {
        self.maxLetters = maxLetters
        self.maxBytes = maxBytes
    }

    /// Why a letter of `payloadBytes` does not fit beside `count` letters of `bytes`, if it does not.
    func refusal(count: Int, bytes: Int, payloadBytes: Int) -> String? {
        if count + 1 > maxLetters { return "the dead-letter store holds \(count) letters, its limit maxLetters \(maxLetters)" }
        if bytes + payloadBytes > maxBytes { return "the dead-letter store holds \(bytes) payload bytes; \(payloadBytes) more would pass maxBytes \(maxBytes)" }
        return nil
    }
}
