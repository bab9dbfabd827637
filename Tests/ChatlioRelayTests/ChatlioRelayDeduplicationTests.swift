import ChatlioAEPTestSupport
@testable import ChatlioRelay
import ChatlioWebhooks
import Foundation
import Synchronization
import Testing

/// `200 duplicate` means "an earlier copy is durably stored", nothing less:
/// copies that arrive while the first is still being stored wait for its
/// outcome, and a refused first copy leaves nothing marked as seen.
@Suite struct ChatlioRelayDeduplicationTests {
    static func request() throws -> WebhookRequest {
        WebhookRequest(route: "offline-message", body: try SamplePayloads.named(.offlineMessage, "basic"))
    }

    /// Runs `handle` in a task and notes when it has answered.
    final class Copy: Sendable {
        private final class Flag: Sendable {
            let raised = Mutex(false)
        }

        let task: Task<WebhookResponse, Never>
        private let answered = Flag()
        var hasAnswered: Bool { answered.raised.withLock { $0 } }

        init(_ relay: ChatlioRelay, _ request: WebhookRequest) {
            let answered = answered
            task = Task {
                let response = await relay.handle(request)
                answered.raised.withLock { $0 = true }
                return response
            }
        }
    }

    /// The defect from issue 13: with the outbox applying backpressure, a
    /// copy sent again while the first waited for room got `200 duplicate`;
    /// the first was then refused (503), and nothing held the event.
    @Test func aCopyArrivingWhileTheFirstIsRefusedIsNeverAnsweredDuplicate() async throws {
        let sink = GatedSink()
        let relay = try RelayFixtures.relay(anySink: sink)
        let request = try Self.request()
        let first = Copy(relay, request)
        try await waitUntil("the first copy is in the sink") { sink.pendingCount == 1 }
        let second = Copy(relay, request)
        try await waitUntil("the second copy waits for the first or has answered") { relay.waitingCopies() == 1 || second.hasAnswered }

        sink.finishOldest(refusing: .full(retryAfterSeconds: 7))
        // Released, the second copy may try the sink itself: the outbox is still full.
        while !second.hasAnswered {
            try await waitUntil("the second copy answers or reaches the sink") { second.hasAnswered || sink.pendingCount > 0 }
            sink.finishOldest(refusing: .full(retryAfterSeconds: 7))
        }
        let firstAnswer = await first.task.value
        let secondAnswer = await second.task.value
        #expect(firstAnswer.status == 503)
        #expect(secondAnswer.status == 503, "answered \(secondAnswer.status) \(secondAnswer.json.map { "\($0)" } ?? "") while nothing holds the event")
        #expect(secondAnswer.headers["retry-after"] != nil)
        #expect(sink.stored.isEmpty)
        #expect(relay.metrics().duplicates == 0)

        // Room again: the resend is stored, and only now is a further copy a duplicate.
        let resend = Copy(relay, request)
        try await waitUntil("the resend is in the sink") { sink.pendingCount == 1 }
        sink.finishOldest(refusing: nil)
        #expect(await resend.task.value.status == 202)
        #expect(await relay.handle(request).status == 200)
        #expect(sink.stored.count == 1)
    }
}
