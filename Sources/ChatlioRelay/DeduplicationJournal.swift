/// Where the relay records the ids of events its sink has stored, so a
/// repeated webhook is still answered `200 duplicate` after a restart.
///
/// The relay reads ``recordedIDs()`` once, when it is created, and calls
/// ``record(_:)`` after the sink stored an event and before answering 202.
/// A journal is bounded: it keeps at least the newest ids that fit the
/// relay's deduplication window and forgets older ones.
/// ``FileDeduplicationJournal`` is the file implementation.
///
/// ```swift
/// let journal = try FileDeduplicationJournal(directory: state.appendingPathComponent("dedup-journal"))
/// let relay = try ChatlioRelay(mapper: mapper, sink: client, quarantine: quarantine, journal: journal)
/// ```
public protocol DeduplicationJournal: Sendable {
    /// The recorded ids, oldest first.
    func recordedIDs() throws -> [String]

    /// Records the id of an event the sink has stored; returns once the
    /// record is durable, or throws.
    func record(_ id: String) async throws
}

/// Why a deduplication journal could not be opened, read or written.
///
/// ```swift
/// do {
///     journal = try FileDeduplicationJournal(directory: url)
/// } catch where error.code == .cannotOpen {
///     fail("\(error)")   // cannot open: the deduplication journal directory /srv/state is not writable: …
/// }
/// ```
public struct DeduplicationJournalError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem occurred; compare with the `static let` constants.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case invalidCapacity = "invalid capacity"
            case cannotOpen = "cannot open"
            case unreadable = "unreadable"
            case writeFailed = "write failed"
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The capacity is below 1.
        public static let invalidCapacity = Code(.invalidCapacity)
        /// The directory or the journal file cannot be created, read,
        /// repaired or written; the reason names the path and the problem.
        public static let cannotOpen = Code(.cannotOpen)
        /// The journal file cannot be read back.
        public static let unreadable = Code(.unreadable)
        /// An id could not be appended or synced (disk full, I/O error).
        public static let writeFailed = Code(.writeFailed)

        public var description: String { base.rawValue }
    }

    /// What kind of problem occurred.
    public let code: Code
    /// What went wrong: the path and the system's reason.
    public let reason: String

    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { "\(code): \(reason)" }
}
