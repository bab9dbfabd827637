import ChatlioAEPSupport
public import Foundation

extension AEPStreamingClient {
    /// A snapshot of the client's counters and gauges, from
    /// ``AEPStreamingClient/metrics()``. Counters start at 0 when the client
    /// is created (events recovered from the outbox count as ``recovered``).
    ///
    /// ```swift
    /// let m = client.metrics()
    /// print(m.queued, m.inFlight, m.delivered, m.deadLettered, m.dropped[.overflow, default: 0])
    /// print(m.requestLatency.p99 ?? .zero)
    /// ```
    public struct Metrics: Sendable, Hashable {
        /// Events held by the outbox and not yet resolved (in flight included).
        public var queued: Int
        /// Payload bytes of those events.
        public var queuedBytes: Int
        /// Events inside requests now.
        public var inFlight: Int
        /// Events accepted by `send` (coalesced repeats excluded).
        public var accepted: Int
        /// Events found in the outbox at start-up.
        public var recovered: Int
        /// `send` calls whose id was already queued (nothing stored twice).
        public var coalesced: Int
        /// Events AEP accepted.
        public var delivered: Int
        /// Times an event was scheduled again after a retryable failure of its own.
        public var retried: Int
        /// Requests the inlet did not take (no answer, 408, 429, 5xx, 3xx, a
        /// refused credential): none counts against an event's attempts.
        public var requestFailures: Int
        /// Single-event requests sent after such a failure to see whether the inlet is back.
        public var probes: Int
        /// Batches halved because they kept failing while the inlet took others.
        public var isolationSplits: Int
        /// Dead letters the ``DeadLetterStore`` could not keep (full or failing):
        /// each stays in the outbox, not sent again, until the store has room.
        public var deadLettersNotKept: Int
        /// Events dead-lettered.
        public var deadLettered: Int
        /// Events dropped, by reason.
        public var dropped: [DropReason: Int]
        /// `send` calls refused because the outbox was full (``OverflowPolicy/failFast``
        /// or a backpressure wait that ran out).
        public var refusedFull: Int
        /// Requests sent (each attempt, splits and refresh retries included).
        public var requests: Int
        /// Requests answered by status (0: no answer, a transport error).
        public var requestsByStatus: [Int: Int]
        /// Request body bytes sent.
        public var bytesSent: Int
        /// Tokens obtained from the token endpoint.
        public var tokenRefreshes: Int
        /// Token requests that failed.
        public var tokenRefreshFailures: Int
        /// Delivery reports lost because nobody read ``AEPStreamingClient/deliveryReports`` fast enough.
        public var reportsDiscarded: Int
        /// No request starts before this instant (`Retry-After`, failure backoff).
        public var pausedUntil: Date?
        /// Request latency (send to answer) over the last 4,096 requests.
        public var requestLatency: LatencySummary
        /// `send` latency (call to durable) over the last 4,096 calls.
        public var sendLatency: LatencySummary
    }

    /// Percentiles of a latency sample.
    ///
    /// ```swift
    /// let p99 = client.metrics().sendLatency.p99   // Duration?
    /// ```
    public struct LatencySummary: Sendable, Hashable {
        /// Observations in the sample.
        public var count: Int
        /// Median.
        public var p50: Duration?
        /// 90th percentile.
        public var p90: Duration?
        /// 99th percentile.
        public var p99: Duration?
        /// Largest.
        public var max: Duration?

        static let empty = LatencySummary(count: 0, p50: nil, p90: nil, p99: nil, max: nil)

        /// Nearest-rank percentiles of `samples` (seconds).
        static func of(_ samples: [Double]) -> LatencySummary {
            guard !samples.isEmpty else { return .empty }
            let sorted = samples.sorted()
            func rank(_ p: Double) -> Duration {
                let index = Swift.min(sorted.count - 1, Swift.max(0, Int((p * Double(sorted.count)).rounded(.up)) - 1))
                return .seconds(sorted[index])
            }
            return LatencySummary(count: sorted.count, p50: rank(0.5), p90: rank(0.9), p99: rank(0.99), max: .seconds(sorted[sorted.count - 1]))
        }
    }
}

/// The client's counters behind one lock, so ``AEPStreamingClient/metrics()``
/// needs no `await`.
final class MetricsRecorder: Sendable {
    private struct Ring: Sendable {
        var values: [Double] = []
        var next = 0
        static let capacity = 4096

        mutating func add(_ value: Double) {
            if values.count < Self.capacity {
                values.append(value)
            } else {
                values[next] = value
                next = (next + 1) % Self.capacity
            }
        }
    }

    private struct State: Sendable {
        var metrics = AEPStreamingClient.Metrics(
            queued: 0, queuedBytes: 0, inFlight: 0, accepted: 0, recovered: 0, coalesced: 0, delivered: 0, retried: 0,
            requestFailures: 0, probes: 0, isolationSplits: 0, deadLettersNotKept: 0,
            deadLettered: 0, dropped: [:], refusedFull: 0, requests: 0, requestsByStatus: [:], bytesSent: 0, tokenRefreshes: 0,
            tokenRefreshFailures: 0, reportsDiscarded: 0, pausedUntil: nil, requestLatency: .empty, sendLatency: .empty
        )
        var requestLatency = Ring()
        var sendLatency = Ring()
    }

    private let state = Locked(State())

    func snapshot() -> AEPStreamingClient.Metrics {
        state.withLock { state in
            var metrics = state.metrics
            metrics.requestLatency = .of(state.requestLatency.values)
            metrics.sendLatency = .of(state.sendLatency.values)
            return metrics
        }
    }

    func update(_ body: (inout AEPStreamingClient.Metrics) -> Void) {
        state.withLock { body(&$0.metrics) }
    }

    func request(status: Int?, bytes: Int, latency: Duration) {
        state.withLock { state in
            state.metrics.requests += 1
            state.metrics.requestsByStatus[status ?? 0, default: 0] += 1
            state.metrics.bytesSent += bytes
            state.requestLatency.add(latency.seconds)
        }
    }

    func sendCompleted(seconds: Double) {
        state.withLock { $0.sendLatency.add(seconds) }
    }

    func tokenRefreshed() { update { $0.tokenRefreshes += 1 } }
    func tokenRefreshFailed() { update { $0.tokenRefreshFailures += 1 } }
}
