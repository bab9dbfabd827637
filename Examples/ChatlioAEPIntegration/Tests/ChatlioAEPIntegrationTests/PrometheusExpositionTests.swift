import AEPInletEmulator
import AEPStreamingClient
import ChatlioAEPAsyncHTTPClient
import ChatlioAEPMetrics
import Foundation
import Prometheus
import Testing

@Suite("PrometheusExposition: the text of a real client run for GET /metrics", loopbackTimeLimit)
struct PrometheusExpositionTests {
    @Test("counters, gauges and the request timer of a run through AsyncHTTPClientTransport, in the text format")
    func realRun() async throws {
        let emulator = try Fixture.emulator()
        defer { emulator.stop() }
        let registry = PrometheusCollectorRegistry()
        let factory = PrometheusMetricsFactory(registry: registry)
        let transport = AsyncHTTPClientTransport()
        let client = try await AEPStreamingClient(
            configuration: Fixture.configuration(inletURL: emulator.inletURL), outbox: InMemoryOutbox(),
            transport: TimedHTTPTransport(wrapping: transport, factory: factory)
        )
        let bridge = StreamingClientMetricsBridge(client: client, factory: factory)
        for index in 0 ..< 4 { try await client.send(Fixture.event("p-\(index)")) }
        #expect(await client.flush(timeout: .seconds(10)))

        let text = PrometheusExposition.render(registry, updating: [bridge])
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.contains("# TYPE aep_client_delivered_total counter"), "\(text)")
        #expect(lines.contains("aep_client_delivered_total 4"), "\(text)")
        #expect(lines.contains("# TYPE aep_client_queued gauge"))
        #expect(lines.contains { $0.hasPrefix("aep_client_queued 0") })
        #expect(lines.contains("# TYPE aep_client_request_duration_seconds histogram"))
        let requests = client.metrics().requests
        #expect(lines.contains("aep_client_request_duration_seconds_count{outcome=\"2xx\"} \(requests)"), "\(text)")
        #expect(lines.contains { $0.hasPrefix("aep_client_requests_total{status=\"20") })
        #expect(PrometheusExposition.contentType.hasPrefix("text/plain; version=0.0.4"))

        await client.shutdown(timeout: .seconds(5))
        try await transport.shutdown()
    }
}
