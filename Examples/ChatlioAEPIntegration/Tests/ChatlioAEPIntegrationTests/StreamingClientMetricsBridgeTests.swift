import AEPInletEmulator
import AEPStreamingClient
import ChatlioAEPMetrics
import ChatlioRelayServerTesting
import Foundation
import MetricsTestKit
import Testing

@Suite("StreamingClientMetricsBridge: a real client's metrics as swift-metrics counters and gauges", loopbackTimeLimit)
struct StreamingClientMetricsBridgeTests {
    @Test("after a real run: counters carry the totals, grow by the difference on the next update, gauges follow the snapshot")
    func realClientRun() async throws {
        let emulator = try Fixture.emulator()
        defer { emulator.stop() }
        let metrics = TestMetrics()
        let client = try await AEPStreamingClient(configuration: Fixture.configuration(inletURL: emulator.inletURL), outbox: InMemoryOutbox())
        let bridge = StreamingClientMetricsBridge(client: client, dimensions: [("instance", "test-1")], factory: metrics)
        let instance = [("instance", "test-1")]

        for index in 0 ..< 3 { try await client.send(Fixture.event("m-\(index)")) }
        #expect(await client.flush(timeout: .seconds(10)))
        bridge.update()
        #expect(try metrics.expectCounter("aep_client_delivered_total", instance).totalValue == 3)
        #expect(try metrics.expectCounter("aep_client_accepted_total", instance).totalValue == 3)
        #expect(try metrics.expectGauge("aep_client_queued", instance).lastValue == 0)
        #expect(try metrics.expectGauge("aep_client_in_flight", instance).lastValue == 0)
        #expect(try metrics.expectGauge("aep_client_paused_seconds", instance).lastValue == 0)
        let requests = client.metrics().requestsByStatus
        for (status, count) in requests {
            #expect(try metrics.expectCounter("aep_client_requests_total", instance + [("status", String(status))]).totalValue == Int64(count))
        }
        #expect(try metrics.expectGauge("aep_client_request_latency_recent_seconds", instance + [("quantile", "0.99")]).lastValue ?? -1 > 0)

        for index in 3 ..< 5 { try await client.send(Fixture.event("m-\(index)")) }
        #expect(await client.flush(timeout: .seconds(10)))
        bridge.update()
        bridge.update()
        let delivered = try metrics.expectCounter("aep_client_delivered_total", instance)
        #expect(delivered.totalValue == 5)
        #expect(delivered.values == [3, 2], "incremented by the growth, and not at all when nothing grew")
        await client.shutdown(timeout: .seconds(5))
    }

    @Test("a real drop (dropOldest) and a real pause (503 with Retry-After) become a labelled counter and a gauge of the seconds left")
    func droppedAndPaused() async throws {
        let emulator = try Fixture.emulator()
        defer { emulator.stop() }
        emulator.faults.failNext(1_000, status: 503, retryAfter: .seconds(30))
        let metrics = TestMetrics()
        let client = try await AEPStreamingClient(
            configuration: Fixture.configuration(inletURL: emulator.inletURL) {
                $0.outboxLimits = OutboxLimits(maxEvents: 2, overflow: .dropOldest)
                $0.retry.maxRetryAfter = .seconds(60)
            },
            outbox: InMemoryOutbox()
        )
        let bridge = StreamingClientMetricsBridge(client: client, factory: metrics)
        try await client.send(Fixture.event("d-0"))
        try #require(await eventually { client.metrics().pausedUntil != nil })
        for index in 1 ..< 4 { try await client.send(Fixture.event("d-\(index)")) }
        // Two drops: d-2 evicts the paused d-0 and d-3 evicts d-1. A drop is counted when its resolution task
        // has run, after `send` returns, so the wait is for both; waiting for the first let the bridge read
        // one while the second was still on its way.
        try #require(await eventually { client.metrics().dropped[.overflow, default: 0] == 2 })
        bridge.update()
        #expect(try metrics.expectCounter("aep_client_dropped_total", [("reason", "overflow")]).totalValue == 2)
        let paused = try #require(try metrics.expectGauge("aep_client_paused_seconds").lastValue)
        #expect(paused > 0 && paused <= 30, "\(paused)")
        #expect(try metrics.expectCounter("aep_client_requests_total", [("status", "503")]).totalValue >= 1)
        await client.shutdown(timeout: .zero)
    }

    @Test("before any observation there are no latency quantile gauges, rather than zeros that read as instant")
    func noQuantilesBeforeObservations() async throws {
        let emulator = try Fixture.emulator()
        defer { emulator.stop() }
        let metrics = TestMetrics()
        let client = try await AEPStreamingClient(configuration: Fixture.configuration(inletURL: emulator.inletURL), outbox: InMemoryOutbox())
        StreamingClientMetricsBridge(client: client, factory: metrics).update()
        #expect(metrics.recorders(label: "aep_client_request_latency_recent_seconds").isEmpty)
        #expect(try metrics.expectGauge("aep_client_queued").lastValue == 0)
        await client.shutdown(timeout: .zero)
    }

    @Test("run(every:) keeps the metrics current until its task is cancelled")
    func polling() async throws {
        let emulator = try Fixture.emulator()
        defer { emulator.stop() }
        let metrics = TestMetrics()
        let client = try await AEPStreamingClient(configuration: Fixture.configuration(inletURL: emulator.inletURL), outbox: InMemoryOutbox())
        let bridge = StreamingClientMetricsBridge(client: client, factory: metrics)
        let poller = Task { await bridge.run(every: .milliseconds(20)) }
        try await client.send(Fixture.event("polled-1"))
        #expect(await eventually { (try? metrics.expectCounter("aep_client_delivered_total").totalValue) == 1 })
        poller.cancel()
        await poller.value
        await client.shutdown(timeout: .seconds(5))
    }
}
