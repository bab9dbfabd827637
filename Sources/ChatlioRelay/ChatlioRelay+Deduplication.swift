import ChatlioAEPSupport

/// How a copy of an event gets past the deduplication window.
///
/// An id is *reserved* while its first copy is being stored and counts as
/// seen only once the sink has stored it. A copy arriving in between waits
/// for that outcome: stored → `200 duplicate`; refused → the reservation is
/// released and the waiting copy tries to store the event itself; no
/// outcome within ``ChatlioRelay/Configuration/concurrentCopyWait`` → 503
/// with `Retry-After`. So `200 duplicate` always means an earlier copy is
/// durably stored.
extension ChatlioRelay {
    /// What a copy may do next.
    enum Admission: Sendable {
        /// Store the event; then call ``finishFirstCopy(_:stored:)``.
        case reserved
        /// An earlier copy is stored.
        case duplicate
        /// An earlier copy was still being stored when the wait ended.
        case timedOut
    }

    /// One copy waiting for the first copy's outcome.
    struct FirstCopyWaiter {
        let token: UInt64
        let continuation: CheckedContinuation<Step, Never>
        /// Ends the wait at the deadline; cancelled when the outcome comes first.
        let timer: Task<Void, Never>
    }

    /// What a look at the window, or the end of a wait, found.
    enum Step: Sendable {
        case reserved, stored, released, timedOut
    }

    /// Nearly every copy is the first or a repeat of a stored one: decided under one lock,
    /// without a waiter token, a continuation or an async frame. `nil` for an id in flight,
    /// whose copy waits in ``admit(_:)``.
    func admitNow(_ id: DeduplicationWindow.Key) -> Admission? {
        state.withLock { state -> Admission? in
            switch state.window.reserve(id) {
            case .reserved: .reserved
            case .stored: .duplicate
            case .inFlight: nil
            }
        }
    }

    func admit(_ key: DeduplicationWindow.Key) async -> Admission {
        let id = key.id
        if let immediate = admitNow(key) { return immediate }
        let clock = ContinuousClock()
        let deadline = clock.now + configuration.concurrentCopyWait
        var counted = false
        while true {
            let token = state.withLock { state -> UInt64 in
                state.nextWaiterToken &+= 1
                return state.nextWaiterToken
            }
            let step = await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Step, Never>) in
                    let immediate = state.withLock { state -> Step? in
                        switch state.window.reserve(key) {
                        case .reserved: return .reserved
                        case .stored: return .stored
                        case .inFlight:
                            if !counted { state.metrics.concurrentCopies += 1 }
                            // A timer that fired before this registration could not end it, so look at the clock here.
                            if Task.isCancelled || clock.now >= deadline { return .timedOut }
                            let timer = Task { [self] in
                                guard (try? await Task.sleep(until: deadline, clock: clock)) != nil else { return }
                                self.endWait(id, token)
                            }
                            state.waiters[id, default: []].append(FirstCopyWaiter(token: token, continuation: continuation, timer: timer))
                            return nil
                        }
                    }
                    if let immediate { continuation.resume(returning: immediate) }
                }
            } onCancel: {
                endWait(id, token)
            }
            counted = true
            switch step {
            case .reserved: return .reserved
            case .stored: return .duplicate
            case .timedOut: return .timedOut
            case .released: continue  // the first copy was refused: this copy may store it now
            }
        }
    }

    /// The first copy's outcome: the id counts as seen only when `stored`.
    /// Every copy waiting for it is told. `countingAccepted` adds the 202 to
    /// the metrics under the same lock.
    func finishFirstCopy(_ id: DeduplicationWindow.Key, stored: Bool, countingAccepted: Bool = false) {
        let waiters = state.withLock { state -> [FirstCopyWaiter] in
            if stored { state.window.commit(id) } else { state.window.release(id) }
            if countingAccepted { state.metrics.accepted += 1 }
            // Nearly always empty: hashing a 64-byte id to find nothing cost more than the commit.
            return state.waiters.isEmpty ? [] : state.waiters.removeValue(forKey: id.id) ?? []
        }
        for waiter in waiters {
            waiter.timer.cancel()
            waiter.continuation.resume(returning: stored ? .stored : .released)
        }
    }

    /// Ends one copy's wait (its deadline passed or its task was cancelled), if it still waits.
    private func endWait(_ id: String, _ token: UInt64) {
        let waiter = state.withLock { state -> FirstCopyWaiter? in
            guard var waiting = state.waiters[id], let index = waiting.firstIndex(where: { $0.token == token }) else { return nil }
            let waiter = waiting.remove(at: index)
            state.waiters[id] = waiting.isEmpty ? nil : waiting
            return waiter
        }
        guard let waiter else { return }
        waiter.timer.cancel()
        waiter.continuation.resume(returning: .timedOut)
    }

    /// Copies now waiting for an earlier copy's outcome.
    func waitingCopies() -> Int {
        state.withLock { $0.waiters.values.reduce(0) { $0 + $1.count } }
    }
}
