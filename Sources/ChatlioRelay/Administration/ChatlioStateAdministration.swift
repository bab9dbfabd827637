import ChatlioAEPSupport
public import AEPStreamingClient
public import ChatlioXDMMapper
public import Foundation

/// What an operator does to a relay's state — status, dead letters (list,
/// show, redrive, purge), quarantine (list, show, replay, purge) — in one
/// place for the two ways in:
///
/// - **offline**, with the relay stopped: ``open(_:mapperConfiguration:relayConfiguration:)``
///   takes the outbox's and the dead-letter store's locks itself
///   (`chatlio-aep-admin`), and refuses with
///   ``ChatlioStateAdministrationError/Code/stateInUse`` while a running
///   relay or client holds them;
/// - **live**, inside the running relay: ``init(client:outbox:quarantine:mapper:relayConfiguration:state:)``
///   works through the client (`redrive`, `purgeDeadLetters`), so nobody has
///   to stop it (the Hummingbird relay's `/admin` endpoints).
///
/// Either way a redriven letter goes back into the outbox under its own `_id`
/// with a fresh enqueue time and leaves the dead-letter store only after the
/// append returned, and a quarantined body is replayed through a
/// ``ChatlioRelay`` (decode, map, validate: the relay's own code path) into
/// the outbox; what still fails stays quarantined with its new reason.
///
/// ```swift
/// let admin = try await ChatlioStateAdministration.open(ChatlioStateDirectory(path: "/var/lib/chatlio-relay"))
/// let status = try await admin.status()
/// print(status.outbox.events, status.deadLetters.count, status.quarantine.count)
/// let redriven = try await admin.redriveDeadLetters(.all)
/// await admin.close()
/// ```
public final class ChatlioStateAdministration: Sendable {
    /// The state directory, when the administration opened one.
    public let state: ChatlioStateDirectory?

    let outbox: any Outbox
    let deadLetters: any DeadLetterStore
    let quarantine: FileQuarantineStore?
    /// The live client (redrive and purge go through it), or `nil` offline.
    let client: AEPStreamingClient?
    /// Where replayed quarantine bodies go: the live client, or an appender to the outbox.
    let replaySink: any RelayEventSink
    let mapper: Locked<MapperSource>
    let relayConfiguration: ChatlioRelay.Configuration
    /// Whether ``close()`` closes the outbox (only one this administration opened).
    private let ownsOutbox: Bool

    /// The mapper for quarantine replays: given, or built on first use (offline,
    /// so opening for `status` does not touch the identity journal).
    enum MapperSource: Sendable {
        case ready(XDMMapper?)
        case deferred(XDMMapper.Configuration, identities: URL)
    }

    /// Administration inside a running relay: through its client, its outbox and its quarantine.
    ///
    /// ```swift
    /// let outbox = try FileOutbox(directory: state.outbox)
    /// let client = try await AEPStreamingClient(configuration: configuration, outbox: outbox)
    /// let quarantine = try FileQuarantineStore(directory: state.quarantine)
    /// let admin = ChatlioStateAdministration(client: client, outbox: outbox, quarantine: quarantine, mapper: mapper)
    /// ```
    ///
    /// - Parameters:
    ///   - client: the running relay's client; redrives and purges go through it.
    ///   - outbox: the client's outbox, read for ``status()`` (the client never hands it out).
    ///   - quarantine: the relay's quarantine; `nil` when it keeps none on disk.
    ///   - mapper: the relay's mapper, for quarantine replays (`nil` in raw mode).
    ///   - relayConfiguration: the relay's; replays use its mode and limits (never its URL token).
    ///   - state: the state directory, named in ``status()``.
    public init(
        client: AEPStreamingClient, outbox: any Outbox, quarantine: FileQuarantineStore?, mapper: XDMMapper?,
        relayConfiguration: ChatlioRelay.Configuration = ChatlioRelay.Configuration(), state: ChatlioStateDirectory? = nil
    ) {
        self.state = state
        self.outbox = outbox
        self.deadLetters = client.deadLetters
        self.quarantine = quarantine
        self.client = client
        self.replaySink = client
        self.mapper = Locked(.ready(mapper))
        self.relayConfiguration = relayConfiguration
        self.ownsOutbox = false
    }

    private init(
        state: ChatlioStateDirectory, outbox: FileOutbox, deadLetters: FileDeadLetterStore, quarantine: FileQuarantineStore,
        mapperConfiguration: XDMMapper.Configuration, relayConfiguration: ChatlioRelay.Configuration
    ) {
        self.state = state
        self.outbox = outbox
        self.deadLetters = deadLetters
        self.quarantine = quarantine
        self.client = nil
        self.replaySink = OutboxAppendingSink(outbox: outbox)
        self.mapper = Locked(.deferred(mapperConfiguration, identities: state.identities))
        self.relayConfiguration = relayConfiguration
        self.ownsOutbox = true
    }

    /// Opens a stopped relay's state directory: the outbox, the dead-letter
    /// store and the quarantine, in the ``ChatlioStateDirectory`` layout.
    ///
    /// ```swift
    /// let admin = try await ChatlioStateAdministration.open(state, mapperConfiguration: .init(tenantID: "acme"))
    /// defer { Task { await admin.close() } }
    /// ```
    ///
    /// - Parameters:
    ///   - state: the stopped relay's state directory.
    ///   - mapperConfiguration: the mapper quarantine replays use, with the
    ///     state's `identities.ndjson` (opened only when a replay needs it).
    ///   - relayConfiguration: mode and limits for quarantine replays.
    /// - Throws: ``ChatlioStateAdministrationError`` with
    ///   ``ChatlioStateAdministrationError/Code/noStateDirectory`` when `state`
    ///   does not exist, ``ChatlioStateAdministrationError/Code/stateInUse``
    ///   when a running process holds its locks, or
    ///   ``ChatlioStateAdministrationError/Code/storage``.
    public static func open(
        _ state: ChatlioStateDirectory, mapperConfiguration: XDMMapper.Configuration = XDMMapper.Configuration(tenantID: "acme"),
        relayConfiguration: ChatlioRelay.Configuration = ChatlioRelay.Configuration()
    ) async throws(ChatlioStateAdministrationError) -> ChatlioStateAdministration {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: state.root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ChatlioStateAdministrationError(.noStateDirectory, "\(state.root.path) is not a directory (nothing was created)")
        }
        let outbox: FileOutbox
        do {
            outbox = try FileOutbox(directory: state.outbox)
        } catch {
            throw Self.openingError(error, directory: state.outbox, state: state)
        }
        let deadLetters: FileDeadLetterStore
        do {
            deadLetters = try FileDeadLetterStore(directory: state.deadLetters)
        } catch {
            await outbox.close()
            throw Self.openingError(error, directory: state.deadLetters, state: state)
        }
        let quarantine: FileQuarantineStore
        do {
            quarantine = try FileQuarantineStore(directory: state.quarantine)
        } catch {
            await outbox.close()
            throw ChatlioStateAdministrationError(.storage, "cannot open the quarantine at \(state.quarantine.path): \(error)")
        }
        return ChatlioStateAdministration(
            state: state, outbox: outbox, deadLetters: deadLetters, quarantine: quarantine,
            mapperConfiguration: mapperConfiguration, relayConfiguration: relayConfiguration
        )
    }

    /// The refusal for a lock another process holds; a storage error otherwise.
    static func openingError(_ error: AEPStreamingClientError, directory: URL, state: ChatlioStateDirectory) -> ChatlioStateAdministrationError {
        let heldElsewhere = error.code == .outboxLocked || (error.code == .deadLetterStoreIO && error.reason.contains("another process holds"))
        guard heldElsewhere else {
            return ChatlioStateAdministrationError(.storage, "cannot open \(directory.path): \(error.reason)")
        }
        return ChatlioStateAdministrationError(
            .stateInUse, "\(directory.path) is locked: a running relay or client holds it; stop it or use its admin endpoints (state \(state.root.path))"
        )
    }

    /// Releases the outbox (and with it the state's lock) when ``open(_:mapperConfiguration:relayConfiguration:)`` opened it.
    public func close() async {
        if ownsOutbox { await outbox.close() }
    }

    // MARK: - Status

    /// Counts and ages of what the state holds.
    ///
    /// ```swift
    /// let status = try await admin.status()
    /// if let oldest = status.outbox.oldest { print("waiting since \(oldest)") }
    /// ```
    public struct Status: Sendable, Hashable {
        /// Events waiting for AEP.
        public struct Outbox: Sendable, Hashable {
            /// Events held.
            public var events: Int
            /// Their payload bytes.
            public var bytes: Int
            /// When the oldest was accepted; `nil` when empty.
            public var oldest: Date?
        }

        /// Events the client will not send again by itself.
        public struct DeadLetters: Sendable, Hashable {
            /// Letters kept.
            public var count: Int
            /// Their payload bytes.
            public var bytes: Int
            /// When the oldest was dead-lettered; `nil` when empty.
            public var oldest: Date?
        }

        /// Webhook bodies the relay refused.
        public struct Quarantine: Sendable, Hashable {
            /// Items kept (0 without a quarantine on disk).
            public var count: Int
            /// Their bytes on disk.
            public var bytes: Int
        }

        /// The state directory, when known.
        public var state: String?
        public var outbox: Outbox
        public var deadLetters: DeadLetters
        public var quarantine: Quarantine
    }

    /// What the outbox, the dead-letter store and the quarantine hold now.
    public func status() async throws(ChatlioStateAdministrationError) -> Status {
        let events: [OutboxEntry]
        do { events = try await outbox.storedEntries() } catch { throw Self.storageError("read the outbox", error) }
        let letters = try await deadLetterEntries()
        let quarantined = try quarantineFiles()
        return Status(
            state: state?.root.path,
            outbox: .init(events: events.count, bytes: events.reduce(0) { $0 + $1.payloadBytes }, oldest: events.map(\.enqueuedAt).min()),
            deadLetters: .init(count: letters.count, bytes: letters.reduce(0) { $0 + $1.payloadBytes }, oldest: letters.map(\.deadLetteredAt).min()),
            quarantine: .init(count: quarantined.count, bytes: quarantined.reduce(0) { $0 + $1.bytes })
        )
    }

    static func storageError(_ action: String, _ error: AEPStreamingClientError) -> ChatlioStateAdministrationError {
        ChatlioStateAdministrationError(.storage, "could not \(action): \(error.reason)")
    }
}
