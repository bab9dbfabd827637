import AEPStreamingClient
import ChatlioAEPTestSupport
import ChatlioRelay
import ChatlioWebhooks
import ChatlioXDMMapper
import Foundation
import Testing

@Suite struct ChatlioStateAdministrationTests {
    @Test func statusCountsWhatEachStoreHolds() async throws {
        let state = try await StateFixture.make()
        defer { StateFixture.remove(state) }
        let admin = try await ChatlioStateAdministration.open(state)
        let status = try await admin.status()
        await admin.close()
        #expect(status.state == state.root.path)
        #expect(status.outbox.events == 1)
        #expect(status.outbox.bytes == #"{"_id":"evt-queued"}"#.utf8.count)
        #expect(status.outbox.oldest == Date(timeIntervalSince1970: 1_767_225_600))
        #expect(status.deadLetters.count == 2)
        #expect(status.deadLetters.bytes == StateFixture.oldLetterPayload.utf8.count + StateFixture.newLetterPayload.utf8.count)
        #expect(status.quarantine.count == 2)
        let json = ChatlioStateAdministration.json(status)
        #expect(json.value(at: "/outbox/oldest") == "2026-01-01T00:00:00.000Z")
        #expect(json.value(at: "/deadLetters/count")?.int64Value == 2)
    }

    @Test func redriveAppendsUnderTheSameIDAndOnlyThenRemovesTheLetter() async throws {
        let state = try await StateFixture.make()
        defer { StateFixture.remove(state) }
        let admin = try await ChatlioStateAdministration.open(state)
        let before = Date()
        let outcome = try await admin.redriveDeadLetters(.ids([StateFixture.oldLetterID, "evt-nobody"]))
        #expect(outcome.done == [StateFixture.oldLetterID])
        #expect(outcome.unknown == ["evt-nobody"])
        #expect(try await admin.deadLetterEntries().map(\.id) == [StateFixture.newLetterID])
        await admin.close()

        let outbox = try FileOutbox(directory: state.outbox)
        let entries = try await outbox.storedEntries()
        #expect(entries.map(\.id) == [StateFixture.queuedID, StateFixture.oldLetterID])
        // A fresh enqueue time: maxAge counts from the redrive, not from the first send.
        #expect(try #require(entries.last).enqueuedAt >= before.addingTimeInterval(-1))
        #expect(try await outbox.payloads(for: [StateFixture.oldLetterID]) == [Data(StateFixture.oldLetterPayload.utf8)])
        await outbox.close()
    }

    @Test func purgeOlderThanRemovesOnlyTheOldLetter() async throws {
        let state = try await StateFixture.make()
        defer { StateFixture.remove(state) }
        let admin = try await ChatlioStateAdministration.open(state)
        let outcome = try await admin.purgeDeadLetters(.olderThan(ChatlioStateAdministration.Age(parsing: "7d")))
        #expect(outcome.done == [StateFixture.oldLetterID])
        #expect(try await admin.deadLetterEntries().map(\.id) == [StateFixture.newLetterID])
        #expect(try await admin.purgeDeadLetters(.all).done == [StateFixture.newLetterID])
        #expect(try await admin.status().deadLetters.count == 0)
        await admin.close()
        #expect(try await StateFixture.outboxIDs(state) == [StateFixture.queuedID])
    }

    @Test func aLetterListsItsPayloadAsJSON() async throws {
        let state = try await StateFixture.make()
        defer { StateFixture.remove(state) }
        let admin = try await ChatlioStateAdministration.open(state)
        let letters = try await admin.deadLettersWithPayloads()
        await admin.close()
        let json = ChatlioStateAdministration.json(try #require(letters.first))
        #expect(json["id"] == "evt-old-letter")
        #expect(json["status"]?.int64Value == 400)
        #expect(json["attempts"]?.int64Value == 1)
        #expect(json["kind"] == "chat.conversationStarted")
        #expect(json.value(at: "/payload/eventType") == "chat.conversationStarted")
        // Numbers keep their text.
        #expect(String(decoding: try #require(json["payload"]).serialized(sortedKeys: true), as: UTF8.self).contains(#""n":1.50"#))
        #expect(ChatlioStateAdministration.json(letters[1])["status"] == .null)
    }

    @Test func replayStoresWhatNowPassesAndKeepsWhatStillFailsWithItsNewReason() async throws {
        let state = try await StateFixture.make()
        defer { StateFixture.remove(state) }
        let admin = try await ChatlioStateAdministration.open(state, mapperConfiguration: .init(tenantID: "acme"))
        let records = try admin.quarantineRecords()
        #expect(records.map(\.item.route) == ["conversation-started", "chat-transcript"])
        let outcome = try await admin.replayQuarantine(.all)
        #expect(outcome.replayed.map(\.id) == [records[0].id])
        #expect(outcome.stillFailing.map(\.id) == [records[1].id])
        #expect(outcome.stillFailing.first?.requarantined == true)
        let left = try admin.quarantineRecords()
        #expect(left.count == 1)
        #expect(left.first?.item.body == StateFixture.brokenBody)
        #expect(left.first?.item.reason != "an older reason")
        #expect(left.first?.item.code == "missing field")
        await admin.close()

        // The relay's own _id rule: the same id the relay gives the same body.
        let webhook = try ChatlioWebhook.decode(SamplePayloads.named(.conversationStarted, "basic"), kind: .conversationStarted)
        let expectedID = webhook.eventID
        #expect(outcome.replayed.first?.eventID == expectedID)
        #expect(try await StateFixture.outboxIDs(state) == [StateFixture.queuedID, expectedID])
        let payload = try JSONValue(parsing: try #require(try await StateFixture.outboxPayload(state, id: expectedID)))
        #expect(payload["_id"]?.stringValue == expectedID)
        #expect(payload["eventType"] == "chat.conversationStarted")
    }

    @Test func purgeQuarantineByIDReportsUnknownIDs() async throws {
        let state = try await StateFixture.make()
        defer { StateFixture.remove(state) }
        let admin = try await ChatlioStateAdministration.open(state)
        let first = try #require(try admin.quarantineRecords().first)
        let outcome = try admin.purgeQuarantine(.ids([first.id, "nope"]))
        #expect(outcome.done == [first.id])
        #expect(outcome.unknown == ["nope"])
        #expect(try admin.quarantineRecords().map(\.item.route) == ["chat-transcript"])
        #expect(try admin.quarantineRecord(id: first.id) == nil)
        await admin.close()
    }

    /// The store names items by content only: of two identical items, purging one id leaves the other.
    @Test func purgingOneOfTwoIdenticalItemsKeepsTheOther() async throws {
        let state = try await StateFixture.make()
        defer { StateFixture.remove(state) }
        let admin = try await ChatlioStateAdministration.open(state)
        let copy = try #require(try admin.quarantineRecords().last).item
        let quarantine = try FileQuarantineStore(directory: state.quarantine)
        try await quarantine.quarantine(copy)
        let copies = try admin.quarantineRecords().filter { $0.item == copy }
        #expect(copies.count == 2)
        let outcome = try admin.purgeQuarantine(.ids([try #require(copies.last).id]))
        #expect(outcome.done.count == 1)
        #expect(try admin.quarantineRecords().filter { $0.item == copy }.count == 1)
        await admin.close()
    }

    @Test func refusesWhileARunningProcessHoldsTheOutbox() async throws {
        let state = try await StateFixture.make()
        defer { StateFixture.remove(state) }
        let held = try FileOutbox(directory: state.outbox)
        await #expect {
            _ = try await ChatlioStateAdministration.open(state)
        } throws: { error in
            guard let error = error as? ChatlioStateAdministrationError else { return false }
            return error.code == .stateInUse && error.reason.contains(state.outbox.path)
                && error.reason.contains("a running relay or client holds it; stop it or use its admin endpoints")
        }
        await held.close()
        // Released: it opens, and the first refusal left no lock behind.
        let admin = try await ChatlioStateAdministration.open(state)
        await admin.close()
    }

    @Test func refusesWhileARunningProcessHoldsTheDeadLetters() async throws {
        let state = try await StateFixture.make()
        defer { StateFixture.remove(state) }
        let held = try FileDeadLetterStore(directory: state.deadLetters)
        await #expect {
            _ = try await ChatlioStateAdministration.open(state)
        } throws: { error in
            (error as? ChatlioStateAdministrationError)?.code == .stateInUse
        }
        withExtendedLifetime(held) {}
        // The outbox it opened first was released again.
        let outbox = try FileOutbox(directory: state.outbox)
        await outbox.close()
    }

    @Test func refusesAMissingStateDirectoryWithoutCreatingIt() async throws {
        let state = ChatlioStateDirectory(FileManager.default.temporaryDirectory.appendingPathComponent("state-missing-\(UUID().uuidString)"))
        await #expect {
            _ = try await ChatlioStateAdministration.open(state)
        } throws: { error in
            (error as? ChatlioStateAdministrationError)?.code == .noStateDirectory
        }
        #expect(!FileManager.default.fileExists(atPath: state.root.path))
    }
}

@Suite struct ChatlioStateAdministrationAgeTests {
    @Test(arguments: [("30s", 30), ("15m", 900), ("12h", 43_200), ("7d", 604_800), ("0s", 0)])
    func readsANumberAndOneUnit(text: String, seconds: Int64) throws {
        #expect(try ChatlioStateAdministration.Age(parsing: text).seconds == seconds)
    }

    @Test(arguments: ["7", "d", "7w", "1.5h", "-3d", "7 d", "7dd", "", "1h30m", "９d", "9999999999999d"])
    func refusesOtherForms(text: String) {
        #expect {
            _ = try ChatlioStateAdministration.Age(parsing: text)
        } throws: { error in
            guard let error = error as? ChatlioStateAdministrationError else { return false }
            return error.code == .invalidArgument && error.reason.contains("30s, 15m, 12h or 7d")
        }
    }
}

@Suite struct ChatlioStateAdministrationSelectionTests {
    @Test func readsEachBodyForm() throws {
        typealias Selection = ChatlioStateAdministration.Selection
        #expect(try Selection(parsing: JSONValue(parsing: #"{"all":true}"#), allowingAge: false) == .all)
        #expect(try Selection(parsing: JSONValue(parsing: #"{"ids":["a","b"]}"#), allowingAge: false) == .ids(["a", "b"]))
        #expect(try Selection(parsing: JSONValue(parsing: #"{"olderThan":"12h"}"#), allowingAge: true) == .olderThan(.init(parsing: "12h")))
    }

    @Test(arguments: [#"[]"#, #"{}"#, #"{"all":false}"#, #"{"ids":[]}"#, #"{"ids":[1]}"#, #"{"all":true,"ids":["a"]}"#, #"{"olderThan":"7d"}"#, #"{"every":true}"#])
    func refusesOtherBodies(body: String) throws {
        let value = try JSONValue(parsing: body)
        #expect(throws: ChatlioStateAdministrationError.self) {
            _ = try ChatlioStateAdministration.Selection(parsing: value, allowingAge: false)
        }
    }
}

/// Live mode, as the Hummingbird relay's /admin endpoints use it: through a running client, whose lock keeps
/// the offline way out meanwhile. The inlet is down (nothing listens on port 9), so redriven and replayed
/// events stay in the outbox where the test can see them.
@Suite struct ChatlioStateAdministrationLiveTests {
    @Test func redrivesPurgesAndReplaysThroughTheRunningClient() async throws {
        let state = try await StateFixture.make()
        defer { StateFixture.remove(state) }
        let outbox = try FileOutbox(directory: state.outbox)
        let configuration = AEPStreamingClient.Configuration(
            inletURL: try #require(URL(string: "http://127.0.0.1:9/collection/live-admin")), format: .xdm(schemaID: "s", datasetID: "d"), flowID: "flow-1"
        )
        let client = try await AEPStreamingClient(configuration: configuration, outbox: outbox, deadLetters: FileDeadLetterStore(directory: state.deadLetters))
        let quarantine = try FileQuarantineStore(directory: state.quarantine)
        let admin = ChatlioStateAdministration(
            client: client, outbox: outbox, quarantine: quarantine, mapper: try XDMMapper(configuration: .init(tenantID: "acme")), state: state
        )
        await #expect {
            _ = try await ChatlioStateAdministration.open(state)
        } throws: { error in
            (error as? ChatlioStateAdministrationError)?.code == .stateInUse
        }

        let redriven = try await admin.redriveDeadLetters(.ids([StateFixture.oldLetterID, "evt-nobody"]))
        #expect(redriven.done == [StateFixture.oldLetterID])
        #expect(redriven.unknown == ["evt-nobody"])
        #expect(try await !admin.deadLetterEntries().map(\.id).contains(StateFixture.oldLetterID))
        #expect(try await outbox.storedEntries().map(\.id).contains(StateFixture.oldLetterID))

        let purged = try await admin.purgeDeadLetters(.ids([StateFixture.newLetterID]))
        #expect(purged.done == [StateFixture.newLetterID])
        #expect(try await !admin.deadLetterEntries().map(\.id).contains(StateFixture.newLetterID))

        let replayed = try await admin.replayQuarantine(.all)
        let eventID = try #require(replayed.replayed.first?.eventID)
        #expect(replayed.stillFailing.count == 1)
        #expect(try await outbox.storedEntries().map(\.id).contains(eventID))
        #expect(try await admin.status().state == state.root.path)
        _ = await client.shutdown(timeout: .seconds(2))
    }
}
