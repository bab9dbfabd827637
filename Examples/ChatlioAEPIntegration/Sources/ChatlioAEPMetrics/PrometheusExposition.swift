public import Prometheus

/// The Prometheus text exposition of a registry, for a `GET /metrics` route.
///
/// ```swift
/// let registry = PrometheusCollectorRegistry()
/// MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
/// let bridges: [any ChatlioMetricsBridge] = [StreamingClientMetricsBridge(client: client), RelayMetricsBridge(relay: relay)]
/// router.get("/metrics") { _, _ in
///     Response(status: .ok, headers: [.contentType: PrometheusExposition.contentType],
///              body: .init(byteBuffer: ByteBuffer(string: PrometheusExposition.render(registry, updating: bridges))))
/// }
/// ```
public enum PrometheusExposition {
    /// The `Content-Type` of ``render(_:updating:)``'s text (format 0.0.4).
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// Updates `bridges` (so the snapshot is the scrape's), then renders every
    /// metric in `registry`.
    public static func render(_ registry: PrometheusCollectorRegistry, updating bridges: [any ChatlioMetricsBridge] = []) -> String {
        for bridge in bridges { bridge.update() }
        return registry.emitToString()
    }
}
