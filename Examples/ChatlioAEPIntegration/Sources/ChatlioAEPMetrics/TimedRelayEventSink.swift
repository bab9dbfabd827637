public import ChatlioRelay
public import CoreMetrics

/// A ``RelayEventSink`` that times how long its sink takes to store each
/// event (the relay answers 202 only after it): a swift-metrics timer named
/// `label`, by `outcome` (`stored` or the ``RelaySinkError`` code).
///
/// ```swift
/// let relay = try ChatlioRelay(mapper: mapper, sink: TimedRelayEventSink(wrapping: client), quarantine: quarantine)
/// ```
public struct TimedRelayEventSink: RelayEventSink {
    private let inner: any RelayEventSink
    private let label: String
    private let dimensions: [(String, String)]
    private let factory: any MetricsFactory
    private let stored: Timer

    /// Wraps `inner`; its ``RelayEventSink/payloadFormat`` is passed through.
    public init(
        wrapping inner: any RelayEventSink, label: String = "chatlio_relay_sink_duration_seconds",
        dimensions: [(String, String)] = [], factory: any MetricsFactory = MetricsSystem.factory
    ) {
        self.inner = inner
        self.label = label
        self.dimensions = dimensions
        self.factory = factory
        stored = Timer(label: label, dimensions: dimensions + [("outcome", "stored")], preferredDisplayUnit: .seconds, factory: factory)
    }

    public var payloadFormat: RelayPayloadFormat { inner.payloadFormat }

    public func accept(_ event: RelayEvent) async throws(RelaySinkError) {
        let clock = ContinuousClock()
        let started = clock.now
        do {
            try await inner.accept(event)
            stored.recordNanoseconds(Int64((clock.now - started).secondsValue * 1e9))
        } catch {
            // Refusals are rare: their timer is made when one happens (the factory hands back the same one).
            Timer(label: label, dimensions: dimensions + [("outcome", error.code.description)], preferredDisplayUnit: .seconds, factory: factory)
                .recordNanoseconds(Int64((clock.now - started).secondsValue * 1e9))
            throw error
        }
    }
}
