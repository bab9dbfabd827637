import ChatlioRelay
import ChatlioWebhooks
import Foundation
import Testing

/// What a hostile body can do to the relay: get a 400 and a quarantine entry,
/// never a crash or an event.
@Suite struct RelayHostilePayloadTests {
    /// Found by fuzz-timestamp: an RFC 3339 text whose instant is before year
    /// 0000 decoded, and the mapper's `utcString` trapped on it, so one POST
    /// brought the relay's process down.
    @Test(arguments: ["0000-01-01T00:00:00+00:01", "0000-01-01T00:00:00.5+23:59"])
    func aTimestampBeforeYearZeroIsRefusedNotFatal(endedAt: String) async throws {
        let sink = RecordingSink()
        let quarantine = InMemoryQuarantineStore()
        let relay = try RelayFixtures.relay(sink: sink, quarantine: quarantine)
        let body = #"{"conversationUUID":"1b2c3d4e-5f60-4a1b-9c2d-3e4f5a6b7c8d","endedAt":"\#(endedAt)","messages":[]}"#
        let response = await relay.handle(WebhookRequest(route: "chat-transcript", body: Data(body.utf8)))
        #expect(response.status == 400)
        #expect(response.json?["error"]?["pointer"] == "/endedAt")
        #expect(sink.accepted.isEmpty)
        #expect(quarantine.items.map(\.body) == [Data(body.utf8)])
    }
}

extension RelayHostilePayloadTests {
    /// Nesting far beyond the limit, in the body or as JSON inside the
    /// identTraits string: a 400 naming the limit, no stack exhaustion.
    @Test(arguments: [
        String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000),
        #"{"visitor":{"UUID":"u","x":"# + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}}",
        #"{"visitor":{"UUID":"u","identTraits":"# + "\"" + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "\"}}",
    ])
    func deepNestingIsA400(body: String) async throws {
        let quarantine = InMemoryQuarantineStore()
        let relay = try RelayFixtures.relay(quarantine: quarantine)
        let response = await relay.handle(WebhookRequest(route: "conversation-started", body: Data(body.utf8)))
        #expect(response.status == 400)
        #expect(response.json?["error"]?["code"] == "nesting too deep")
        #expect(quarantine.items.count == 1)
    }

    /// A body above the cap is refused unread and not quarantined, so the
    /// quarantine never holds an item larger than maxBodyBytes.
    @Test func aBodyAboveTheCapIsNotQuarantined() async throws {
        let quarantine = InMemoryQuarantineStore()
        let relay = try RelayFixtures.relay({ $0.maxBodyBytes = 1000 }, quarantine: quarantine)
        let response = await relay.handle(WebhookRequest(route: "offline-message", body: Data(repeating: 0x7B, count: 1001)))
        #expect(response.status == 413)
        #expect(quarantine.items.isEmpty)
        let refused = await relay.handle(WebhookRequest(route: "offline-message", body: Data(repeating: 0x7B, count: 1000)))
        #expect(refused.status == 400)
        #expect(quarantine.items.map(\.body.count) == [1000])
    }
}
