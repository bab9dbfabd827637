import ChatlioAEPSupport

/// The reports between the pipeline and ``AEPStreamingClient/deliveryReports``:
/// a bounded buffer that keeps the newest (as `AsyncStream`'s
/// `.bufferingNewest` does), behind the stream users iterate.
///
/// `AsyncStream`'s own continuation runs its buffer generically (a metadata
/// look-up, a lock and a `Deque` through witnesses for every element): about
/// 4,000 instructions a delivered event, a tenth of the client's work, even
/// when nobody reads. Here a batch of reports is one lock and plain array
/// writes; the stream (``stream``) pulls from it only when iterated.
///
/// ```swift
/// let channel = DeliveryReportChannel(capacity: 10_000)
/// let reports = channel.stream          // the public AsyncStream
/// let discarded = channel.yield(contentsOf: finalizedReports)
/// channel.finish()                      // iteration ends once the buffer is drained
/// ```
final class DeliveryReportChannel: Sendable {
    private struct State: Sendable {
        /// A ring of `capacity` slots: `count` reports from `head`.
        var ring: [DeliveryReport?]
        var head = 0
        var count = 0
        var waiters: [CheckedContinuation<DeliveryReport?, Never>] = []
        var finished = false

        mutating func pop() -> DeliveryReport? {
            guard count > 0 else { return nil }
            let report = ring[head]
            ring[head] = nil
            head = (head + 1) % ring.count
            count -= 1
            return report
        }
    }

    private let state: Locked<State>

    /// At least 1 (``AEPStreamingClient/Configuration/reportBufferSize`` is checked).
    init(capacity: Int) {
        state = Locked(State(ring: Array(repeating: nil, count: max(1, capacity))))
    }

    /// What users iterate: each `next()` takes the oldest buffered report or waits for one; `nil`
    /// once ``finish()`` was called and the buffer is empty, or after the iterating task is cancelled.
    var stream: AsyncStream<DeliveryReport> {
        AsyncStream(unfolding: { [self] in await next() }, onCancel: { [self] in cancelWaiters() })
    }

    /// Hands the reports to waiting readers, buffers the rest, dropping the oldest when full;
    /// returns how many were dropped. After ``finish()`` nothing is kept (and nothing counted).
    @discardableResult
    func yield(contentsOf reports: [DeliveryReport]) -> Int {
        guard !reports.isEmpty else { return 0 }
        var ready: [(CheckedContinuation<DeliveryReport?, Never>, DeliveryReport)] = []
        let dropped = state.withLock { state -> Int in
            guard !state.finished else { return 0 }
            var dropped = 0
            for report in reports {
                if !state.waiters.isEmpty {
                    ready.append((state.waiters.removeFirst(), report))
                    continue
                }
                let capacity = state.ring.count
                if state.count == capacity {
                    state.ring[state.head] = report   // the oldest goes, the newest takes its slot
                    state.head = (state.head + 1) % capacity
                    dropped += 1
                } else {
                    state.ring[(state.head + state.count) % capacity] = report
                    state.count += 1
                }
            }
            return dropped
        }
        for (waiter, report) in ready { waiter.resume(returning: report) }
        return dropped
    }

    /// Whether every report yielded so far was taken (for tests).
    var isDrained: Bool { state.withLock { $0.count == 0 } }

    /// No more reports: readers get what is buffered, then `nil`.
    func finish() {
        let waiters = state.withLock { state -> [CheckedContinuation<DeliveryReport?, Never>] in
            state.finished = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: nil) }
    }

    private func next() async -> DeliveryReport? {
        await withCheckedContinuation { (continuation: CheckedContinuation<DeliveryReport?, Never>) in
            let immediate = state.withLock { state -> DeliveryReport?? in
                if let report = state.pop() { return .some(report) }
                // Checked under the lock: a cancellation handler that ran before this finds no waiter to release.
                if state.finished || Task.isCancelled { return .some(nil) }
                state.waiters.append(continuation)
                return nil
            }
            if let immediate { continuation.resume(returning: immediate) }
        }
    }

    /// The iterating task was cancelled: its stream has ended (AsyncStream's unfolding form calls
    /// this once and returns `nil` from then on); release whoever waits.
    private func cancelWaiters() {
        let waiters = state.withLock { state -> [CheckedContinuation<DeliveryReport?, Never>] in
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: nil) }
    }
}
