@testable import AEPStreamingClient
import Foundation
import Testing

@Suite("RetryStateMachine (pure, fake clock and random)")
struct RetryStateMachineTests {
    let start = Date(timeIntervalSince1970: 1_700_000_000)
    let policy = RetryPolicy(
        initialBackoff: .milliseconds(500), maxBackoff: .seconds(8), multiplier: 2, maxAttempts: 5, maxRetryAfter: .seconds(60)
    )

    @Test("backoff ceilings grow exponentially up to the cap")
    func ceilings() {
        let machine = RetryStateMachine(policy: policy)
        let ceilings = (1 ... 7).map { machine.backoffCeiling(afterAttempt: $0) }
        #expect(ceilings == [0.5, 1, 2, 4, 8, 8, 8])
    }

    @Test("full jitter spans zero to the ceiling")
    func jitterBounds() {
        let machine = RetryStateMachine(policy: policy)
        var low = ConstantRandom(value: 0)
        var high = ConstantRandom(value: .max)
        #expect(machine.backoff(afterAttempt: 3, random: &low) == .zero)
        let top = machine.backoff(afterAttempt: 3, random: &high).seconds
        #expect(top > 1.99 && top < 2)
    }

    @Test("a retry is scheduled at now + delay while attempts remain")
    func retryScheduled() {
        let machine = RetryStateMachine(policy: policy)
        let now = start.addingTimeInterval(10)
        #expect(machine.decide(attempts: 1, now: now, delay: .seconds(2)) == .retry(at: now.addingTimeInterval(2)))
        #expect(machine.decide(attempts: 4, now: now, delay: .zero) == .retry(at: now))
    }

    @Test("dead-lettered after maxAttempts")
    func attemptsRunOut() {
        let machine = RetryStateMachine(policy: policy)
        let decision = machine.decide(attempts: 5, now: start, delay: .seconds(1))
        guard case .deadLetter(let reason) = decision else {
            Issue.record("expected a dead letter, got \(decision)")
            return
        }
        #expect(reason.contains("5 failed attempts"))
    }

    @Test("a request failure means: probe before full rate; an answer clears it")
    func probing() {
        var machine = RetryStateMachine(policy: policy)
        var low = ConstantRandom(value: 0)
        #expect(!machine.mustProbe)
        machine.requestFailed(now: start, retryAfter: nil, random: &low)
        #expect(machine.mustProbe)
        machine.requestSucceeded()
        #expect(!machine.mustProbe)
    }

    @Test("request failures pause the pipeline with growing backoff; success clears the streak")
    func failureStreak() {
        var machine = RetryStateMachine(policy: policy)
        var high = ConstantRandom(value: .max)
        let first = machine.requestFailed(now: start, retryAfter: nil, random: &high)
        #expect(abs(first.timeIntervalSince(start) - 0.5) < 0.001)
        let second = machine.requestFailed(now: start, retryAfter: nil, random: &high)
        #expect(abs(second.timeIntervalSince(start) - 1) < 0.001)
        #expect(machine.consecutiveFailures == 2)
        #expect(machine.pause(at: start) == second)
        #expect(machine.pause(at: second) == nil)
        machine.requestSucceeded()
        #expect(machine.consecutiveFailures == 0)
        let again = machine.requestFailed(now: start, retryAfter: nil, random: &high)
        #expect(abs(again.timeIntervalSince(start) - 1) < 0.001, "an existing longer pause is kept")
    }

    @Test("Retry-After wins over a shorter backoff and is capped at maxRetryAfter")
    func retryAfter() {
        var machine = RetryStateMachine(policy: policy)
        var low = ConstantRandom(value: 0)
        let until = machine.requestFailed(now: start, retryAfter: start.addingTimeInterval(30), random: &low)
        #expect(until == start.addingTimeInterval(30))
        var capped = RetryStateMachine(policy: policy)
        let cappedUntil = capped.requestFailed(now: start, retryAfter: start.addingTimeInterval(3600), random: &low)
        #expect(cappedUntil == start.addingTimeInterval(60))
    }

    @Test("a Retry-After on a success still pauses, and never shortens a pause")
    func pauseOnSuccess() {
        var machine = RetryStateMachine(policy: policy)
        machine.pause(until: start.addingTimeInterval(20), now: start)
        machine.pause(until: start.addingTimeInterval(5), now: start)
        #expect(machine.pause(at: start) == start.addingTimeInterval(20))
    }

    @Test("policy values are checked")
    func validation() {
        #expect(RetryPolicy().problem() == nil)
        #expect(RetryPolicy(maxAttempts: 0).problem() != nil)
        #expect(RetryPolicy(initialBackoff: .seconds(2), maxBackoff: .seconds(1)).problem() != nil)
        #expect(RetryPolicy(multiplier: 0.5).problem() != nil)
        #expect(RetryPolicy(maxRetryAfter: .seconds(-1)).problem() != nil)
    }
}
