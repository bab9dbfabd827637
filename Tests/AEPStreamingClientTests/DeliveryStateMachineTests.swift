@testable import AEPStreamingClient
import Foundation
import Testing

/// Drives a ``DeliveryStateMachine`` the way ``DeliveryPipeline`` does, with
/// simulated time and an inlet the test plays: requests wait in ``inFlight``
/// until the test answers them; resolutions are made durable at once.
struct MachineDriver {
    typealias Machine = DeliveryStateMachine

    var machine: Machine
    var now: Machine.Now
    var inFlight: [Machine.Request] = []
    var timer: Date?
    var reports: [String: DeliveryReport] = [:]
    /// Seconds since the start at which each event was resolved.
    var resolvedAt: [String: TimeInterval] = [:]
    var logs: [String] = []
    /// Every request with the instant it started (scheduling clock).
    var sent: [(request: Machine.Request, at: Date)] = []

    init(maxMessages: Int = 500, maxAttempts: Int = 10, maxAge: Duration = .seconds(7 * 86_400), maxConcurrentRequests: Int = 1) {
        var limits = OutboxLimits()
        limits.maxAge = maxAge
        let settings = Machine.Settings(
            cutter: BatchCutter(maxMessages: maxMessages, maxRequestBytes: 1_000_000, linger: .milliseconds(100), wrapperBytes: 16),
            envelope: EnvelopeBuilder(format: .raw, flowID: "flow"),
            limits: limits,
            retry: RetryPolicy(maxAttempts: maxAttempts),
            maxConcurrentRequests: maxConcurrentRequests
        )
        machine = Machine(settings: settings, randomSeed: 7)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        now = Machine.Now(scheduling: start, wall: start)
    }

    var start: Date { Date(timeIntervalSince1970: 1_800_000_000) }
    var elapsed: TimeInterval { now.scheduling.timeIntervalSince(start) }

    mutating func run(_ actions: [Machine.Action]) {
        for action in actions {
            switch action {
            case .send(let request):
                inFlight.append(request)
                sent.append((request, now.scheduling))
            case .armTimer(let date):
                timer = date
            case .resolve(let resolutions):
                let (finalized, more) = machine.resolved(resolutions)
                for item in finalized {
                    reports[item.report.eventID] = item.report
                    resolvedAt[item.report.eventID] = elapsed
                }
                run(more)
            case .wakeSpaceWaiters:
                break
            case .log(_, let message):
                logs.append(message)
            }
        }
    }

    mutating func send(_ ids: [String]) {
        for id in ids {
            let (admission, actions) = machine.admit(id: id, payloadBytes: 100, now: now)
            run(actions)
            guard case .store(_, let seq) = admission else {
                Issue.record("\(id) was not admitted: \(admission)")
                continue
            }
            run(machine.admitted(seq: seq, now: now))
        }
    }

    mutating func advance(by seconds: TimeInterval) {
        now.scheduling.addTimeInterval(seconds)
        now.wall.addTimeInterval(seconds)
    }

    /// Answers the oldest request in flight with what `inlet` says of it.
    mutating func answerNext(_ inlet: (Machine.Request, Machine.Now) -> BatchOutcome) {
        guard !inFlight.isEmpty else { return }
        let request = inFlight.removeFirst()
        run(machine.answered(request.number, sent: request.events, outcome: inlet(request, now), now: now))
    }

    /// Answers requests and fires timers until nothing is left to do or `until` is reached.
    mutating func runUntilQuiet(until limit: TimeInterval = 30 * 86_400, _ inlet: (Machine.Request, Machine.Now) -> BatchOutcome) {
        var steps = 0
        while steps < 1_000_000 {
            steps += 1
            if !inFlight.isEmpty {
                answerNext(inlet)
            } else if let due = timer, due.timeIntervalSince(start) <= limit {
                if due > now.scheduling { advance(by: due.timeIntervalSince(now.scheduling)) }
                timer = nil
                run(machine.timerFired(now: now))
            } else {
                return
            }
        }
        Issue.record("the machine did not settle in a million steps")
    }

    static func delivered(_ request: Machine.Request, _: Machine.Now) -> BatchOutcome {
        .perMessage(request.eventIDs.map { .delivered(xactionID: "x-\($0)") }, retryAfter: nil)
    }

    static func failure(_ cause: RequestFailure.Cause, _ status: Int?, retryAfter: Date? = nil) -> BatchOutcome {
        .requestFailed(RequestFailure(cause: cause, status: status, message: "HTTP \(status ?? 0)", retryAfter: retryAfter))
    }
}

@Suite("DeliveryStateMachine (pure, simulated time)")
struct DeliveryStateMachineTests {
    @Test("a three-day outage dead-letters nothing: one probe at a time, at most maxBackoff apart, then everything goes once")
    func threeDayOutage() {
        var driver = MachineDriver(maxAttempts: 1)
        let ids = (0 ..< 1_000).map { "evt-\($0)" }
        driver.send(ids)
        let outageEnd: TimeInterval = 3 * 86_400
        driver.runUntilQuiet(until: outageEnd) { _, _ in MachineDriver.failure(.unavailable, 503) }
        #expect(driver.reports.isEmpty, "nothing resolved during the outage")
        #expect(driver.machine.heldEvents == 1_000)
        let outageRequests = driver.sent
        #expect(outageRequests.count > 3 * 86_400 / 60, "probed all along: \(outageRequests.count) requests")
        #expect(outageRequests.dropFirst().allSatisfy { $0.request.eventIDs.count == 1 && $0.request.kind == .probe })
        let gaps = zip(outageRequests.dropFirst(), outageRequests.dropFirst(2)).map { $1.at.timeIntervalSince($0.at) }
        #expect((gaps.max() ?? 0) <= 60.000_1, "no probe waits longer than retry.maxBackoff")
        #expect(driver.machine.counters.requestFailures == outageRequests.count)

        driver.advance(by: outageEnd - driver.elapsed)
        driver.runUntilQuiet(MachineDriver.delivered)
        #expect(driver.reports.count == 1_000)
        #expect(driver.reports.values.allSatisfy { if case .delivered = $0.outcome { true } else { false } })
        #expect(driver.machine.heldEvents == 0)
        #expect(driver.machine.counters.deadLettered == 0)
        let afterOutage = driver.sent.dropFirst(outageRequests.count).map(\.request.eventIDs.count)
        #expect(afterOutage.first == 1, "a probe first")
        #expect(afterOutage.count <= 4, "then full rate: \(afterOutage)")
    }

    @Test("an outage one hour short of outboxLimits.maxAge (6 days 23 hours) still dead-letters nothing")
    func outageJustUnderMaxAge() {
        var driver = MachineDriver(maxAttempts: 1)
        driver.send((0 ..< 100).map { "evt-\($0)" })
        let outageEnd: TimeInterval = 7 * 86_400 - 3_600
        driver.runUntilQuiet(until: outageEnd) { _, _ in MachineDriver.failure(.unavailable, nil) }
        #expect(driver.reports.isEmpty)
        driver.advance(by: outageEnd - driver.elapsed)
        driver.runUntilQuiet(MachineDriver.delivered)
        #expect(driver.reports.count == 100)
        #expect(driver.machine.counters.deadLettered == 0)
        #expect(driver.machine.counters.delivered == 100)
    }

    @Test("a poison event in a batch of 500 is isolated by halving; the other 499 are delivered, it alone is dead-lettered")
    func poisonInBatch() {
        var driver = MachineDriver(maxAttempts: 3)
        let ids = (0 ..< 500).map { "evt-\($0)" }
        driver.send(ids)
        driver.runUntilQuiet { request, now in
            request.eventIDs.contains("evt-321") ? MachineDriver.failure(.serverError, 500) : MachineDriver.delivered(request, now)
        }
        #expect(driver.reports.count == 500)
        let dead = driver.reports.filter { if case .deadLettered = $0.value.outcome { true } else { false } }
        #expect(Array(dead.keys) == ["evt-321"])
        guard case .deadLettered(500, let message)? = driver.reports["evt-321"]?.outcome else { return }
        #expect(message.contains("3 failed attempts"))
        #expect(driver.machine.counters.isolationSplits >= 8, "halved down to one: \(driver.machine.counters.isolationSplits)")
        #expect(driver.sent.count < 40, "isolation takes a logarithmic number of requests: \(driver.sent.count)")
        #expect(driver.elapsed < 600, "and minutes, not hours: \(driver.elapsed) s")
        #expect(driver.machine.heldEvents == 0)
    }

    @Test("a lone event the inlet refuses with 500 waits as an outage would, and is isolated once other events prove the inlet up")
    func lonePoisonWaitsForProof() {
        var driver = MachineDriver(maxAttempts: 2)
        driver.send(["bad"])
        let inlet: (DeliveryStateMachine.Request, DeliveryStateMachine.Now) -> BatchOutcome = { request, now in
            request.eventIDs.contains("bad") ? MachineDriver.failure(.serverError, 500) : MachineDriver.delivered(request, now)
        }
        driver.runUntilQuiet(until: 3_600, inlet)
        #expect(driver.reports.isEmpty, "no other traffic: the inlet may be down, so nothing is counted")
        driver.send(["good-1", "good-2"])
        driver.runUntilQuiet(inlet)
        #expect(driver.reports.count == 3)
        if case .delivered? = driver.reports["good-1"]?.outcome {} else { Issue.record("good-1 should be delivered") }
        guard case .deadLettered(500, _)? = driver.reports["bad"]?.outcome else {
            Issue.record("bad should be dead-lettered: \(String(describing: driver.reports["bad"]))")
            return
        }
    }

    @Test("a Retry-After storm: no request before each Retry-After, capped at maxRetryAfter; nothing dead-lettered")
    func retryAfterStorm() {
        var driver = MachineDriver(maxAttempts: 1)
        driver.send((0 ..< 50).map { "evt-\($0)" })
        var notBefore: [Date] = []
        var startedAt: [Date] = []
        driver.runUntilQuiet { request, now in
            startedAt.append(now.scheduling)
            guard notBefore.count < 40 else { return MachineDriver.delivered(request, now) }
            // Every other answer asks for an hour: capped at retry.maxRetryAfter (300 s).
            let asked: TimeInterval = notBefore.count.isMultiple(of: 2) ? 3_600 : 90
            notBefore.append(now.scheduling.addingTimeInterval(min(asked, 300)))
            return MachineDriver.failure(.unavailable, 429, retryAfter: now.wall.addingTimeInterval(asked))
        }
        for (index, limit) in notBefore.enumerated() {
            #expect(startedAt[index + 1] >= limit, "request \(index + 1) went before the Retry-After")
            #expect(startedAt[index + 1].timeIntervalSince(limit) < 1, "request \(index + 1) waited past the capped Retry-After")
        }
        #expect(driver.reports.count == 50)
        #expect(driver.machine.counters.deadLettered == 0)
    }

    @Test("stopped with a request unanswered: the in-flight gauge is zero (the events stay in the outbox), and a late answer changes nothing")
    func stopZeroesInFlight() {
        var driver = MachineDriver(maxAttempts: 1)
        driver.send((0 ..< 5).map { "evt-\($0)" })
        driver.run(driver.machine.beginForcing(now: driver.now))
        let unanswered = driver.inFlight
        #expect(!unanswered.isEmpty)
        #expect(driver.machine.gauges(now: driver.now).inFlight == 5)
        #expect(driver.machine.stop() == 5)
        #expect(driver.machine.gauges(now: driver.now).inFlight == 0)
        for request in unanswered {
            _ = driver.machine.answered(request.number, sent: request.events, outcome: MachineDriver.delivered(request, driver.now), now: driver.now)
        }
        #expect(driver.machine.gauges(now: driver.now).inFlight == 0)
    }

    @Test("a shutdown mid-outage: draining sends nothing while paused, and every event stays for the next start")
    func shutdownMidOutage() {
        var driver = MachineDriver(maxAttempts: 1)
        driver.send((0 ..< 20).map { "evt-\($0)" })
        driver.runUntilQuiet(until: 600) { _, _ in MachineDriver.failure(.unavailable, nil) }
        let before = driver.sent.count
        driver.run(driver.machine.drain(now: driver.now))
        driver.run(driver.machine.beginForcing(now: driver.now))
        #expect(driver.sent.count == before || driver.sent.last?.request.kind == .probe, "a drain does not skip the pause")
        let remaining = driver.machine.stop()
        #expect(remaining == 20)
        #expect(driver.reports.isEmpty)

        for request in driver.inFlight {
            #expect(driver.machine.answered(request.number, sent: request.events, outcome: MachineDriver.delivered(request, driver.now), now: driver.now).isEmpty)
        }
        let (admission, _) = driver.machine.admit(id: "late", payloadBytes: 10, now: driver.now)
        guard case .refused(let error) = admission else {
            Issue.record("a stopped machine admits nothing: \(admission)")
            return
        }
        #expect(error.code == .shutDown)
    }

    @Test("an outage longer than outboxLimits.maxAge dead-letters each event at its age, not before, with the reason")
    func outagePastMaxAge() {
        var driver = MachineDriver(maxAttempts: 1, maxAge: .seconds(86_400))
        driver.send(["early"])
        driver.advance(by: 3_600)
        driver.send(["later"])
        driver.runUntilQuiet(until: 3 * 86_400) { _, _ in MachineDriver.failure(.unavailable, 503) }
        #expect(driver.reports.count == 2)
        let early = driver.resolvedAt["early"] ?? 0
        let later = driver.resolvedAt["later"] ?? 0
        #expect(early >= 86_400 && early <= 86_400 + 61, "dead-lettered at its age, at the next probe: \(early)")
        #expect(later >= 90_000 && later <= 90_000 + 61, "\(later)")
        for id in ["early", "later"] {
            guard case .deadLettered(nil, let message)? = driver.reports[id]?.outcome else {
                Issue.record("\(id) should be dead-lettered after maxAge: \(String(describing: driver.reports[id]))")
                continue
            }
            #expect(message.contains("outboxLimits.maxAge"))
        }
    }

    @Test("redirects and credential refusals are configuration errors: events wait, however often, nothing is counted")
    func configurationErrorsWait() {
        var driver = MachineDriver(maxAttempts: 1)
        driver.send(["a", "b", "c"])
        driver.runUntilQuiet(until: 86_400) { _, _ in MachineDriver.failure(.configuration, 308) }
        #expect(driver.reports.isEmpty)
        #expect(driver.machine.counters.requestFailures > 1_000)
        #expect(driver.logs.contains { $0.contains("HTTP 308") })
        driver.runUntilQuiet(MachineDriver.delivered)
        #expect(driver.reports.count == 3)
    }

    @Test("a per-message retry counts against the event alone; a 207's Retry-After pauses everything")
    func ownRetryVerdicts() {
        var driver = MachineDriver(maxAttempts: 2)
        driver.send(["a", "b"])
        driver.runUntilQuiet { request, now in
            .perMessage(request.eventIDs.map { $0 == "a" ? .retry(status: 503, message: "busy") : .delivered(xactionID: nil) }, retryAfter: nil)
        }
        guard case .deadLettered(503, let message)? = driver.reports["a"]?.outcome else {
            Issue.record("a should be dead-lettered: \(String(describing: driver.reports["a"]))")
            return
        }
        #expect(message.contains("2 failed attempts"))
        #expect(driver.reports["a"]?.attempts == 2)
        if case .delivered? = driver.reports["b"]?.outcome {} else { Issue.record("b should be delivered") }
    }
}
