import ChatlioAEPSupport
import Foundation

extension FileOutbox {
    /// Waiters to resume once the lock is released, all with one result.
    struct Completion {
        var waiters: [CheckedContinuation<Void, any Error>]
        var failure: AEPStreamingClientError?

        func resume() {
            for waiter in waiters {
                if let failure { waiter.resume(throwing: failure) } else { waiter.resume() }
            }
        }
    }

    /// Appends with a sync: the record joins the open group and the call returns once a sync covers it.
    ///
    /// The first append that finds no commit running starts one on the outbox's commit queue (a thread
    /// of its own, so a slow fsync never holds a thread of Swift's cooperative pool, whose few threads
    /// the senders and the transport need): it waits `gather`, then takes the open group, writes all
    /// its records (one buffer) with one `write` under the lock (so bytes stay in offset order), syncs a
    /// duplicate of the segment's descriptor outside it, and resumes every append of the group with
    /// the result: success for all, or the same typed error for all. It keeps going while appends
    /// arrive; appends arriving during a sync form the next group.
    func appendGrouped(_ record: OutboxRecord, head: RecordFormat.EventHead, gather: Duration) async throws(AEPStreamingClientError) {
        enum Role { case lead, follow, done(AEPStreamingClientError?) }
        let path = directoryPath
        let durability = options.durability
        let segmentBytes = options.segmentBytes
        do {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                var completions: [Completion] = []
                let role = state.withLock { state -> Role in
                    guard !state.closed else { return .done(Self.closedError()) }
                    if let held = state.index[record.id] {
                        // Stored already: return as soon as that copy is durable.
                        if held.group == 0 || held.group <= state.durableGroup { return .done(nil) }
                        if held.group == state.openGroup.number {
                            state.openGroup.waiters.append(continuation)
                        } else {
                            state.lateWaiters.append((held.group, continuation))
                        }
                        return .follow
                    }
                    if let active = state.segments[state.active], active.size > RecordFormat.magic.count,
                       active.size + head.recordBytes > segmentBytes || state.acknowledgedInActive.contains(record.id)
                    {
                        // The open group belongs to the old segment: it goes down with the old segment's sync.
                        let group = state.openGroup
                        state.openGroup = CommitGroup(number: group.number + 1)
                        var failure = group.ids.isEmpty ? nil : Self.writeGroup(group, to: active)
                        var rotated = true
                        do throws(AEPStreamingClientError) {
                            try Self.rotate(directory: path, durability: durability, state: &state)
                        } catch {
                            failure = failure ?? error
                            rotated = false
                        }
                        if failure == nil { state.durableGroup = group.number } else { Self.forget(group, &state) }
                        completions.append(Completion(waiters: group.waiters, failure: failure))
                        completions.append(Self.takeLateWaiters(&state, failure: failure, upTo: group.number))
                        if !rotated, let failure { return .done(failure) }
                    }
                    guard var segment = state.segments[state.active] else { return .done(Self.closedError()) }
                    if state.openGroup.ids.isEmpty {
                        state.openGroup.startOffset = segment.size
                        // Room for twice the last group: one allocation, not a copy at every doubling.
                        state.openGroup.bytes.reserveCapacity(max(2 * state.lastGroupBytes, 64 << 10, head.recordBytes))
                    }
                    state.index[record.id] = Location(
                        segment: segment.number, payloadOffset: segment.size + RecordFormat.payloadOffset(idBytes: record.id.utf8.count),
                        payloadLength: record.payload.count, enqueuedAt: record.enqueuedAt, order: state.nextOrder, group: state.openGroup.number
                    )
                    state.nextOrder += 1
                    segment.size += head.recordBytes
                    segment.live += 1
                    state.segments[segment.number] = segment
                    RecordFormat.appendEventRecord(head, payload: record.payload, to: &state.openGroup.bytes)
                    state.openGroup.ids.append(record.id)
                    state.openGroup.waiters.append(continuation)
                    if state.committing { return .follow }
                    state.committing = true
                    return .lead
                }
                for completion in completions { completion.resume() }
                switch role {
                case .lead:
                    commitQueue.async { self.commitGroups(gather: gather) }
                case .follow:
                    break
                case .done(let failure):
                    if let failure { continuation.resume(throwing: failure) } else { continuation.resume() }
                }
            }
        } catch let error as AEPStreamingClientError {
            throw error
        } catch {
            throw AEPStreamingClientError(.outboxIO, "sync failed: \(error)")
        }
    }

    /// The commit loop, on the commit queue: one group after another until none is open. Appends that
    /// arrive while a group syncs form the next one.
    private func commitGroups(gather: Duration) {
        if gather > .zero { Thread.sleep(forTimeInterval: gather.seconds) }
        while true {
            let taken = state.withLock { state -> (group: CommitGroup, fd: Int32, path: String, failure: AEPStreamingClientError?)? in
                guard !state.closed, !state.openGroup.ids.isEmpty || !state.openGroup.waiters.isEmpty,
                      let active = state.segments[state.active]
                else {
                    state.committing = false
                    return nil
                }
                let group = state.openGroup
                state.openGroup = CommitGroup(number: group.number + 1)
                state.lastGroupBytes = group.bytes.count
                if let failure = group.ids.isEmpty ? nil : Self.writeGroup(group, to: active) {
                    Self.forget(group, &state)
                    return (group, -1, active.path, failure)
                }
                let fd = POSIXFile.duplicate(active.fd)
                return (group, fd, active.path, fd < 0 ? POSIXFile.failure("dup", active.path) : nil)
            }
            guard let taken else { return }
            var failure = taken.failure
            if failure == nil {
                do throws(AEPStreamingClientError) { try syncFile(taken.fd, taken.path) } catch { failure = error }
            }
            POSIXFile.closeQuietly(taken.fd)
            let late = state.withLock { state -> Completion in
                state.groupSyncs += 1
                if failure == nil {
                    state.durableGroup = max(state.durableGroup, taken.group.number)
                } else if !state.closed {
                    // Not durable: the callers get the error, and a retry must append again, not find the id held.
                    Self.forget(taken.group, &state)
                }
                return Self.takeLateWaiters(&state, failure: failure, upTo: taken.group.number)
            }
            Completion(waiters: taken.group.waiters, failure: failure).resume()
            late.resume()
        }
    }

    /// Writes a group's records at the end of `segment`; on failure cuts the file back to where the
    /// group started (nothing is written after it: writes happen under the lock) and returns the error.
    static func writeGroup(_ group: CommitGroup, to segment: Segment) -> AEPStreamingClientError? {
        do throws(AEPStreamingClientError) {
            try POSIXFile.writeAll(segment.fd, group.bytes, path: segment.path)
            return nil
        } catch {
            try? POSIXFile.truncate(segment.fd, to: group.startOffset, path: segment.path)
            return error
        }
    }

    /// Drops a failed group's records from the index (the appends failed, so they are not held).
    static func forget(_ group: CommitGroup, _ state: inout State) {
        for id in group.ids {
            guard let location = state.index[id], location.group == group.number else { continue }
            state.index[id] = nil
            if var segment = state.segments[location.segment] {
                segment.live -= 1
                state.segments[location.segment] = segment
            }
        }
    }

    /// The appends of already-held ids whose group, at most `upTo`, is now resolved.
    static func takeLateWaiters(_ state: inout State, failure: AEPStreamingClientError?, upTo group: UInt64) -> Completion {
        guard !state.lateWaiters.isEmpty else { return Completion(waiters: [], failure: nil) }
        var ready: [CheckedContinuation<Void, any Error>] = []
        state.lateWaiters.removeAll { waiter in
            guard waiter.group <= group else { return false }
            ready.append(waiter.continuation)
            return true
        }
        return Completion(waiters: ready, failure: failure)
    }

    // MARK: - Acknowledgements, synced lazily

    /// Duplicates of the ack files written since their last sync, and whether the directory needs one.
    struct AckSync {
        var files: [(fd: Int32, path: String)] = []
        var directory = false
    }

    static func takeAckSync(_ state: inout State) -> AckSync {
        var sync = AckSync()
        for (number, var segment) in state.segments where segment.ackDirty && segment.ackFD >= 0 {
            let fd = POSIXFile.duplicate(segment.ackFD)
            guard fd >= 0 else { continue }   // stays dirty: the next sync tries again
            sync.files.append((fd, segment.ackPath))
            segment.ackDirty = false
            state.segments[number] = segment
        }
        sync.directory = state.directoryDirty
        state.directoryDirty = false
        state.lastAckSync = .now
        return sync
    }

    /// Syncs the acknowledgements written so far now, whatever the interval (for tests: the point a
    /// simulated power loss cuts the ack files back to).
    func syncAcknowledgements() throws(AEPStreamingClientError) {
        let sync = try state.withLock { (state: inout State) throws(AEPStreamingClientError) -> AckSync in
            guard !state.closed else { throw Self.closedError() }
            return Self.takeAckSync(&state)
        }
        try performAckSync(sync, directory: directoryPath)
    }

    func performAckSync(_ sync: AckSync, directory: String) throws(AEPStreamingClientError) {
        defer { for file in sync.files { POSIXFile.closeQuietly(file.fd) } }
        for file in sync.files { try syncFile(file.fd, file.path) }
        if sync.directory { try POSIXFile.syncDirectory(directory) }
    }
}
