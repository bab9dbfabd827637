@testable import ChatlioXDMMapper
import ChatlioWebhooks
import Foundation
import Testing

@Suite struct XDMMapperTimestampTests {
    @Test func kindsWithoutTheirOwnTimeUseReceivedAtInUTCMilliseconds() throws {
        let received = Date(timeIntervalSince1970: 1_700_000_000.123_456)
        let event = try MapperFixtures.mapper().map(MapperFixtures.webhook(.offlineMessage, "basic"), receivedAt: received)
        #expect(event.timestamp == "2023-11-14T22:13:20.123Z")
        #expect(event.report.timestampSource == .received && !event.report.timestampClamped)
    }

    @Test func transcriptUsesEndedAtConvertedToUTC() throws {
        let event = try MapperFixtures.mapper().map(
            MapperFixtures.webhook(.chatTranscript, ["conversationUUID": "c", "endedAt": "2024-11-01T09:30:00.987654321-05:30"]),
            receivedAt: MapperFixtures.receivedAt)
        #expect(event.timestamp == "2024-11-01T15:00:00.987Z")
        #expect(event.report.timestampSource == .payload)
    }

    @Test func transcriptWithoutEndedAtFallsBackToLastMessageThenStart() throws {
        let mapper = try MapperFixtures.mapper()
        let messages = try mapper.map(MapperFixtures.webhook(.chatTranscript, [
            "conversationUUID": "c", "startedAt": "2024-01-01T00:00:00Z",
            "messages": [["ts": "1", "sentAt": "2024-01-01T00:05:00Z"], ["ts": "2", "sentAt": "2024-01-01T00:07:00Z"], ["ts": "3"]],
        ]), receivedAt: MapperFixtures.receivedAt)
        #expect(messages.timestamp == "2024-01-01T00:07:00.000Z")
        let start = try mapper.map(MapperFixtures.webhook(.chatTranscript, ["conversationUUID": "c", "startedAt": "2024-01-01T00:00:00Z"]), receivedAt: MapperFixtures.receivedAt)
        #expect(start.timestamp == "2024-01-01T00:00:00.000Z")
        let none = try mapper.map(MapperFixtures.webhook(.chatTranscript, ["conversationUUID": "c"]), receivedAt: MapperFixtures.receivedAt)
        #expect(none.timestamp == "2026-01-01T00:00:00.000Z" && none.report.timestampSource == .received)
    }

    @Test func futureTimesAreClampedAndSaidSo() throws {
        let event = try MapperFixtures.mapper().map(
            MapperFixtures.webhook(.chatTranscript, ["conversationUUID": "c", "endedAt": "2031-01-01T00:00:00Z"]),
            receivedAt: MapperFixtures.receivedAt)
        #expect(event.timestamp == "2026-01-01T00:00:00.000Z")
        #expect(event.report.timestampClamped)
        #expect(event.value.value(at: "/_acme/chatlio/mapping/timestampClamped") == true)
        // One nanosecond ahead is still the future.
        let received = Date(timeIntervalSince1970: 1_767_225_600)
        let justAhead = try MapperFixtures.mapper().map(
            MapperFixtures.webhook(.chatTranscript, ["conversationUUID": "c", "endedAt": "2026-01-01T00:00:00.000000001Z"]), receivedAt: received)
        #expect(justAhead.report.timestampClamped)
    }
}
