import AEPInletEmulator
import AEPStreamingClient
import ChatlioAEPMetrics
import ChatlioRelay
import Foundation
import MetricsTestKit
import Testing

@Suite("RelayMetricsBridge and TimedRelayEventSink: a real relay's decisions as swift-metrics counters and timers", loopbackTimeLimit)
struct RelayMetricsBridgeTests {
    static let payloads = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Payloads")

    @Test("202, 400, 404 and 413 answers become accepted, rejected by code, unknown_route and too_large; each store is timed")
    func realRelay() async throws {
        let emulator = try Fixture.emulator { $0.dataMode = .raw }
        defer { emulator.stop() }
        let metrics = TestMetrics()
        let client = try await AEPStreamingClient(
            configuration: Fixture.configuration(inletURL: emulator.inletURL) { $0.format = .raw },
            outbox: InMemoryOutbox()
        )
        let relay = try ChatlioRelay(
            configuration: .init(mode: .raw, maxBodyBytes: 64 << 10), mapper: nil,
            sink: TimedRelayEventSink(wrapping: client, factory: metrics), quarantine: InMemoryQuarantineStore()
        )
        let bridge = RelayMetricsBridge(relay: relay, factory: metrics)
        let sample = try Data(contentsOf: Self.payloads.appendingPathComponent("conversation-started/basic.json"))

        #expect(await relay.handle(WebhookRequest(route: "conversation-started", body: sample)).status == 202)
        #expect(await relay.handle(WebhookRequest(route: "conversation-started", body: Data("not json".utf8))).status == 400)
        #expect(await relay.handle(WebhookRequest(route: "no-such-route", body: sample)).status == 404)
        #expect(await relay.handle(WebhookRequest(route: "conversation-started", body: Data(count: 65 << 10))).status == 413)
        bridge.update()

        #expect(try metrics.expectCounter("chatlio_relay_received_total").totalValue == 4)
        #expect(try metrics.expectCounter("chatlio_relay_accepted_total").totalValue == 1)
        #expect(try metrics.expectCounter("chatlio_relay_unknown_route_total").totalValue == 1)
        #expect(try metrics.expectCounter("chatlio_relay_too_large_total").totalValue == 1)
        let rejected = metrics.counters(label: "chatlio_relay_rejected_total")
        #expect(rejected.map(\.totalValue).reduce(0, +) == 1)
        #expect(rejected.first?.dimensions.first?.0 == "code")
        #expect(try metrics.expectTimer("chatlio_relay_sink_duration_seconds", [("outcome", "stored")]).values.count == 1)
        #expect(await client.flush(timeout: .seconds(10)))
        await client.shutdown(timeout: .seconds(5))
    }
}
