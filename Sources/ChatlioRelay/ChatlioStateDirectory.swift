public import Foundation

/// The one layout of a relay's state directory, shared by the Hummingbird
/// relay's `STATE_DIR`, `chatlio-replay --state DIR` and `chatlio-aep-admin
/// --state DIR`, so every tool finds the same files:
///
/// ```text
/// STATE/
///   outbox/              FileOutbox: events waiting for AEP
///   dead-letters/        FileDeadLetterStore: events the client will not send again by itself
///   quarantine/          FileQuarantineStore: webhook bodies the relay refused
///   identities.ndjson    FileConversationIdentityStore: conversation → visitor identities
///   dedup-journal/       the relay's journal of recently accepted event ids
/// ```
///
/// `dead-letters` sits beside `outbox` because that is where
/// `AEPStreamingClient` puts a `FileOutbox`'s dead letters by default.
///
/// ```swift
/// let state = ChatlioStateDirectory(URL(fileURLWithPath: "/var/lib/chatlio-relay"))
/// let outbox = try FileOutbox(directory: state.outbox)
/// let client = try await AEPStreamingClient(
///     configuration: configuration, outbox: outbox,
///     deadLetters: FileDeadLetterStore(directory: state.deadLetters))
/// let quarantine = try FileQuarantineStore(directory: state.quarantine)
/// ```
public struct ChatlioStateDirectory: Sendable, Hashable, CustomStringConvertible {
    /// The state directory itself.
    public let root: URL

    /// Names the layout under `root`; creates nothing (each store creates its own directory when opened).
    public init(_ root: URL) {
        // One spelling per directory, so two names for it compare equal.
        self.root = URL(fileURLWithPath: root.standardizedFileURL.path, isDirectory: true)
    }

    /// Names the layout under the directory at `path`.
    public init(path: String) {
        self.init(URL(fileURLWithPath: path, isDirectory: true))
    }

    /// `STATE/outbox`: the `FileOutbox` directory.
    public var outbox: URL { root.appendingPathComponent("outbox", isDirectory: true) }

    /// `STATE/dead-letters`: the `FileDeadLetterStore` directory.
    public var deadLetters: URL { root.appendingPathComponent("dead-letters", isDirectory: true) }

    /// `STATE/quarantine`: the ``FileQuarantineStore`` directory.
    public var quarantine: URL { root.appendingPathComponent("quarantine", isDirectory: true) }

    /// `STATE/identities.ndjson`: the `FileConversationIdentityStore` journal.
    public var identities: URL { root.appendingPathComponent("identities.ndjson", isDirectory: false) }

    /// `STATE/dedup-journal`: where the relay keeps the ids it accepted recently, across restarts.
    public var deduplicationJournal: URL { root.appendingPathComponent("dedup-journal", isDirectory: true) }

    public var description: String { root.path }
}
