import AEPStreamingClient
import ChatlioRelay
import ChatlioWebhooks
import ChatlioAEPTestSupport
import Foundation
import Testing

/// The built `chatlio-aep-admin` executable over a real state directory:
/// its JSON, its exit codes, and its refusal while another process holds the state.
@Suite struct ChatlioAEPAdminCommandTests {
    typealias Run = BuiltExecutable.Run

    static func run(_ arguments: [String]) async throws -> Run {
        try await BuiltExecutable.run("chatlio-aep-admin", arguments)
    }

    @Test func statusListRedrivePurgeAndReplayThroughTheExecutable() async throws {
        let state = try await StateFixture.make()
        defer { StateFixture.remove(state) }
        let root = state.root.path

        let status = try await Self.run(["--state", root, "status", "--json"])
        #expect(status.status == 0, "\(status.errors)")
        #expect(status.lines.count == 1)
        let json = try JSONValue(parsing: status.output)
        #expect(json.value(at: "/outbox/events")?.int64Value == 1)
        #expect(json.value(at: "/outbox/bytes")?.int64Value == Int64(#"{"_id":"evt-queued"}"#.utf8.count))
        #expect(json.value(at: "/outbox/oldest") == "2026-01-01T00:00:00.000Z")
        #expect(json.value(at: "/deadLetters/count")?.int64Value == 2)
        #expect(json.value(at: "/deadLetters/bytes")?.int64Value == Int64(StateFixture.oldLetterPayload.utf8.count + StateFixture.newLetterPayload.utf8.count))
        #expect(json.value(at: "/quarantine/count")?.int64Value == 2)

        let text = try await Self.run(["--state", root, "status"])
        #expect(text.status == 0)
        #expect(text.output.contains("dead-letters redrive --all"))

        let list = try await Self.run(["--state", root, "dead-letters", "list", "--json"])
        #expect(list.status == 0, "\(list.errors)")
        let letters = try list.lines.map { try JSONValue(parsing: $0) }
        #expect(letters.map { $0["id"]?.stringValue } == [StateFixture.oldLetterID, StateFixture.newLetterID])
        for letter in letters {
            for key in ["id", "status", "reason", "attempts", "kind", "enqueuedAt", "deadLetteredAt", "payload"] {
                #expect(letter[key] != nil, "\(key) missing in \(letter)")
            }
        }
        #expect(letters.first?.value(at: "/payload/eventType") == "chat.conversationStarted")
        #expect(letters.last?["status"] == .null)

        let table = try await Self.run(["--state", root, "dead-letters", "list"])
        #expect(table.lines.first?.hasPrefix("ID") == true)
        #expect(table.lines.count == 3)

        let show = try await Self.run(["--state", root, "dead-letters", "show", StateFixture.newLetterID])
        #expect(show.status == 0)
        #expect(try JSONValue(parsing: show.output)["reason"] == "older than outboxLimits.maxAge")

        let redrive = try await Self.run(["--state", root, "dead-letters", "redrive", StateFixture.oldLetterID])
        #expect(redrive.status == 0, "\(redrive.errors)")
        #expect(redrive.output.contains("redrove 1 dead letters"))
        #expect(try await StateFixture.outboxIDs(state) == [StateFixture.queuedID, StateFixture.oldLetterID])
        #expect(try await StateFixture.outboxPayload(state, id: StateFixture.oldLetterID) == Data(StateFixture.oldLetterPayload.utf8))

        let unknown = try await Self.run(["--state", root, "dead-letters", "redrive", "evt-nobody"])
        #expect(unknown.status == 1)
        #expect(unknown.errors.contains("evt-nobody"))

        let refusedAge = try await Self.run(["--state", root, "dead-letters", "purge", "--older-than", "7"])
        #expect(refusedAge.status == 2)
        #expect(refusedAge.errors.contains("30s, 15m, 12h or 7d"))

        let purge = try await Self.run(["--state", root, "dead-letters", "purge", "--all", "--json"])
        #expect(purge.status == 0, "\(purge.errors)")
        #expect(try JSONValue(parsing: purge.output)["count"]?.int64Value == 1)

        let replay = try await Self.run(["--state", root, "quarantine", "replay", "--all", "--tenant", "acme"])
        // One body passes now, the other still fails: it stays, and the exit status says so.
        #expect(replay.status == 1)
        #expect(replay.output.contains("replayed 1"))
        let quarantined = try await Self.run(["--state", root, "quarantine", "list", "--json"])
        let items = try quarantined.lines.map { try JSONValue(parsing: $0) }
        #expect(items.count == 1)
        #expect(items.first?["code"] == "missing field")

        let after = try JSONValue(parsing: try await Self.run(["--state", root, "status", "--json"]).output)
        #expect(after.value(at: "/outbox/events")?.int64Value == 3)
        #expect(after.value(at: "/deadLetters/count")?.int64Value == 0)
        #expect(after.value(at: "/quarantine/count")?.int64Value == 1)
    }

    @Test func refusesWhileAnotherProcessHoldsTheOutbox() async throws {
        let state = try await StateFixture.make()
        defer { StateFixture.remove(state) }
        let held = try FileOutbox(directory: state.outbox)
        let refused = try await Self.run(["--state", state.root.path, "dead-letters", "redrive", "--all"])
        await held.close()
        #expect(refused.status == 1)
        #expect(refused.errors.contains(state.outbox.path))
        #expect(refused.errors.contains("a running relay or client holds it; stop it or use its admin endpoints"))
        // Nothing moved while refused.
        let status = try JSONValue(parsing: try await Self.run(["--state", state.root.path, "status", "--json"]).output)
        #expect(status.value(at: "/deadLetters/count")?.int64Value == 2)
    }

    @Test func usageErrorsExitTwo() async throws {
        #expect(try await Self.run(["status"]).status == 2)
        #expect(try await Self.run(["--state", "/nonexistent", "frobnicate"]).status == 2)
        #expect(try await Self.run(["--state", "/nonexistent", "dead-letters", "redrive"]).status == 2)
        #expect(try await Self.run(["--state", "/nonexistent", "quarantine", "replay", "--older-than", "1d"]).status == 2)
        #expect(try await Self.run(["--state", "/nonexistent", "status", "extra"]).status == 2)
        #expect(try await Self.run(["--state"]).status == 2)
        #expect(try await Self.run(["--bogus"]).status == 2)
        // A tenant id the mapper refuses is a usage error before the state is opened (it was found,
        // with exit 1, only when a quarantined item was replayed, and not at all with an empty quarantine).
        let badTenant = try await Self.run(["--state", "/nonexistent", "--tenant", "Not-A-Tenant", "quarantine", "replay", "--all"])
        #expect(badTenant.status == 2, "\(badTenant.errors)")
        #expect(badTenant.errors.contains("--tenant: "), "\(badTenant.errors)")
        let missing = try await Self.run(["--state", "/nonexistent-chatlio-state", "status"])
        #expect(missing.status == 1)
        #expect(missing.errors.contains("/nonexistent-chatlio-state"))
    }
}
