public import AEPStreamingClient
public import CoreMetrics

/// An ``HTTPTransport`` that times every request it passes on: a swift-metrics
/// timer (a histogram in Prometheus) named `label`, by `outcome`: `2xx`,
/// `3xx`, `4xx`, `5xx`, or `error` when no answer came. The client's own
/// latency figures are percentiles of a window; these are every request.
///
/// ```swift
/// let transport = TimedHTTPTransport(wrapping: AsyncHTTPClientTransport())
/// let client = try await AEPStreamingClient(configuration: configuration, outbox: outbox, transport: transport)
/// ```
public struct TimedHTTPTransport: HTTPTransport {
    private let inner: any HTTPTransport
    private let timers: [String: Timer]

    /// Wraps `inner`.
    ///
    /// - Parameters:
    ///   - label: the timer's name.
    ///   - dimensions: added to `outcome` on every timer.
    public init(
        wrapping inner: any HTTPTransport, label: String = "aep_client_request_duration_seconds",
        dimensions: [(String, String)] = [], factory: any MetricsFactory = MetricsSystem.factory
    ) {
        self.inner = inner
        var timers: [String: Timer] = [:]
        for outcome in ["2xx", "3xx", "4xx", "5xx", "1xx", "error"] {
            timers[outcome] = Timer(label: label, dimensions: dimensions + [("outcome", outcome)], preferredDisplayUnit: .seconds, factory: factory)
        }
        self.timers = timers
    }

    public func send(_ request: HTTPTransportRequest) async throws(AEPStreamingClientError) -> HTTPTransportResponse {
        let clock = ContinuousClock()
        let started = clock.now
        do {
            let response = try await inner.send(request)
            record(outcome: "\(min(5, max(1, response.status / 100)))xx", clock.now - started)
            return response
        } catch {
            record(outcome: "error", clock.now - started)
            throw error
        }
    }

    private func record(outcome: String, _ elapsed: Duration) {
        timers[outcome]?.recordNanoseconds(Int64(elapsed.secondsValue * 1e9))
    }
}
