public import CoreMetrics
import Foundation

/// Turns a component's metric snapshot into swift-metrics values: counters
/// grow by what the snapshot's counters grew since the last ``update()``,
/// gauges take the snapshot's value. ChatlioAEP keeps its metrics as
/// snapshots (``AEPStreamingClient/metrics()``, ``ChatlioRelay/metrics()``),
/// so a bridge is updated before each scrape or on a timer.
///
/// ```swift
/// let bridges: [any ChatlioMetricsBridge] = [StreamingClientMetricsBridge(client: client), RelayMetricsBridge(relay: relay)]
/// let text = PrometheusExposition.render(registry, updating: bridges)   // on GET /metrics
/// // or, for a push backend: Task { await bridge.run(every: .seconds(10)) }
/// ```
public protocol ChatlioMetricsBridge: Sendable {
    /// Reads the component's snapshot and records it.
    func update()
}

extension ChatlioMetricsBridge {
    /// Updates every `interval` until the calling task is cancelled.
    ///
    /// ```swift
    /// let poller = Task { await bridge.run(every: .seconds(10)) }
    /// defer { poller.cancel() }
    /// ```
    public func run(every interval: Duration) async {
        while !Task.isCancelled {
            update()
            do { try await Task.sleep(for: interval) } catch { break }
        }
        update()
    }
}

/// The handlers of one bridge and the counter values already recorded, so a
/// counter is created once and only ever incremented by the growth.
final class MetricsRecording: @unchecked Sendable {
    struct Key: Hashable {
        var label: String
        var dimensions: [String]
    }

    private let lock = NSLock()
    private let factory: any MetricsFactory
    private let dimensions: [(String, String)]
    private var counters: [Key: (counter: Counter, recorded: Int64)] = [:]
    private var gauges: [Key: Gauge] = [:]

    init(factory: any MetricsFactory, dimensions: [(String, String)]) {
        self.factory = factory
        self.dimensions = dimensions
    }

    /// Brings the counter `label` up to `total` (a total since the component
    /// was created). A total below the one recorded (another component under
    /// the same names, restarted) starts a new run from 0 rather than counting down.
    func count(_ label: String, _ total: Int, _ extra: [(String, String)] = []) {
        let all = dimensions + extra
        let key = Key(label: label, dimensions: all.flatMap { [$0.0, $0.1] })
        lock.lock()
        defer { lock.unlock() }
        let entry = counters[key] ?? (Counter(label: label, dimensions: all, factory: factory), 0)
        let total = Int64(total)
        let growth = total >= entry.recorded ? total - entry.recorded : total
        if growth > 0 { entry.counter.increment(by: growth) }
        counters[key] = (entry.counter, total)
    }

    /// Sets the gauge `label` to `value`.
    func gauge(_ label: String, _ value: Double, _ extra: [(String, String)] = []) {
        let all = dimensions + extra
        let key = Key(label: label, dimensions: all.flatMap { [$0.0, $0.1] })
        lock.lock()
        let gauge = gauges[key] ?? Gauge(label: label, dimensions: all, factory: factory)
        gauges[key] = gauge
        lock.unlock()
        gauge.record(value)
    }
}

extension Duration {
    /// Seconds as a `Double` (metrics backends take floating-point seconds).
    var secondsValue: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
