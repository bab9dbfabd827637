import AEPStreamingClient
import ChatlioAEPTestSupport
import ChatlioRelay
import ChatlioWebhooks
import Foundation

/// A stopped relay's state directory as the relay and the client leave it:
/// one event in the outbox, two dead letters (one ten days old), and two
/// quarantined bodies — one the current mapper accepts, one it still refuses.
enum StateFixture {
    static let queuedID = "evt-queued"
    static let oldLetterID = "evt-old-letter"
    static let newLetterID = "evt-new-letter"
    static let oldLetterPayload = #"{"_id":"evt-old-letter","eventType":"chat.conversationStarted","n":1.50}"#
    static let newLetterPayload = #"{"_id":"evt-new-letter","eventType":"chat.offlineMessage"}"#
    static let brokenBody = Data(#"{"messages":"nope"}"#.utf8)

    static func make() async throws -> ChatlioStateDirectory {
        let state = ChatlioStateDirectory(FileManager.default.temporaryDirectory.appendingPathComponent("state-\(UUID().uuidString)"))
        let outbox = try FileOutbox(directory: state.outbox)
        try await outbox.append(OutboxRecord(id: queuedID, payload: Data(#"{"_id":"evt-queued"}"#.utf8), enqueuedAt: Date(timeIntervalSince1970: 1_767_225_600)))
        await outbox.close()
        try await addLetters(to: state)
        let quarantine = try FileQuarantineStore(directory: state.quarantine)
        try await quarantine.quarantine(QuarantinedWebhook(
            receivedAt: Date(timeIntervalSince1970: 1_767_225_601), route: "conversation-started", code: "invalid event",
            pointer: "/_acme", reason: "an older mapper refused it", body: SamplePayloads.named(.conversationStarted, "basic")
        ))
        try await quarantine.quarantine(QuarantinedWebhook(
            receivedAt: Date(timeIntervalSince1970: 1_767_225_602), route: "chat-transcript", code: "invalid JSON",
            pointer: nil, reason: "an older reason", body: brokenBody
        ))
        return state
    }

    /// In its own scope, so the store's lock is released when it returns.
    private static func addLetters(to state: ChatlioStateDirectory) async throws {
        let store = try FileDeadLetterStore(directory: state.deadLetters)
        let now = Date()
        try await store.add(DeadLetter(
            entry: DeadLetterEntry(
                id: oldLetterID, kind: "chat.conversationStarted", status: 400, reason: "invalid field /_acme", attempts: 1,
                enqueuedAt: now.addingTimeInterval(-11 * 86_400), firstSentAt: now.addingTimeInterval(-11 * 86_400),
                deadLetteredAt: now.addingTimeInterval(-10 * 86_400)
            ),
            payload: Data(oldLetterPayload.utf8)
        ))
        try await store.add(DeadLetter(
            entry: DeadLetterEntry(
                id: newLetterID, kind: "chat.offlineMessage", status: nil, reason: "older than outboxLimits.maxAge", attempts: 0,
                enqueuedAt: now.addingTimeInterval(-3_600), firstSentAt: nil, deadLetteredAt: now
            ),
            payload: Data(newLetterPayload.utf8)
        ))
    }

    static func remove(_ state: ChatlioStateDirectory) {
        try? FileManager.default.removeItem(at: state.root)
    }

    /// What the outbox holds, read after the administration released it.
    static func outboxIDs(_ state: ChatlioStateDirectory) async throws -> [String] {
        let outbox = try FileOutbox(directory: state.outbox)
        let ids = try await outbox.storedEntries().map(\.id)
        await outbox.close()
        return ids
    }

    static func outboxPayload(_ state: ChatlioStateDirectory, id: String) async throws -> Data? {
        let outbox = try FileOutbox(directory: state.outbox)
        let payload = try await outbox.payloads(for: [id]).first ?? nil
        await outbox.close()
        return payload
    }
}
