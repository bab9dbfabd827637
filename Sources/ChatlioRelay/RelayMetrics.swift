
/// What the relay has done since it was created.
///
/// ```swift
/// let metrics = relay.metrics()
/// gauge("chatlio.accepted", metrics.accepted)
/// for (code, count) in metrics.rejected { counter("chatlio.rejected", tags: ["code": code], count) }
/// ```
public struct RelayMetrics: Sendable, Hashable {
    /// Requests handled.
    public var received = 0
    /// Events stored durably (202).
    public var accepted = 0
    /// Repeats answered 200 without sending: an earlier copy is stored.
    public var duplicates = 0
    /// Copies that arrived while an earlier copy was being stored and
    /// waited for its outcome (then counted again as a duplicate, accepted,
    /// a 503 or a timeout).
    public var concurrentCopies = 0
    /// Copies answered 503 because the earlier copy's outcome did not come
    /// within ``ChatlioRelay/Configuration/concurrentCopyWait``.
    public var concurrentCopyTimeouts = 0
    /// Stored events whose id the ``DeduplicationJournal`` could not record
    /// (still answered 202: the event is stored; logged as an error).
    public var journalFailures = 0
    /// Refused bodies, by error code (400).
    public var rejected: [String: Int] = [:]
    /// Refused bodies kept in the quarantine.
    public var quarantined = 0
    /// Refused bodies the quarantine could not keep (500).
    public var quarantineFailures = 0
    /// Refused bodies not kept because the quarantine was full: answered 400
    /// with `"quarantined": false`, so Chatlio does not resend them.
    public var quarantineDropped = 0
    /// Unknown routes (404).
    public var unknownRoute = 0
    /// Bodies above the size cap (413).
    public var tooLarge = 0
    /// Missing or wrong URL tokens (401).
    public var unauthorized = 0
    /// Refusals because the outbox was full (503).
    public var sinkFull = 0
    /// Refusals because the sink could not store (503).
    public var sinkUnavailable = 0

    public init() {}
}

/// Why a relay could not be created.
///
/// ```swift
/// do { _ = try ChatlioRelay(configuration: .init(mode: .xdm), mapper: nil, sink: sink, quarantine: q) }
/// catch { print(error) }   // invalid configuration: XDM mode needs a mapper
/// ```
public struct ChatlioRelayError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The class of problem.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case invalidConfiguration = "invalid configuration"
            case unreadableJournal = "unreadable journal"
            case formatMismatch = "format mismatch"
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The configuration cannot work.
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// The ``DeduplicationJournal`` could not be read when the relay was created.
        public static let unreadableJournal = Code(.unreadableJournal)
        /// The relay's ``ChatlioRelay/Mode`` does not match what its sink sends
        /// (``RelayEventSink/payloadFormat``): a raw relay before an XDM client
        /// would send Chatlio's JSON as the `xdmEntity`.
        public static let formatMismatch = Code(.formatMismatch)

        public var description: String { base.rawValue }
    }

    public let code: Code
    public let reason: String

    init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { "\(code): \(reason)" }
}
