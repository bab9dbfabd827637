import ChatlioAEPSupport
import Foundation

/// Every decision of the delivery pipeline as one value type: where each
/// event waits, which request goes next, what an answer does to each event,
/// when the inlet counts as down and how it is probed, and when to look
/// again. Each input is one `mutating` method that returns the ``Action``s
/// for ``DeliveryPipeline`` — the actor that owns the outbox, the dead-letter
/// store, the transport and the tasks — to carry out.
///
/// There is no I/O and no clock here: every input carries the ``Now`` it
/// happens at and the jitter comes from a seedable generator, so a test
/// drives a three-day outage or a `Retry-After` storm in milliseconds (the
/// shape of async-http-client's connection-pool state machines).
///
/// The rules (aep-streaming.md §3; ``RetryPolicy`` has the user-facing version):
/// - A request the inlet does not take (``RequestFailure``) is the inlet's
///   trouble: its events go back to wait with no attempt counted, requests
///   pause with capped, jittered backoff (`Retry-After` honoured), and then one
///   probe — a request with one event — goes alone until the inlet answers.
/// - A batch that fails with a server error again after the inlet answered
///   other requests is halved (``isolationQueue``) until the event at fault is
///   alone; only then, or for its own retryable verdict inside a 207, does an
///   event's failure count against ``RetryPolicy/maxAttempts``.
/// - An event not delivered within ``OutboxLimits/maxAge`` is dead-lettered,
///   never silently dropped.
struct DeliveryStateMachine: Sendable {
    /// Settings fixed at start-up.
    struct Settings: Sendable {
        var cutter: BatchCutter
        var envelope: EnvelopeBuilder
        var limits: OutboxLimits
        var retry: RetryPolicy
        var maxConcurrentRequests: Int
    }

    /// The instant an input happens, on both clocks.
    struct Now: Sendable, Hashable {
        /// Monotonic, on a `Date` scale: linger, backoff, pauses, timers.
        var scheduling: Date
        /// The wall clock: ages (``Entry/enqueuedAt`` is persisted) and `Retry-After` dates.
        var wall: Date

        /// A `Retry-After` date (wall clock) on the scheduling scale.
        func scheduling(fromWall date: Date) -> Date {
            scheduling.addingTimeInterval(date.timeIntervalSince(wall))
        }
    }

    /// One request to start.
    struct Request: Sendable, Hashable {
        enum Kind: Sendable, Hashable {
            /// A batch cut by ``BatchCutter`` from the waiting events.
            case batch
            /// The single event sent after an outage before full rate resumes.
            case probe
            /// A group halved out of a failing batch, sent as it is.
            case isolation
        }

        var number: UInt64
        var events: [EventRef]
        var kind: Kind

        /// The events' ids, in request order (what the outbox and the inlet know them by).
        var eventIDs: [String] { events.map(\.id) }
    }

    /// One held event as requests and resolutions name it: the machine looks
    /// it up by ``seq`` (an index, no hashing), the outbox by ``id``.
    struct EventRef: Sendable, Hashable {
        var seq: UInt64
        var id: String
    }

    /// An event's final fate, for the actor to make durable (dead letter
    /// stored, outbox record removed) before it calls ``resolved(_:)``.
    struct Resolution: Sendable, Hashable {
        var seq: UInt64
        var id: String
        var outcome: DeliveryReport.Outcome
        /// Requests that carried the event.
        var sends: Int
        var enqueuedAt: Date
        var firstSentAt: Date?
    }

    /// An event gone for good, for the report and the flush waiters.
    struct Finalized: Sendable, Hashable {
        var report: DeliveryReport
        var seq: UInt64
    }

    enum Action: Sendable, Hashable {
        /// Read these events' payloads, send them, and call ``answered(_:sent:outcome:now:)``.
        case send(Request)
        /// Call ``timerFired(now:)`` at this scheduling instant (it replaces any earlier timer).
        case armTimer(at: Date)
        /// Keep the dead letters, remove the records from the outbox, then call ``resolved(_:)``.
        case resolve([Resolution])
        /// Room was freed: every `send` waiting for it looks again.
        case wakeSpaceWaiters
        case log(ChatlioLogRecord.Level, String)
    }

    enum RunState: Sendable, Hashable {
        case running, draining, stopped
    }

    /// Counters the actor publishes in ``AEPStreamingClient/Metrics``.
    struct Counters: Sendable, Hashable {
        var accepted = 0
        var coalesced = 0
        var retried = 0
        var refusedFull = 0
        var delivered = 0
        var deadLettered = 0
        var dropped: [DropReason: Int] = [:]
        var requestFailures = 0
        var probes = 0
        var isolationSplits = 0
        var parked = 0
    }

    let settings: Settings
    var retry: RetryStateMachine
    var random: RandomSource
    var runState = RunState.running
    var counters = Counters()

    /// The held events by sequence number, and the sequence number of each held id (for coalescing).
    var entries = EntryTable()
    var heldIDs: [String: UInt64] = [:]
    var freshQueue = SlotQueue()
    var retryQueue = SlotQueue()
    /// Groups halved out of failing batches, sent first and as they are.
    var isolationQueue: [[Slot]] = []
    var delayed: [DelayedSlot] = []
    var inFlight: [UInt64: Request] = [:]
    var nextRequest: UInt64 = 0
    var nextSeq: UInt64 = 0
    var heldCount = 0
    var heldBytes = 0
    var inFlightEvents = 0
    /// `flush` and `shutdown` calls that want the linger skipped.
    var forceCount = 0
    /// The armed timer, if any.
    var timerAt: Date?
    /// Answers that carried a verdict per message so far: the inlet's proof of life.
    var answeredRequests: UInt64 = 0
    /// The event the last failed probe carried: the next probe takes another, so
    /// one event the inlet cannot take does not hold every other back.
    var lastFailedProbe: UInt64?
    /// Messages and bytes that arrived since ``schedule(now:)`` last looked: a
    /// new event only triggers a scan when it could fill a request, or when no
    /// timer will look anyway.
    var unscannedCount = 0
    var unscannedBytes = 0
    /// Dead letters the store could not keep yet (``Phase/parked``).
    var parkedResolutions: [UInt64: Resolution] = [:]

    init(settings: Settings, randomSeed: UInt64?) {
        self.settings = settings
        self.retry = RetryStateMachine(policy: settings.retry)
        self.random = RandomSource(seed: randomSeed)
    }

    /// Events held and not yet resolved, admissions in progress included.
    var heldEvents: Int { entries.count }
    /// The sequence number of the newest event so far (flushes wait up to it).
    var newestSeq: UInt64 { nextSeq == 0 ? 0 : nextSeq - 1 }

    /// What the metrics show now.
    func gauges(now: Now) -> (queued: Int, queuedBytes: Int, inFlight: Int, pausedUntil: Date?) {
        let paused = retry.pause(at: now.scheduling).map { now.wall.addingTimeInterval($0.timeIntervalSince(now.scheduling)) }
        return (heldCount, heldBytes, inFlightEvents, paused)
    }

    /// Takes in what the outbox held at start-up.
    mutating func start(recovered: [OutboxEntry], now: Now) -> [Action] {
        for stored in recovered where heldIDs[stored.id] == nil {
            let seq = nextSeq
            entries[seq] = Entry(
                id: stored.id, seq: seq, payloadBytes: stored.payloadBytes, enqueuedAt: stored.enqueuedAt, readySince: now.scheduling, phase: .queued
            )
            heldIDs[stored.id] = seq
            nextSeq += 1
            freshQueue.append(Slot(seq: seq, generation: 0))
            heldCount += 1
            heldBytes += stored.payloadBytes
        }
        var actions: [Action] = []
        if !recovered.isEmpty { actions.append(.log(.info, "resuming delivery of \(recovered.count) events left in the outbox")) }
        return actions + schedule(now: now)
    }

    // MARK: - Run state

    /// Stops accepting events; what is held still goes, without the linger.
    mutating func drain(now: Now) -> [Action] {
        guard runState == .running else { return [] }
        runState = .draining
        return [.log(.info, "shutting down: draining \(entries.count) events")] + schedule(now: now)
    }

    /// Stops everything; returns the events that stay in the outbox.
    mutating func stop() -> Int {
        runState = .stopped
        timerAt = nil
        // Their answers are no longer awaited: the events stay in the outbox for the next start.
        inFlight = [:]
        inFlightEvents = 0
        return entries.values.filter { $0.phase != .admitting }.count
    }

    /// A `flush` begins: the linger is skipped until ``endForcing(now:)``.
    mutating func beginForcing(now: Now) -> [Action] {
        forceCount += 1
        return schedule(now: now)
    }

    mutating func endForcing() {
        forceCount = max(0, forceCount - 1)
    }

    /// The armed timer fired.
    mutating func timerFired(now: Now) -> [Action] {
        timerAt = nil
        return schedule(now: now)
    }

    /// Asks for a timer at `date` unless one is armed as early.
    mutating func armTimer(at date: Date, into actions: inout [Action]) {
        if let timerAt, timerAt <= date { return }
        timerAt = date
        actions.append(.armTimer(at: date))
    }

    /// The backoff fraction for the next jittered wait.
    mutating func jitter() -> Double {
        random.nextUnitInterval()
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
