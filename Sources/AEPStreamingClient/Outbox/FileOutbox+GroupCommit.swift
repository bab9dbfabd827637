import Foundation

extension FileOutbox {
    /// Returns once append `ticket` is on stable storage.
    ///
    /// The first caller that finds no sync running becomes the leader: it
    /// (optionally) waits `gather` for more appends, syncs a duplicate of the
    /// active segment's descriptor (earlier segments were synced when they
    /// were rotated out), marks every ticket written before the sync as
    /// durable and resumes their waiters; it keeps syncing while waiters
    /// remain. Everyone else waits for a leader's sync to cover them.
    func waitUntilDurable(_ ticket: UInt64, gather: Duration) async throws(AEPStreamingClientError) {
        enum Role { case done, follower, leader }
        let path = directory.path
        do {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let role = state.withLock { state -> Role in
                    if state.closed || state.synced >= ticket { return .done }
                    if state.syncing {
                        state.waiters.append((ticket, continuation))
                        return .follower
                    }
                    state.syncing = true
                    state.waiters.append((ticket, continuation))
                    return .leader
                }
                switch role {
                case .done: continuation.resume()
                case .follower: break
                case .leader:
                    Task { await self.leadSyncs(gather: gather, path: path) }
                }
            }
        } catch let error as AEPStreamingClientError {
            throw error
        } catch {
            throw AEPStreamingClientError(.outboxIO, "sync failed: \(error)")
        }
    }

    private func leadSyncs(gather: Duration, path: String) async {
        if gather > .zero { try? await Task.sleep(for: gather) }
        while true {
            let target = state.withLock { state -> (ticket: UInt64, fd: Int32, number: UInt64)? in
                guard !state.closed, let active = state.segments[state.active] else { return nil }
                return (state.written, POSIXFile.duplicate(active.fd), active.number)
            }
            var failure: AEPStreamingClientError?
            if let target {
                do throws(AEPStreamingClientError) {
                    if target.fd < 0 { throw POSIXFile.failure("dup", Self.segmentPath(path, target.number)) }
                    try POSIXFile.sync(target.fd, path: Self.segmentPath(path, target.number))
                } catch {
                    failure = error
                }
                POSIXFile.closeQuietly(target.fd)
            }
            let (ready, more) = state.withLock { state -> ([CheckedContinuation<Void, any Error>], Bool) in
                if let target, failure == nil { state.synced = max(state.synced, target.ticket) }
                let covered = target == nil || failure != nil ? state.waiters : state.waiters.filter { $0.ticket <= state.synced }
                state.waiters.removeAll { target == nil || failure != nil || $0.ticket <= state.synced }
                if state.waiters.isEmpty {
                    state.syncing = false
                    return (covered.map(\.continuation), false)
                }
                return (covered.map(\.continuation), true)
            }
            for continuation in ready {
                if let failure {
                    continuation.resume(throwing: failure)
                } else {
                    continuation.resume()
                }
            }
            if !more { return }
        }
    }
}
