import ChatlioRelay
import ChatlioWebhooks
import ChatlioXDMMapper
import Foundation
import Synchronization

/// A sink that keeps what it accepts and can be told to refuse.
final class RecordingSink: RelayEventSink {
    let events = Mutex<[RelayEvent]>([])
    let refusal = Mutex<RelaySinkError?>(nil)

    func accept(_ event: RelayEvent) async throws(RelaySinkError) {
        if let refusal = refusal.withLock({ $0 }) { throw refusal }
        events.withLock { $0.append(event) }
    }

    var accepted: [RelayEvent] { events.withLock { $0 } }
}

/// A quarantine that always fails, to prove the relay says so.
struct BrokenQuarantine: QuarantineStore {
    struct DiskFull: Error {}
    func quarantine(_ item: QuarantinedWebhook) async throws { throw DiskFull() }
}

enum RelayFixtures {
    static let secret = "0123456789abcdef-url-token"
    static let receivedAt = Date(timeIntervalSince1970: 1_767_225_600)

    static func relay(
        _ configure: (inout ChatlioRelay.Configuration) -> Void = { _ in },
        sink: RecordingSink = RecordingSink(),
        quarantine: any QuarantineStore = InMemoryQuarantineStore()
    ) throws -> ChatlioRelay {
        var configuration = ChatlioRelay.Configuration()
        configure(&configuration)
        return try ChatlioRelay(
            configuration: configuration,
            mapper: XDMMapper(configuration: .init(tenantID: "acme")),
            sink: sink,
            quarantine: quarantine,
            now: { receivedAt })
    }
}
