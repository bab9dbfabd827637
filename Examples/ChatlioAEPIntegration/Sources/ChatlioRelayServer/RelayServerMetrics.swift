import Foundation
public import AEPStreamingClient
import ChatlioAEPMetrics
public import ChatlioRelay
public import Prometheus

/// `GET /metrics`: the relay's and the client's metrics in the Prometheus
/// text format, updated from their snapshots at each scrape.
///
/// The metrics go to this registry only (not the global `MetricsSystem`), so
/// several servers in one process (tests) keep their counts apart.
///
/// ```swift
/// let metrics = RelayServerMetrics(relay: relay, client: client)
/// let answer = metrics.scrape()   // 200, text/plain; version=0.0.4, "chatlio_relay_accepted_total 1" …
/// ```
public struct RelayServerMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    private let bridges: [any ChatlioMetricsBridge]

    public init(relay: ChatlioRelay, client: AEPStreamingClient, registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        let factory = PrometheusMetricsFactory(registry: registry)
        bridges = [RelayMetricsBridge(relay: relay, factory: factory), StreamingClientMetricsBridge(client: client, factory: factory)]
    }

    /// The exposition text after updating every metric from its component.
    public func exposition() -> String {
        PrometheusExposition.render(registry, updating: bridges)
    }

    /// The `/metrics` answer.
    public func scrape() -> RelayServerAnswer {
        RelayServerAnswer(status: 200, headers: [("Content-Type", PrometheusExposition.contentType)], body: Data(exposition().utf8))
    }
}
