/// An error from ``AEPStreamingClient``, its outboxes, transport or token provider.
///
/// Compare ``code`` against the `static let` constants; new codes can be added
/// without breaking callers. ``reason`` names the problem in words and never
/// contains a secret (tokens, client secrets).
///
/// ```swift
/// do {
///     try await client.send(event)
/// } catch let error as AEPStreamingClientError where error.code == .outboxFull {
///     // the outbox is at its bound and the overflow policy is .failFast
/// }
/// ```
public struct AEPStreamingClientError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem occurred; compare with the `static let` constants.
    ///
    /// ```swift
    /// if error.code == .outboxFull { metrics.increment("aep.refused") }
    /// ```
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        fileprivate enum Base: String, Sendable, Hashable {
            case invalidConfiguration
            case invalidEvent
            case eventTooLarge
            case outboxFull
            case outboxIO
            case outboxLocked
            case outboxClosed
            case shutDown
            case insecureURL
            case transport
            case authenticationFailed
            case deadLetterStoreFull
            case deadLetterStoreIO
            case deadLetterNotFound
        }

        fileprivate let base: Base
        fileprivate init(_ base: Base) { self.base = base }

        /// A configuration value is out of range or missing.
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// The event has an empty id or a payload that is not a JSON object.
        public static let invalidEvent = Code(.invalidEvent)
        /// The event, wrapped in its envelope, can never fit in one request.
        public static let eventTooLarge = Code(.eventTooLarge)
        /// The outbox is at a bound and the overflow policy is ``OverflowPolicy/failFast``
        /// (or a backpressure wait reached its limit).
        public static let outboxFull = Code(.outboxFull)
        /// Reading or writing the outbox failed (disk full, permissions, …).
        public static let outboxIO = Code(.outboxIO)
        /// Another process (or client) holds the outbox directory.
        public static let outboxLocked = Code(.outboxLocked)
        /// The outbox was closed.
        public static let outboxClosed = Code(.outboxClosed)
        /// The client is shutting down or shut down; no more events are accepted.
        public static let shutDown = Code(.shutDown)
        /// A plain-http URL to a host other than loopback, without explicit permission.
        public static let insecureURL = Code(.insecureURL)
        /// The HTTP exchange failed (connection refused or dropped, timeout, TLS).
        public static let transport = Code(.transport)
        /// No access token could be obtained, or AEP refused the token after a refresh.
        public static let authenticationFailed = Code(.authenticationFailed)
        /// The dead-letter store is at its bound; the event stays in the outbox (not sent again).
        public static let deadLetterStoreFull = Code(.deadLetterStoreFull)
        /// Reading, writing or locking the dead-letter store failed.
        public static let deadLetterStoreIO = Code(.deadLetterStoreIO)
        /// No dead letter has this id.
        public static let deadLetterNotFound = Code(.deadLetterNotFound)

        public var description: String { base.rawValue }
    }

    /// What kind of problem occurred.
    public let code: Code
    /// What went wrong, in words, without secrets.
    public let reason: String

    /// Creates an error.
    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { "AEPStreamingClientError.\(code): \(reason)" }
}
