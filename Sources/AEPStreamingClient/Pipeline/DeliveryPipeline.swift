import Foundation

/// The scheduler between the outbox (storage) and the inlet: admission and
/// bounds, batching, retries and pauses, resolution and reports. Policy
/// decisions are delegated to the pure ``BatchBuilder``,
/// ``ResponseClassifier`` and ``RetryStateMachine``; payload bytes stay in
/// the ``Outbox`` and are read only to build a request.
actor DeliveryPipeline {
    enum RunState: Sendable, Hashable {
        case running, draining, stopped
    }

    /// Settings fixed at start-up.
    struct Settings: Sendable {
        var singleURL: URL
        var batchURL: URL
        var batchMode: Bool
        var headers: [(name: String, value: String)]
        var requestTimeout: Duration
        var limits: OutboxLimits
        var maxConcurrentRequests: Int
        var log: AEPStreamingClient.LogHandler
        var now: @Sendable () -> Date
    }

    let settings: Settings
    let outbox: any Outbox
    let transport: any HTTPTransport
    let tokens: TokenProvider
    let envelope: EnvelopeBuilder
    let builder: BatchBuilder
    let metrics: MetricsRecorder
    let reports: AsyncStream<DeliveryReport>.Continuation

    var retry: RetryStateMachine
    var random: RandomSource
    var syncValidation: Bool

    // Ledger
    var entries: [String: Entry] = [:]
    var freshQueue = SlotQueue()
    var retryQueue = SlotQueue()
    var delayed: [DelayedSlot] = []
    var nextSeq: UInt64 = 0
    var heldCount = 0
    var heldBytes = 0
    var inFlightEvents = 0

    // Waiters and tasks
    var admissionWaiters: [String: [CheckedContinuation<Void, any Error>]] = [:]
    var spaceWaiters: [UInt64: SpaceWaiter] = [:]
    var flushWaiters: [UInt64: FlushWaiter] = [:]
    var nextToken: UInt64 = 0
    var forceCount = 0
    var inFlightRequests = 0
    var deliveryTasks: [UInt64: Task<Void, Never>] = [:]
    var wakeTask: Task<Void, Never>?
    var wakeAt: Date?
    var wakeToken: UInt64 = 0
    var runState = RunState.running
    /// Messages and bytes that arrived since ``schedule()`` last looked: a new
    /// event only triggers a scan when it could fill a request, or when no
    /// timer will look anyway.
    var unscannedCount = 0
    var unscannedBytes = 0

    /// Scheduling time (linger, backoff, pauses) is monotonic: a `Date` that
    /// starts at the wall clock and then advances with `ContinuousClock`, so a
    /// wall-clock jump never stalls or rushes delivery. Ages (``Entry/enqueuedAt``,
    /// persisted in the outbox) use the wall clock, ``Settings/now``.
    let monotonicOrigin = ContinuousClock().now
    let monotonicBase = Date()

    func monotonicNow() -> Date {
        monotonicBase.addingTimeInterval(monotonicOrigin.duration(to: ContinuousClock().now).seconds)
    }

    /// A wall-clock instant (a `Retry-After` date) on the monotonic scale.
    func monotonic(fromWall date: Date, wallNow: Date) -> Date {
        monotonicNow().addingTimeInterval(date.timeIntervalSince(wallNow))
    }

    init(
        settings: Settings, outbox: any Outbox, transport: any HTTPTransport, tokens: TokenProvider, envelope: EnvelopeBuilder,
        builder: BatchBuilder, retry: RetryPolicy, syncValidation: Bool, randomSeed: UInt64?, metrics: MetricsRecorder,
        reports: AsyncStream<DeliveryReport>.Continuation
    ) {
        self.settings = settings
        self.outbox = outbox
        self.transport = transport
        self.tokens = tokens
        self.envelope = envelope
        self.builder = builder
        self.retry = RetryStateMachine(policy: retry)
        self.random = RandomSource(seed: randomSeed)
        self.syncValidation = syncValidation
        self.metrics = metrics
        self.reports = reports
    }

    func log(_ level: AEPStreamingClient.LogEvent.Level, _ message: @autoclosure () -> String) {
        settings.log(AEPStreamingClient.LogEvent(level: level, message: message()))
    }

    /// Takes in what the outbox held at start-up and starts delivering it.
    func start(recovered: [OutboxEntry]) {
        let now = monotonicNow()
        for stored in recovered where entries[stored.id] == nil {
            let entry = Entry(
                id: stored.id, seq: nextSeq, payloadBytes: stored.payloadBytes, enqueuedAt: stored.enqueuedAt, readySince: now, phase: .queued
            )
            nextSeq += 1
            entries[stored.id] = entry
            freshQueue.append(Slot(id: stored.id, generation: 0))
            heldCount += 1
            heldBytes += stored.payloadBytes
        }
        metrics.update { $0.recovered = recovered.count }
        if !recovered.isEmpty { log(.info, "resuming delivery of \(recovered.count) events left in the outbox") }
        publishGauges()
        schedule()
    }

    func publishGauges() {
        let (count, bytes, inFlight) = (heldCount, heldBytes, inFlightEvents)
        let monotonic = monotonicNow()
        let paused = retry.pause(at: monotonic).map { settings.now().addingTimeInterval($0.timeIntervalSince(monotonic)) }
        metrics.update {
            $0.queued = count
            $0.queuedBytes = bytes
            $0.inFlight = inFlight
            $0.pausedUntil = paused
        }
    }

    // MARK: - Admission

    /// Reserves room for an event and returns the enqueue time its outbox
    /// record carries; `nil` when an event with this id is already held (the
    /// send is coalesced; it returns once that one is stored).
    func admit(id: String, payloadBytes: Int) async throws(AEPStreamingClientError) -> Date? {
        guard runState == .running else {
            throw AEPStreamingClientError(.shutDown, "the client is shutting down; event \(id) was not accepted")
        }
        if let existing = entries[id] {
            metrics.update { $0.coalesced += 1 }
            if existing.phase == .admitting {
                do {
                    try await withCheckedThrowingContinuation { admissionWaiters[id, default: []].append($0) }
                } catch let error as AEPStreamingClientError {
                    throw error
                } catch {
                    throw AEPStreamingClientError(.outboxIO, "the first send of event \(id) failed: \(error)")
                }
            }
            return nil
        }
        let limits = settings.limits
        guard payloadBytes <= limits.maxBytes else {
            throw AEPStreamingClientError(.eventTooLarge, "event \(id) has \(payloadBytes) payload bytes, above outboxLimits.maxBytes \(limits.maxBytes)")
        }
        while heldCount + 1 > limits.maxEvents || heldBytes + payloadBytes > limits.maxBytes {
            switch limits.overflow.kind {
            case .failFast:
                metrics.update { $0.refusedFull += 1 }
                throw AEPStreamingClientError(.outboxFull, "the outbox holds \(heldCount) events (\(heldBytes) bytes), at its bound; event \(id) was refused (overflow policy failFast)")
            case .dropOldest:
                if dropOldest() { continue }
                // Everything held is in flight: wait for room instead.
                try await waitForSpace(maxWait: nil, id: id)
            case .backpressure(let maxWait):
                try await waitForSpace(maxWait: maxWait, id: id)
            }
            guard runState == .running else {
                throw AEPStreamingClientError(.shutDown, "the client is shutting down; event \(id) was not accepted")
            }
            if entries[id] != nil { return try await admit(id: id, payloadBytes: payloadBytes) }
        }
        let enqueuedAt = settings.now()
        entries[id] = Entry(id: id, seq: nextSeq, payloadBytes: payloadBytes, enqueuedAt: enqueuedAt, readySince: monotonicNow(), phase: .admitting)
        nextSeq += 1
        heldCount += 1
        heldBytes += payloadBytes
        return enqueuedAt
    }

    /// The outbox append succeeded: the event is durable and can be scheduled.
    func admitted(id: String) {
        guard var entry = entries[id], entry.phase == .admitting else { return }
        entry.phase = .queued
        entry.readySince = monotonicNow()
        entries[id] = entry
        freshQueue.append(Slot(id: id, generation: entry.generation))
        metrics.update { $0.accepted += 1 }
        for waiter in admissionWaiters.removeValue(forKey: id) ?? [] { waiter.resume() }
        unscannedCount += 1
        unscannedBytes += envelope.messageBytes(payloadBytes: entry.payloadBytes) + 1
        let couldFill = unscannedCount >= builder.maxMessages || unscannedBytes >= builder.maxRequestBytes
        // A timer armed beyond this event's linger (a long retry backoff) does not count.
        let timerCovers = wakeTask != nil && (wakeAt ?? .distantFuture) <= entry.readySince.addingTimeInterval(builder.linger.seconds)
        if inFlightRequests < settings.maxConcurrentRequests, couldFill || !timerCovers || forceCount > 0 || runState != .running {
            schedule()
        } else {
            publishGauges()
        }
    }

    /// The outbox append failed: release the room.
    func admissionFailed(id: String, error: AEPStreamingClientError) {
        guard let entry = entries[id], entry.phase == .admitting else { return }
        forget(entry)
        for waiter in admissionWaiters.removeValue(forKey: id) ?? [] { waiter.resume(throwing: error) }
    }

    /// Drops the oldest held event that is not in flight; `false` when there is none.
    func dropOldest() -> Bool {
        var victim: Entry?
        func consider(_ slot: Slot, _ phase: Phase) {
            guard isLive(slot, phase: phase), let entry = entries[slot.id] else { return }
            if victim == nil || entry.seq < victim?.seq ?? .max { victim = entry }
        }
        for index in retryQueue.indices {
            if isLive(retryQueue[index], phase: .queued) {
                consider(retryQueue[index], .queued)
                break
            }
        }
        for index in freshQueue.indices {
            if isLive(freshQueue[index], phase: .queued) {
                consider(freshQueue[index], .queued)
                break
            }
        }
        for item in delayed { consider(item.slot, .delayed) }
        guard let victim else { return false }
        log(.warning, "outbox full: dropping the oldest event \(victim.id) (overflow policy dropOldest)")
        // Room is freed now; the outbox removal follows.
        markResolving(victim.id)
        release(victim)
        Task { await self.resolve([(victim.id, .dropped(.overflow))], alreadyReleased: true) }
        return true
    }

    /// Waits until room may have been freed (or `maxWait` runs out).
    func waitForSpace(maxWait: Duration?, id: String) async throws(AEPStreamingClientError) {
        let token = nextToken
        nextToken += 1
        do {
            try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                    var timeout: Task<Void, Never>?
                    if let maxWait {
                        timeout = Task { [weak self] in
                            try? await Task.sleep(for: maxWait)
                            guard !Task.isCancelled else { return }
                            await self?.spaceWaitTimedOut(token, id: id, maxWait: maxWait)
                        }
                    }
                    spaceWaiters[token] = SpaceWaiter(continuation: continuation, timeout: timeout)
                }
            } onCancel: {
                Task { await self.cancelSpaceWaiter(token) }
            }
        } catch let error as AEPStreamingClientError {
            throw error
        } catch {
            throw AEPStreamingClientError(.outboxFull, "the wait for room in the outbox was cancelled; event \(id) was not accepted")
        }
    }

    func spaceWaitTimedOut(_ token: UInt64, id: String, maxWait: Duration) {
        guard let waiter = spaceWaiters.removeValue(forKey: token) else { return }
        metrics.update { $0.refusedFull += 1 }
        waiter.continuation.resume(throwing: AEPStreamingClientError(
            .outboxFull, "the outbox stayed at its bound for \(maxWait); event \(id) was refused (overflow policy backpressure)"
        ))
    }

    func cancelSpaceWaiter(_ token: UInt64) {
        guard let waiter = spaceWaiters.removeValue(forKey: token) else { return }
        waiter.timeout?.cancel()
        waiter.continuation.resume(throwing: CancellationError())
    }

    /// Wakes every `send` waiting for room; each checks again.
    func wakeSpaceWaiters(throwing error: AEPStreamingClientError? = nil) {
        guard !spaceWaiters.isEmpty else { return }
        let waiters = spaceWaiters
        spaceWaiters = [:]
        for waiter in waiters.values {
            waiter.timeout?.cancel()
            if let error { waiter.continuation.resume(throwing: error) } else { waiter.continuation.resume() }
        }
    }
}

/// The jitter source: seeded (reproducible) or the system generator.
struct RandomSource: RandomNumberGenerator, Sendable {
    private var seeded: SplitMix64?
    private var system = SystemRandomNumberGenerator()

    init(seed: UInt64?) {
        seeded = seed.map(SplitMix64.init(seed:))
    }

    mutating func next() -> UInt64 {
        if var generator = seeded {
            let value = generator.next()
            seeded = generator
            return value
        }
        return system.next()
    }
}
