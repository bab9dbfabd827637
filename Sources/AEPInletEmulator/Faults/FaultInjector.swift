import ChatlioAEPSupport
public import ChatlioJSON

/// The emulator's fault script: one-shot faults for the next requests, rules,
/// per-message failures and a seeded random fault rate.
///
/// Reach it through ``AEPInletEmulator/faults``. For each routed and
/// authorized request the emulator takes, in order: the next queued one-shot
/// fault; else the first matching rule; else, with the random rate, a random
/// choice. Requests refused earlier (unknown inlet, 401/403, malformed HTTP)
/// consume nothing.
///
/// ```swift
/// emulator.faults.failNext(3, status: 503, retryAfter: .seconds(2))
/// emulator.faults.dropNext()
/// emulator.faults.failMessagesInNext(at: [0, 2])
/// emulator.faults.failMessages(where: { $0["body"]?["xdmEntity"]?["_id"] == "poison" })
/// emulator.faults.setRandomFaults(rate: 0.2, seed: 42)
/// ```
public final class FaultInjector: Sendable {
    private struct MessageRule: Sendable {
        var id: FaultRule.ID
        var predicate: @Sendable (JSONValue) -> Bool
        var status: Int
        var message: String
    }

    private struct RandomFaults: Sendable {
        var rate: Double
        var generator: SplitMix64
        var choices: [Fault]
    }

    private struct State: Sendable {
        var queue: [Fault] = []
        var queueStart = 0
        var rules: [(id: FaultRule.ID, rule: FaultRule)] = []
        var messageRules: [MessageRule] = []
        var random: RandomFaults?
        var nextID = 0
        var injected = 0
    }

    private let state = Locked(State())

    init() {}

    // MARK: One-shot faults

    /// Applies `fault` to each of the next `count` requests.
    public func inject(_ fault: Fault, count: Int = 1) {
        guard count > 0 else { return }
        state.withLock { $0.queue.append(contentsOf: repeatElement(fault, count: count)) }
    }

    /// Answers the next `count` requests with `status` (and `Retry-After` when given).
    public func failNext(_ count: Int, status: Int, retryAfter: RetryAfter? = nil) {
        inject(.status(status, retryAfter: retryAfter), count: count)
    }

    /// Closes the next `count` connections without a response; with
    /// `afterAccepting`, the messages are recorded first.
    public func dropNext(_ count: Int = 1, afterAccepting: Bool = false) {
        inject(afterAccepting ? .dropConnectionAfterAccepting : .dropConnection, count: count)
    }

    /// Delays the next `count` responses by `duration`, then answers normally.
    public func delayNext(_ count: Int = 1, by duration: Duration) {
        inject(.delay(duration), count: count)
    }

    /// Fails the messages at `indices` of each of the next `count` requests (207 entries for batches).
    public func failMessagesInNext(_ count: Int = 1, at indices: Set<Int>, status: Int = 400, message: String = Fault.defaultMessageFailureText) {
        inject(.failMessages(at: indices, status: status, message: message), count: count)
    }

    /// One-shot faults not yet used.
    public var pendingCount: Int {
        state.withLock { $0.queue.count - $0.queueStart }
    }

    /// Faults applied so far (one-shot, rule, random and per-message rule hits).
    public var injectedCount: Int {
        state.withLock { $0.injected }
    }

    // MARK: Rules

    /// Adds a rule; rules are tried in the order added, after one-shot faults.
    @discardableResult
    public func add(_ rule: FaultRule) -> FaultRule.ID {
        state.withLock { state in
            let id = FaultRule.ID(rawValue: state.nextID)
            state.nextID += 1
            state.rules.append((id, rule))
            return id
        }
    }

    /// Fails every message for which `predicate` (given the whole message, an
    /// envelope in XDM mode) returns `true`: a 207 entry in batches, a 400 for
    /// a single message. A poison message fails on every retry.
    @discardableResult
    public func failMessages(where predicate: @escaping @Sendable (JSONValue) -> Bool, status: Int = 400, message: String = Fault.defaultMessageFailureText) -> FaultRule.ID {
        state.withLock { state in
            let id = FaultRule.ID(rawValue: state.nextID)
            state.nextID += 1
            state.messageRules.append(MessageRule(id: id, predicate: predicate, status: status, message: message))
            return id
        }
    }

    /// Removes a rule added with ``add(_:)`` or ``failMessages(where:status:message:)``.
    public func remove(_ id: FaultRule.ID) {
        state.withLock { state in
            state.rules.removeAll { $0.id == id }
            state.messageRules.removeAll { $0.id == id }
        }
    }

    // MARK: Random faults

    /// Applies a fault to a `rate` fraction of requests (0…1), picked from
    /// `choices` by a SplitMix64 generator seeded with `seed`: the same seed and
    /// request order give the same faults on every run.
    public func setRandomFaults(rate: Double, seed: UInt64, choices: [Fault] = Fault.defaultRandomChoices) {
        let rate = rate.isFinite ? min(max(rate, 0), 1) : 0
        state.withLock { $0.random = choices.isEmpty || rate == 0 ? nil : RandomFaults(rate: rate, generator: SplitMix64(seed: seed), choices: choices) }
    }

    /// Turns random faults off.
    public func clearRandomFaults() {
        state.withLock { $0.random = nil }
    }

    /// Removes every queued fault, rule and random rate.
    public func reset() {
        state.withLock { state in
            let injected = state.injected
            let nextID = state.nextID
            state = State()
            state.injected = injected
            state.nextID = nextID
        }
    }

    // MARK: Decisions (used by the emulator)

    func decide(for request: FaultRule.Request) -> Fault? {
        state.withLock { state -> Fault? in
            if state.queueStart < state.queue.count {
                let fault = state.queue[state.queueStart]
                state.queueStart += 1
                if state.queueStart == state.queue.count {
                    state.queue.removeAll()
                    state.queueStart = 0
                }
                state.injected += 1
                return fault
            }
            if let index = state.rules.firstIndex(where: { $0.rule.matches(request) }) {
                let fault = state.rules[index].rule.fault
                if let times = state.rules[index].rule.times {
                    state.rules[index].rule.times = times - 1
                    if times - 1 <= 0 { state.rules.remove(at: index) }
                }
                state.injected += 1
                return fault
            }
            if var random = state.random {
                defer { state.random = random }
                if random.generator.nextUnitInterval() < random.rate {
                    let pick = Int(random.generator.next() % UInt64(random.choices.count))
                    state.injected += 1
                    return random.choices[pick]
                }
            }
            return nil
        }
    }

    /// Whether any per-message rule is set: read once per request, so a request without
    /// rules takes no lock per message.
    var hasMessageRules: Bool {
        state.withLock { !$0.messageRules.isEmpty }
    }

    /// The failure a per-message rule assigns to `message`, if any.
    /// The tree is built only when a rule is there to look at it.
    func messageFailure(for message: @autoclosure () -> JSONValue) -> (status: Int, message: String)? {
        let rules = state.withLock { $0.messageRules }
        guard !rules.isEmpty else { return nil }
        let tree = message()
        for rule in rules where rule.predicate(tree) {
            state.withLock { $0.injected += 1 }
            return (rule.status, rule.message)
        }
        return nil
    }
}
