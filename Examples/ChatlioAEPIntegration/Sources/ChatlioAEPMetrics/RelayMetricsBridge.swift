public import ChatlioRelay
public import CoreMetrics

/// ``RelayMetrics`` as swift-metrics counters (`prefix` defaults to
/// `chatlio_relay`, every name ends in `_total`): `received`, `accepted`,
/// `duplicates`, `concurrent_copies`, `concurrent_copy_timeouts`,
/// `journal_failures`, `rejected` (by `code`), `quarantined`,
/// `quarantine_failures`, `quarantine_dropped`, `unknown_route`, `too_large`,
/// `unauthorized`, `sink_full`, `sink_unavailable`.
///
/// Sink timings as a histogram come from ``TimedRelayEventSink``.
///
/// ```swift
/// let bridge = RelayMetricsBridge(relay: relay)
/// bridge.update()
/// ```
public final class RelayMetricsBridge: ChatlioMetricsBridge {
    private let snapshot: @Sendable () -> RelayMetrics
    private let prefix: String
    private let recording: MetricsRecording

    /// A bridge reading `relay.metrics()`.
    public convenience init(
        relay: ChatlioRelay, prefix: String = "chatlio_relay", dimensions: [(String, String)] = [],
        factory: any MetricsFactory = MetricsSystem.factory
    ) {
        self.init(snapshot: { relay.metrics() }, prefix: prefix, dimensions: dimensions, factory: factory)
    }

    /// A bridge reading whatever `snapshot` returns.
    public init(
        snapshot: @escaping @Sendable () -> RelayMetrics, prefix: String = "chatlio_relay",
        dimensions: [(String, String)] = [], factory: any MetricsFactory = MetricsSystem.factory
    ) {
        self.snapshot = snapshot
        self.prefix = prefix
        recording = MetricsRecording(factory: factory, dimensions: dimensions)
    }

    public func update() {
        let m = snapshot()
        let counters: [(String, Int)] = [
            ("received", m.received), ("accepted", m.accepted), ("duplicates", m.duplicates),
            ("concurrent_copies", m.concurrentCopies), ("concurrent_copy_timeouts", m.concurrentCopyTimeouts),
            ("journal_failures", m.journalFailures), ("quarantined", m.quarantined),
            ("quarantine_failures", m.quarantineFailures), ("quarantine_dropped", m.quarantineDropped),
            ("unknown_route", m.unknownRoute), ("too_large", m.tooLarge), ("unauthorized", m.unauthorized),
            ("sink_full", m.sinkFull), ("sink_unavailable", m.sinkUnavailable),
        ]
        for (name, value) in counters { recording.count("\(prefix)_\(name)_total", value) }
        for (code, value) in m.rejected { recording.count("\(prefix)_rejected_total", value, [("code", code)]) }
    }
}
