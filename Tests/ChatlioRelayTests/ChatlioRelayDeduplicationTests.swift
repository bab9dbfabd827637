import ChatlioAEPSupport
import ChatlioAEPTestSupport
@testable import ChatlioRelay
import ChatlioWebhooks
import ChatlioXDMMapper
import Foundation
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
            let raised = Locked(false)
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

    @Test func aCopyWaitingForAFirstCopyThatIsStoredIsADuplicate() async throws {
        let sink = GatedSink()
        let relay = try RelayFixtures.relay(anySink: sink)
        let request = try Self.request()
        let first = Copy(relay, request)
        try await waitUntil("the first copy is in the sink") { sink.pendingCount == 1 }
        let second = Copy(relay, request)
        try await waitUntil("the second copy waits") { relay.waitingCopies() == 1 }
        #expect(!second.hasAnswered, "no answer before the first copy's outcome")
        sink.finishOldest(refusing: nil)
        #expect(await first.task.value.status == 202)
        let answer = await second.task.value
        #expect(answer.status == 200 && answer.json?["status"] == "duplicate")
        #expect(sink.calls == 1 && sink.stored.count == 1)
        #expect(relay.metrics().concurrentCopies == 1 && relay.metrics().duplicates == 1)
    }

    @Test func aCopyWaitsAtMostConcurrentCopyWaitThenGets503WithRetryAfter() async throws {
        let sink = GatedSink()
        let relay = try RelayFixtures.relay({ $0.concurrentCopyWait = .milliseconds(50) }, anySink: sink)
        let request = try Self.request()
        let first = Copy(relay, request)
        try await waitUntil("the first copy is in the sink") { sink.pendingCount == 1 }
        let late = await relay.handle(request)
        #expect(late.status == 503 && late.headers["retry-after"] == "1")
        #expect(late.json?["status"] == "unavailable" && late.json?["correlationId"]?.stringValue != nil)
        #expect(relay.waitingCopies() == 0 && relay.metrics().concurrentCopyTimeouts == 1)
        #expect(!first.hasAnswered && sink.calls == 1, "the first copy is untouched by the second's timeout")
        sink.finishOldest(refusing: nil)
        #expect(await first.task.value.status == 202)
        #expect(await relay.handle(request).status == 200)
    }

    @Test func aCancelledWaitingCopyStopsWaitingAndLeavesNothingBehind() async throws {
        let sink = GatedSink()
        let relay = try RelayFixtures.relay(anySink: sink)
        let request = try Self.request()
        let first = Copy(relay, request)
        try await waitUntil("the first copy is in the sink") { sink.pendingCount == 1 }
        let second = Copy(relay, request)
        try await waitUntil("the second copy waits") { relay.waitingCopies() == 1 }
        second.task.cancel()
        #expect(await second.task.value.status == 503)
        #expect(relay.waitingCopies() == 0)
        sink.finishOldest(refusing: nil)
        #expect(await first.task.value.status == 202)
    }

    /// Twenty copies at once, the first refused: exactly one of the rest
    /// stores the event, and only the others are duplicates.
    @Test func manyCopiesOfARefusedEventStoreItExactlyOnce() async throws {
        let sink = GatedSink()
        let relay = try RelayFixtures.relay(anySink: sink)
        let request = try Self.request()
        let first = Copy(relay, request)
        try await waitUntil("the first copy is in the sink") { sink.pendingCount == 1 }
        let others = (0 ..< 19).map { _ in Copy(relay, request) }
        try await waitUntil("the other copies wait") { relay.waitingCopies() == 19 }
        sink.finishOldest(refusing: RelaySinkError(.unavailable, retryAfterSeconds: 3, reason: "disk error"))
        try await waitUntil("one copy tries again and the rest wait for it") { sink.pendingCount == 1 && relay.waitingCopies() == 18 }
        sink.finishOldest(refusing: nil)
        var statuses: [Int: Int] = [:]
        for copy in [first] + others { statuses[await copy.task.value.status, default: 0] += 1 }
        #expect(statuses == [503: 1, 202: 1, 200: 18])
        #expect(sink.calls == 2 && sink.stored.count == 1)
    }

    @Test func aWindowOfZeroDoesNotMakeCopiesWait() async throws {
        let sink = GatedSink()
        let relay = try RelayFixtures.relay({ $0.deduplicationWindow = 0 }, anySink: sink)
        let request = try Self.request()
        let copies = [Copy(relay, request), Copy(relay, request)]
        try await waitUntil("both copies are in the sink") { sink.pendingCount == 2 }
        #expect(relay.waitingCopies() == 0)
        sink.finishOldest(refusing: nil)
        sink.finishOldest(refusing: nil)
        for copy in copies { #expect(await copy.task.value.status == 202) }
    }

    @Test func aNegativeConcurrentCopyWaitIsRefused() {
        let error = #expect(throws: ChatlioRelayError.self) { try RelayFixtures.relay { $0.concurrentCopyWait = .seconds(-1) } }
        #expect(error?.code == .invalidConfiguration)
    }
}

/// Deduplication across restarts, through a ``FileDeduplicationJournal``.
@Suite struct ChatlioRelayJournalTests {
    static func relay(sink: RecordingSink, journal: (any DeduplicationJournal)?, log: (@Sendable (ChatlioLogRecord) -> Void)? = nil) throws -> ChatlioRelay {
        try ChatlioRelay(
            mapper: XDMMapper(configuration: .init(tenantID: "acme")), sink: sink, quarantine: InMemoryQuarantineStore(),
            journal: journal, log: log, now: { RelayFixtures.receivedAt })
    }

    @Test func aCopyAfterARestartIsStillADuplicate() async throws {
        let directory = temporaryPath("dedup-journal")
        defer { try? FileManager.default.removeItem(at: directory) }
        let request = try ChatlioRelayDeduplicationTests.request()
        let before = RecordingSink()
        do {
            let relay = try Self.relay(sink: before, journal: FileDeduplicationJournal(directory: directory))
            #expect(await relay.handle(request).status == 202)
        }
        // A new process: a new window, the journal read back from disk.
        let after = RecordingSink()
        let relay = try Self.relay(sink: after, journal: FileDeduplicationJournal(directory: directory))
        let again = await relay.handle(request)
        #expect(again.status == 200 && again.json?["status"] == "duplicate")
        #expect(before.accepted.count == 1 && after.accepted.isEmpty)
        // Without the journal, the same restart forgets it.
        #expect(await (try Self.relay(sink: RecordingSink(), journal: nil)).handle(request).status == 202)
    }

    @Test func aRefusedEventIsNotJournaled() async throws {
        let directory = temporaryPath("dedup-journal")
        defer { try? FileManager.default.removeItem(at: directory) }
        let request = try ChatlioRelayDeduplicationTests.request()
        let sink = RecordingSink()
        sink.refusal.withLock { $0 = .full(retryAfterSeconds: 3) }
        let journal = try FileDeduplicationJournal(directory: directory)
        #expect(await (try Self.relay(sink: sink, journal: journal)).handle(request).status == 503)
        #expect(try journal.recordedIDs().isEmpty)
        sink.refusal.withLock { $0 = nil }
        #expect(await (try Self.relay(sink: sink, journal: FileDeduplicationJournal(directory: directory))).handle(request).status == 202)
    }

    /// A journal that cannot write costs deduplication after a restart, not the event.
    @Test func aJournalFailureStillAnswers202CountedAndLogged() async throws {
        let logs = Locked<[ChatlioLogRecord]>([])
        let sink = RecordingSink()
        let relay = try Self.relay(sink: sink, journal: FailingJournal(), log: { event in logs.withLock { $0.append(event) } })
        let request = try ChatlioRelayDeduplicationTests.request()
        #expect(await relay.handle(request).status == 202)
        #expect(await relay.handle(request).status == 200, "still deduplicated in this process")
        #expect(sink.accepted.count == 1 && relay.metrics().journalFailures == 1)
        let errors = logs.withLock { $0 }.filter { $0.level == .error && $0.message.contains("deduplication journal") }
        #expect(errors.count == 1 && errors.first?.message.contains(FailingJournal.Failure.text) == true, "\(logs.withLock { $0 })")
    }

    @Test func anUnreadableJournalFailsTheRelaysCreation() {
        let error = #expect(throws: ChatlioRelayError.self) { try Self.relay(sink: RecordingSink(), journal: FailingJournal(failsReading: true)) }
        #expect(error?.code == .unreadableJournal)
        #expect(error?.reason.contains(FailingJournal.Failure.text) == true)
    }

    @Test func theRelayRemembersOnlyTheNewestIdsThatFitItsWindow() async throws {
        let directory = temporaryPath("dedup-journal")
        defer { try? FileManager.default.removeItem(at: directory) }
        func request(_ index: Int) -> WebhookRequest {
            WebhookRequest(route: "conversation-started", body: Data(#"{"visitor":{"UUID":"u\#(index)"}}"#.utf8))
        }
        do {
            let relay = try Self.relay(sink: RecordingSink(), journal: FileDeduplicationJournal(directory: directory))
            for index in 0 ..< 3 { #expect(await relay.handle(request(index)).status == 202) }
        }
        let relay = try ChatlioRelay(
            configuration: .init(deduplicationWindow: 2), mapper: XDMMapper(configuration: .init(tenantID: "acme")), sink: RecordingSink(),
            quarantine: InMemoryQuarantineStore(), journal: FileDeduplicationJournal(directory: directory))
        #expect(await relay.handle(request(2)).status == 200)
        #expect(await relay.handle(request(1)).status == 200)
        #expect(await relay.handle(request(0)).status == 202, "the oldest does not fit a window of 2")
    }
}

/// A journal whose records fail, and its reading too when asked.
struct FailingJournal: DeduplicationJournal {
    var failsReading = false

    struct Failure: Error, CustomStringConvertible {
        static let text = "journal-failure-7c2e"
        var description: String { Self.text }
    }

    func recordedIDs() throws -> [String] {
        if failsReading { throw Failure() }
        return []
    }

    func record(_ id: String) async throws {
        throw Failure()
    }
}
