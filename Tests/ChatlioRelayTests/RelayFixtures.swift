import ChatlioAEPSupport
import ChatlioRelay
import ChatlioWebhooks
import ChatlioXDMMapper
import Foundation

/// A sink that keeps what it accepts and can be told to refuse.
final class RecordingSink: RelayEventSink {
    let events = Locked<[RelayEvent]>([])
    let refusal = Locked<RelaySinkError?>(nil)

    func accept(_ event: RelayEvent) async throws(RelaySinkError) {
        if let refusal = refusal.withLock({ $0 }) { throw refusal }
        events.withLock { $0.append(event) }
    }

    var accepted: [RelayEvent] { events.withLock { $0 } }
}

/// A sink whose every `accept` waits until the test decides its outcome: it
/// holds an event "in flight" for as long as the test needs, like an outbox
/// applying backpressure, then stores it or refuses it.
final class GatedSink: RelayEventSink {
    private struct State {
        var pending: [(event: RelayEvent, decide: CheckedContinuation<RelaySinkError?, Never>)] = []
        var stored: [RelayEvent] = []
        var calls = 0
    }

    private let state = Locked(State())

    func accept(_ event: RelayEvent) async throws(RelaySinkError) {
        let refusal = await withCheckedContinuation { decide in
            state.withLock {
                $0.pending.append((event, decide))
                $0.calls += 1
            }
        }
        if let refusal { throw refusal }
        state.withLock { $0.stored.append(event) }
    }

    /// Calls waiting for an outcome.
    var pendingCount: Int { state.withLock { $0.pending.count } }
    /// Calls so far.
    var calls: Int { state.withLock { $0.calls } }
    /// What was stored.
    var stored: [RelayEvent] { state.withLock { $0.stored } }

    /// Decides the oldest waiting call: stored (`nil`) or refused; `false` when none waits.
    @discardableResult
    func finishOldest(refusing refusal: RelaySinkError?) -> Bool {
        let next = state.withLock { state -> CheckedContinuation<RelaySinkError?, Never>? in
            state.pending.isEmpty ? nil : state.pending.removeFirst().decide
        }
        next?.resume(returning: refusal)
        return next != nil
    }
}

/// A sink whose refusal text carries an internal path, as `AEPStreamingClient`'s outbox errors do.
struct PathLeakingSink: RelayEventSink {
    static let path = "/var/lib/chatlio/state/outbox/segment-000042.log"
    func accept(_ event: RelayEvent) async throws(RelaySinkError) {
        throw RelaySinkError(.unavailable, retryAfterSeconds: 5, reason: "could not append to \(Self.path): No space left on device (errno 28)")
    }
}

/// A quarantine that always fails, to prove the relay says so.
struct BrokenQuarantine: QuarantineStore {
    struct DiskFull: Error {}
    func quarantine(_ item: QuarantinedWebhook) async throws { throw DiskFull() }
}

struct ConditionTimedOut: Error, CustomStringConvertible {
    let what: String
    var description: String { "timed out waiting until \(what)" }
}

/// Polls `condition` until it holds, for at most `limit` (a bound against a
/// hang, never a performance claim); throws when it never held.
func waitUntil(_ what: String, limit: Duration = .seconds(60), _ condition: () -> Bool) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now + limit
    while !condition() {
        guard clock.now < deadline else { throw ConditionTimedOut(what: what) }
        try await Task.sleep(for: .milliseconds(1))
    }
}

/// A directory this process cannot create files in: a 0500 directory for an
/// ordinary user, and for root (which permission bits do not stop) `/proc`,
/// where even root cannot create a file while `access(W_OK)` says yes.
struct ReadOnlyDirectory {
    let url: URL
    private let owned: Bool

    static func make() throws -> ReadOnlyDirectory? {
        if geteuid() != 0 {
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("read-only-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o500])
            return ReadOnlyDirectory(url: url, owned: true)
        }
        #if os(Linux)
            return ReadOnlyDirectory(url: URL(fileURLWithPath: "/proc"), owned: false)
        #else
            return nil
        #endif
    }

    func cleanUp() {
        guard owned else { return }
        try? FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: url.path)
        try? FileManager.default.removeItem(at: url)
    }
}

/// A fresh path under the temporary directory (not created).
func temporaryPath(_ prefix: String) -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
}

enum RelayFixtures {
    static let secret = "0123456789abcdef-url-token"
    static let receivedAt = Date(timeIntervalSince1970: 1_767_225_600)

    static func relay(
        _ configure: (inout ChatlioRelay.Configuration) -> Void = { _ in },
        sink: RecordingSink = RecordingSink(),
        quarantine: any QuarantineStore = InMemoryQuarantineStore()
    ) throws -> ChatlioRelay {
        try relay(configure, anySink: sink, quarantine: quarantine)
    }

    static func relay(
        _ configure: (inout ChatlioRelay.Configuration) -> Void = { _ in },
        anySink sink: any RelayEventSink,
        quarantine: any QuarantineStore = InMemoryQuarantineStore(),
        log: (@Sendable (ChatlioLogRecord) -> Void)? = nil
    ) throws -> ChatlioRelay {
        var configuration = ChatlioRelay.Configuration()
        configure(&configuration)
        return try ChatlioRelay(
            configuration: configuration,
            mapper: XDMMapper(configuration: .init(tenantID: "acme")),
            sink: sink,
            quarantine: quarantine,
            log: log,
            now: { receivedAt })
    }
}
