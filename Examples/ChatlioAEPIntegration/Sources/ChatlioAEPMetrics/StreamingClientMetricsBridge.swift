public import AEPStreamingClient
public import CoreMetrics
public import Foundation

/// ``AEPStreamingClient/Metrics`` as swift-metrics counters and gauges, under
/// names that read well in Prometheus (`prefix` defaults to `aep_client`):
///
/// - counters (`_total`): `accepted`, `recovered`, `coalesced`, `delivered`,
///   `retried`, `request_failures`, `probes`, `isolation_splits`,
///   `dead_lettered`, `dead_letters_not_kept`, `dropped` (by `reason`),
///   `refused_full`, `requests` (by `status`, `0` for no answer), `sent_bytes`,
///   `token_refreshes`, `token_refresh_failures`, `reports_discarded`;
/// - gauges: `queued`, `queued_bytes`, `in_flight`, `paused_seconds` (how long
///   until requests may start again; 0 when not paused), and
///   `request_latency_recent_seconds` / `send_latency_recent_seconds` by
///   `quantile` (0.5, 0.9, 0.99, 1), over the client's last 4,096 observations.
///
/// Per-request timings as a histogram come from ``TimedHTTPTransport``.
///
/// ```swift
/// let bridge = StreamingClientMetricsBridge(client: client, dimensions: [("instance", "relay-1")])
/// bridge.update()
/// ```
public final class StreamingClientMetricsBridge: ChatlioMetricsBridge {
    private let snapshot: @Sendable () -> AEPStreamingClient.Metrics
    private let prefix: String
    private let now: @Sendable () -> Date
    private let recording: MetricsRecording

    /// A bridge reading `client.metrics()`.
    ///
    /// - Parameters:
    ///   - prefix: the start of every metric's name.
    ///   - dimensions: added to every metric (an instance name); the same keys on every metric of one name.
    ///   - factory: where the metrics go; the bootstrapped ``MetricsSystem`` by default.
    public convenience init(
        client: AEPStreamingClient, prefix: String = "aep_client", dimensions: [(String, String)] = [],
        factory: any MetricsFactory = MetricsSystem.factory
    ) {
        self.init(snapshot: { client.metrics() }, prefix: prefix, dimensions: dimensions, factory: factory)
    }

    /// A bridge reading whatever `snapshot` returns (a client behind another type, a test's values).
    public init(
        snapshot: @escaping @Sendable () -> AEPStreamingClient.Metrics, prefix: String = "aep_client",
        dimensions: [(String, String)] = [], factory: any MetricsFactory = MetricsSystem.factory,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.snapshot = snapshot
        self.prefix = prefix
        self.now = now
        recording = MetricsRecording(factory: factory, dimensions: dimensions)
    }

    public func update() {
        let m = snapshot()
        let counters: [(String, Int)] = [
            ("accepted", m.accepted), ("recovered", m.recovered), ("coalesced", m.coalesced), ("delivered", m.delivered),
            ("retried", m.retried), ("request_failures", m.requestFailures), ("probes", m.probes),
            ("isolation_splits", m.isolationSplits), ("dead_lettered", m.deadLettered),
            ("dead_letters_not_kept", m.deadLettersNotKept), ("refused_full", m.refusedFull), ("sent_bytes", m.bytesSent),
            ("token_refreshes", m.tokenRefreshes), ("token_refresh_failures", m.tokenRefreshFailures),
            ("reports_discarded", m.reportsDiscarded),
        ]
        for (name, value) in counters { recording.count("\(prefix)_\(name)_total", value) }
        for (reason, value) in m.dropped { recording.count("\(prefix)_dropped_total", value, [("reason", reason.description)]) }
        for (status, value) in m.requestsByStatus { recording.count("\(prefix)_requests_total", value, [("status", String(status))]) }

        recording.gauge("\(prefix)_queued", Double(m.queued))
        recording.gauge("\(prefix)_queued_bytes", Double(m.queuedBytes))
        recording.gauge("\(prefix)_in_flight", Double(m.inFlight))
        recording.gauge("\(prefix)_paused_seconds", m.pausedUntil.map { max(0, $0.timeIntervalSince(now())) } ?? 0)
        record(m.requestLatency, as: "\(prefix)_request_latency_recent_seconds")
        record(m.sendLatency, as: "\(prefix)_send_latency_recent_seconds")
    }

    private func record(_ summary: AEPStreamingClient.LatencySummary, as label: String) {
        // Nothing observed yet: no quantile gauges, rather than zeros that read as "instant".
        for (quantile, value) in [("0.5", summary.p50), ("0.9", summary.p90), ("0.99", summary.p99), ("1", summary.max)] {
            if let value { recording.gauge(label, value.secondsValue, [("quantile", quantile)]) }
        }
    }
}
