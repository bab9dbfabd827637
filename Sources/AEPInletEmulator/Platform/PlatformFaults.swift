import ChatlioAEPSupport

/// The platform emulator's fault script: the inlet emulator's ``Fault`` values
/// (status with `Retry-After`, dropped connections, delays), aimed at an
/// endpoint and a method, for the next requests or for the Nth one.
///
/// Reach it through ``AEPPlatformEmulator/faults``. Only requests that passed
/// routing and the header checks count and consume faults; one-shot faults
/// are tried before numbered ones.
///
/// ```swift
/// platform.faults.failNext(1, status: 429, retryAfter: .seconds(1))            // any endpoint
/// platform.faults.failNext(2, status: 500, endpoint: .schemas, method: "POST")
/// platform.faults.failRequest(number: 1, of: .flows, method: "POST", status: 500) // resume tests
/// platform.faults.dropNext(endpoint: .dataSets)
/// ```
public final class PlatformFaults: Sendable {
    /// What a fault's condition sees of a request.
    struct Request: Sendable {
        var endpoint: PlatformEndpoint
        var method: String
        /// 1-based count of admitted requests with this endpoint and method.
        var numberForEndpoint: Int
    }

    private struct Aimed: Sendable {
        var fault: Fault
        var endpoint: PlatformEndpoint?
        var method: String?
        /// Fires only on this request number of its endpoint and method.
        var number: Int?

        func matches(_ request: Request) -> Bool {
            if let endpoint, endpoint != request.endpoint { return false }
            if let method, method.uppercased() != request.method { return false }
            if let number, number != request.numberForEndpoint { return false }
            return true
        }
    }

    private struct State: Sendable {
        var oneShots: [Aimed] = []
        var numbered: [Aimed] = []
        var injected = 0
    }

    private let state = Locked(State())

    init() {}

    /// Applies `fault` to each of the next `count` requests matching `endpoint` and `method` (`nil`: any).
    public func inject(_ fault: Fault, count: Int = 1, endpoint: PlatformEndpoint? = nil, method: String? = nil) {
        guard count > 0 else { return }
        state.withLock { $0.oneShots.append(contentsOf: repeatElement(Aimed(fault: fault, endpoint: endpoint, method: method), count: count)) }
    }

    /// Answers the next `count` matching requests with `status` and an Adobe problem body
    /// (and `Retry-After` when given), changing nothing.
    public func failNext(_ count: Int = 1, status: Int, retryAfter: RetryAfter? = nil, endpoint: PlatformEndpoint? = nil, method: String? = nil) {
        inject(.status(status, retryAfter: retryAfter), count: count, endpoint: endpoint, method: method)
    }

    /// Closes the next `count` matching connections without a response, changing nothing.
    public func dropNext(_ count: Int = 1, endpoint: PlatformEndpoint? = nil, method: String? = nil) {
        inject(.dropConnection, count: count, endpoint: endpoint, method: method)
    }

    /// Fails the `number`th (1-based) request to `endpoint` with `method`
    /// (`nil`: any method), counted from the emulator's start: the way to break
    /// a provisioning run half-way and test that a re-run resumes.
    public func failRequest(number: Int, of endpoint: PlatformEndpoint, method: String? = nil, status: Int = 500, retryAfter: RetryAfter? = nil) {
        guard number > 0 else { return }
        state.withLock {
            $0.numbered.append(Aimed(fault: .status(status, retryAfter: retryAfter), endpoint: endpoint, method: method, number: number))
        }
    }

    /// Faults queued or numbered and not yet used.
    public var pendingCount: Int {
        state.withLock { $0.oneShots.count + $0.numbered.count }
    }

    /// Faults applied so far.
    public var injectedCount: Int {
        state.withLock { $0.injected }
    }

    /// Removes every queued and numbered fault.
    public func reset() {
        state.withLock {
            $0.oneShots = []
            $0.numbered = []
        }
    }

    /// The fault for an admitted request, consuming it.
    func decide(for request: Request) -> Fault? {
        state.withLock { state -> Fault? in
            if let index = state.oneShots.firstIndex(where: { $0.matches(request) }) {
                state.injected += 1
                return state.oneShots.remove(at: index).fault
            }
            if let index = state.numbered.firstIndex(where: { $0.matches(request) }) {
                state.injected += 1
                return state.numbered.remove(at: index).fault
            }
            return nil
        }
    }
}
