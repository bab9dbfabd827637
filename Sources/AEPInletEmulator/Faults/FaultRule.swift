public import ChatlioJSON

/// A fault that applies to every request matching a condition, until removed
/// or until it has fired `times` times.
///
/// ```swift
/// // Every third batch request fails with 503.
/// emulator.faults.add(FaultRule(.status(503), endpoint: .batch) { $0.number % 3 == 0 })
/// // Requests carrying a given flow id are throttled twice.
/// emulator.faults.add(FaultRule(.status(429, retryAfter: .seconds(1)), times: 2) {
///     $0.headers["x-adobe-flow-id"] == "flow-1"
/// })
/// ```
public struct FaultRule: Sendable {
    /// Names a rule so it can be removed with ``FaultInjector/remove(_:)``.
    public struct ID: Sendable, Hashable {
        let rawValue: Int
    }

    /// What a rule's condition sees of a request.
    public struct Request: Sendable {
        /// Which endpoint was called.
        public let endpoint: InletEndpoint
        /// 1-based number of the request among all requests the emulator received (see ``InletRecord/requests``).
        public let number: Int
        /// The body, when it parses as JSON: parsed on each access, so requests
        /// whose rules never look at it cost no parse.
        public var body: JSONValue? {
            switch storedBody {
            case .tree(let tree): tree
            case .bytes(let bytes): try? JSONValue(parsing: bytes)
            }
        }
        /// Header fields with lower-cased names (first value of each).
        public let headers: [String: String]
        /// Query parameters.
        public let query: [String: String]

        private enum StoredBody: Sendable {
            case tree(JSONValue?)
            case bytes([UInt8])
        }

        private let storedBody: StoredBody

        init(endpoint: InletEndpoint, number: Int, body: JSONValue?, headers: [String: String], query: [String: String]) {
            self.endpoint = endpoint
            self.number = number
            self.storedBody = .tree(body)
            self.headers = headers
            self.query = query
        }

        init(endpoint: InletEndpoint, number: Int, bodyBytes: [UInt8], headers: [String: String], query: [String: String]) {
            self.endpoint = endpoint
            self.number = number
            self.storedBody = .bytes(bodyBytes)
            self.headers = headers
            self.query = query
        }
    }

    /// What happens to a matching request.
    public var fault: Fault
    /// Only requests to this endpoint match; `nil` matches both.
    public var endpoint: InletEndpoint?
    /// How many times the rule fires before it retires itself; `nil`: forever.
    public var times: Int?
    /// An extra condition; `nil` matches every request.
    public var condition: (@Sendable (Request) -> Bool)?

    /// Creates a rule.
    public init(_ fault: Fault, endpoint: InletEndpoint? = nil, times: Int? = nil, when condition: (@Sendable (Request) -> Bool)? = nil) {
        self.fault = fault
        self.endpoint = endpoint
        self.times = times
        self.condition = condition
    }

    func matches(_ request: Request) -> Bool {
        if let endpoint, endpoint != request.endpoint { return false }
        if let times, times <= 0 { return false }
        return condition?(request) ?? true
    }
}
