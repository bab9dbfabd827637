import Foundation

/// The I/O around ``DeliveryStateMachine``: it feeds the machine every input
/// (a `send`, an answer, a timer, a finished removal) with the time it
/// happened, and carries out the actions the machine returns — requests
/// through the ``HTTPTransport``, dead letters into the ``DeadLetterStore``,
/// removals from the ``Outbox``, timers, waiting senders. Every decision is
/// the machine's; payload bytes stay in the outbox and are read only to build
/// a request or a dead letter.
actor DeliveryPipeline {
    /// Settings fixed at start-up.
    struct Settings: Sendable {
        var singleURL: URL
        var batchURL: URL
        var batchMode: Bool
        var headers: [(name: String, value: String)]
        var requestTimeout: Duration
        var log: @Sendable (ChatlioLogRecord) -> Void
        var now: @Sendable () -> Date
    }

    let settings: Settings
    let outbox: any Outbox
    let deadLetters: any DeadLetterStore
    let transport: any HTTPTransport
    let tokens: TokenProvider
    let envelope: EnvelopeBuilder
    let metrics: MetricsRecorder
    let reports: DeliveryReportChannel

    var machine: DeliveryStateMachine
    var syncValidation: Bool

    // Waiters and tasks, each keyed by its own counter.
    var admissionWaiters: [String: [CheckedContinuation<Void, any Error>]] = [:]
    var spaceWaiters: [UInt64: SpaceWaiter] = [:]
    var nextSpaceWaiter: UInt64 = 0
    var flushWaiters: [UInt64: FlushWaiter] = [:]
    var nextFlushWaiter: UInt64 = 0
    var tasks: [UInt64: Task<Void, Never>] = [:]
    var nextTask: UInt64 = 0
    var timerTask: Task<Void, Never>?
    var timerGeneration: UInt64 = 0

    /// Scheduling time (linger, backoff, pauses) is monotonic: a `Date` that
    /// starts at the wall clock and then advances with `ContinuousClock`, so a
    /// wall-clock jump never stalls or rushes delivery. Ages (persisted in the
    /// outbox) use the wall clock, ``Settings/now``.
    let monotonicOrigin = MonotonicTime.seconds()
    let monotonicBase = Date()

    init(
        settings: Settings, machine: DeliveryStateMachine, outbox: any Outbox, deadLetters: any DeadLetterStore, transport: any HTTPTransport,
        tokens: TokenProvider, envelope: EnvelopeBuilder, syncValidation: Bool, metrics: MetricsRecorder,
        reports: DeliveryReportChannel
    ) {
        self.settings = settings
        self.machine = machine
        self.outbox = outbox
        self.deadLetters = deadLetters
        self.transport = transport
        self.tokens = tokens
        self.envelope = envelope
        self.syncValidation = syncValidation
        self.metrics = metrics
        self.reports = reports
    }

    /// The instant now, on both clocks.
    func now() -> DeliveryStateMachine.Now {
        DeliveryStateMachine.Now(
            scheduling: monotonicBase.addingTimeInterval(MonotonicTime.seconds() - monotonicOrigin), wall: settings.now()
        )
    }

    func log(_ level: ChatlioLogRecord.Level, _ message: @autoclosure () -> String) {
        settings.log(ChatlioLogRecord(level: level, message: message()))
    }

    /// Takes in what the outbox held at start-up and starts delivering it.
    func start(recovered: [OutboxEntry]) {
        metrics.update { $0.recovered = recovered.count }
        perform(machine.start(recovered: recovered, now: now()))
    }

    // MARK: - Carrying out actions

    func perform(_ actions: [DeliveryStateMachine.Action], publishing: Bool = true) {
        for action in actions {
            switch action {
            case .send(let request):
                spawn { await $0.deliver(request) }
            case .armTimer(let date):
                armTimer(at: date)
            case .resolve(let resolutions):
                spawn { await $0.resolve(resolutions) }
            case .wakeSpaceWaiters:
                wakeSpaceWaiters()
            case .log(let level, let message):
                log(level, message)
            }
        }
        if publishing || !actions.isEmpty { publishMetrics() }
    }

    /// Runs `body` in a task that shutdown can cancel.
    private func spawn(_ body: @escaping @Sendable (isolated DeliveryPipeline) async -> Void) {
        let key = nextTask
        nextTask += 1
        tasks[key] = Task {
            await body(self)
            self.tasks[key] = nil
        }
    }

    private func armTimer(at date: Date) {
        timerTask?.cancel()
        timerGeneration += 1
        let generation = timerGeneration
        let delay = max(0, date.timeIntervalSince(now().scheduling))
        timerTask = Task { [weak self] in
            try? await Task.sleep(for: .seconds(delay))
            guard !Task.isCancelled else { return }
            await self?.timerFired(generation)
        }
    }

    private func timerFired(_ generation: UInt64) {
        guard generation == timerGeneration else { return }
        timerTask = nil
        perform(machine.timerFired(now: now()))
    }

    func publishMetrics() {
        // The instant first: with `now()` as the argument, the machine (every table of it) is copied for the call.
        let instant = now()
        let gauges = machine.gauges(now: instant)
        let counters = machine.counters
        metrics.update {
            $0.queued = gauges.queued
            $0.queuedBytes = gauges.queuedBytes
            $0.inFlight = gauges.inFlight
            $0.pausedUntil = gauges.pausedUntil
            $0.accepted = counters.accepted
            $0.coalesced = counters.coalesced
            $0.retried = counters.retried
            $0.refusedFull = counters.refusedFull
            $0.delivered = counters.delivered
            $0.deadLettered = counters.deadLettered
            $0.dropped = counters.dropped
            $0.requestFailures = counters.requestFailures
            $0.probes = counters.probes
            $0.isolationSplits = counters.isolationSplits
            $0.deadLettersNotKept = counters.parked
        }
    }

    // MARK: - Admission

    /// Reserves room for an event and returns the enqueue time its outbox
    /// record carries and its sequence number (for ``admitted(id:seq:)``);
    /// `nil` when an event with this id is already held (the send is
    /// coalesced; it returns once that one is stored).
    func admit(id: String, payloadBytes: Int) async throws(AEPStreamingClientError) -> (enqueuedAt: Date, seq: UInt64)? {
        while true {
            let (admission, actions) = machine.admit(id: id, payloadBytes: payloadBytes, now: now())
            // A stored admission publishes with `admitted` or `admissionFailed`, which always follow.
            if case .store = admission { perform(actions, publishing: false) } else { perform(actions) }
            switch admission {
            case .store(let enqueuedAt, let seq):
                return (enqueuedAt, seq)
            case .coalesced(let waitForStore):
                if waitForStore { try await waitForFirstCopy(id) }
                return nil
            case .refused(let error):
                throw error
            case .waitForRoom(let maxWait):
                try await waitForSpace(maxWait: maxWait, id: id)
            }
        }
    }

    private func waitForFirstCopy(_ id: String) async throws(AEPStreamingClientError) {
        do {
            try await withCheckedThrowingContinuation { admissionWaiters[id, default: []].append($0) }
        } catch let error as AEPStreamingClientError {
            throw error
        } catch {
            throw AEPStreamingClientError(.outboxIO, "the first send of event \(id) failed: \(error)")
        }
    }

    /// The outbox append succeeded: the event is durable and can be scheduled.
    func admitted(id: String, seq: UInt64) {
        // Metrics first, as for resolutions: a coalesced `send` woken here may read them at once.
        perform(machine.admitted(seq: seq, now: now()))
        // Usually nobody waits: no hashing of the id then.
        if !admissionWaiters.isEmpty {
            for waiter in admissionWaiters.removeValue(forKey: id) ?? [] { waiter.resume() }
        }
    }

    /// The outbox append failed: release the room.
    func admissionFailed(id: String, seq: UInt64, error: AEPStreamingClientError) {
        let (seq, actions) = machine.admissionFailed(seq: seq)
        perform(actions)
        if let seq { settleFlushWaiters(seq: seq) }
        for waiter in admissionWaiters.removeValue(forKey: id) ?? [] { waiter.resume(throwing: error) }
    }

    /// Waits until room may have been freed (or `maxWait` runs out).
    func waitForSpace(maxWait: Duration?, id: String) async throws(AEPStreamingClientError) {
        let key = nextSpaceWaiter
        nextSpaceWaiter += 1
        do {
            try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                    var timeout: Task<Void, Never>?
                    if let maxWait {
                        timeout = Task { [weak self] in
                            try? await Task.sleep(for: maxWait)
                            guard !Task.isCancelled else { return }
                            await self?.spaceWaitTimedOut(key, id: id, maxWait: maxWait)
                        }
                    }
                    spaceWaiters[key] = SpaceWaiter(continuation: continuation, timeout: timeout)
                }
            } onCancel: {
                Task { await self.cancelSpaceWaiter(key) }
            }
        } catch let error as AEPStreamingClientError {
            throw error
        } catch {
            throw AEPStreamingClientError(.outboxFull, "the wait for room in the outbox was cancelled; event \(id) was not accepted")
        }
    }

    private func spaceWaitTimedOut(_ key: UInt64, id: String, maxWait: Duration) {
        guard let waiter = spaceWaiters.removeValue(forKey: key) else { return }
        machine.roomWaitTimedOut()
        publishMetrics()
        waiter.continuation.resume(throwing: AEPStreamingClientError(
            .outboxFull, "the outbox stayed at its bound for \(maxWait); event \(id) was refused (overflow policy backpressure)"
        ))
    }

    private func cancelSpaceWaiter(_ key: UInt64) {
        guard let waiter = spaceWaiters.removeValue(forKey: key) else { return }
        waiter.timeout?.cancel()
        waiter.continuation.resume(throwing: CancellationError())
    }

    /// Wakes every `send` waiting for room; each asks the machine again.
    func wakeSpaceWaiters(throwing error: AEPStreamingClientError? = nil) {
        guard !spaceWaiters.isEmpty else { return }
        let waiters = spaceWaiters
        spaceWaiters = [:]
        for waiter in waiters.values {
            waiter.timeout?.cancel()
            if let error { waiter.continuation.resume(throwing: error) } else { waiter.continuation.resume() }
        }
    }

    /// A `flush` or `shutdown` waiting for the events that existed when it was called.
    struct FlushWaiter: Sendable {
        var upTo: UInt64
        var remaining: Int
        var continuation: CheckedContinuation<Bool, Never>
    }

    /// A `send` waiting for room in the outbox.
    struct SpaceWaiter: Sendable {
        var continuation: CheckedContinuation<Void, any Error>
        var timeout: Task<Void, Never>?
    }
}
