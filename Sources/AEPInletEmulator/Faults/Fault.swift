/// One scripted misbehaviour of the emulated inlet.
///
/// A fault is what the emulator does *instead of* (or, for delays, *before*)
/// answering normally. Queue faults with ``FaultInjector`` or attach them to
/// a ``FaultRule``.
///
/// ```swift
/// emulator.faults.inject(.status(503, retryAfter: .seconds(2)))
/// emulator.faults.inject(.dropConnection)                         // close, no response
/// emulator.faults.inject(.dropConnectionAfterAccepting)           // stored, then the response is lost
/// emulator.faults.inject(.delay(.milliseconds(300)))              // slow, then normal
/// emulator.faults.inject(.failMessages(at: [1, 3]))               // 207 with two failed entries
/// emulator.faults.inject(.status(503).delayed(by: .seconds(1)))   // slow and failing
/// ```
public struct Fault: Sendable, Hashable, CustomStringConvertible {
    enum Action: Sendable, Hashable {
        case none
        case respond(status: Int, retryAfter: RetryAfter?, emptyBody: Bool)
        case drop(afterAccepting: Bool)
        /// `nil` indices: every message.
        case failMessages(indices: Set<Int>?, status: Int, message: String)
    }

    let action: Action
    /// Waited before the action (or before normal handling).
    public let delay: Duration?

    init(_ action: Action, delay: Duration? = nil) {
        self.action = action
        self.delay = delay
    }

    /// The message used for injected per-message failures unless one is given.
    public static let defaultMessageFailureText = "Message failed (injected by AEPInletEmulator)"

    /// Answers with `status` and an AEP problem body (or no body), accepting nothing.
    /// 403 with `emptyBody` is what an IP allowlist block looks like.
    public static func status(_ status: Int, retryAfter: RetryAfter? = nil, emptyBody: Bool = false) -> Fault {
        Fault(.respond(status: status, retryAfter: retryAfter, emptyBody: emptyBody))
    }

    /// Reads the request, then closes the connection without a response; nothing is accepted.
    public static let dropConnection = Fault(.drop(afterAccepting: false))

    /// Accepts and records the messages, then closes the connection without a
    /// response: the client cannot know they arrived, so a retry makes duplicates.
    public static let dropConnectionAfterAccepting = Fault(.drop(afterAccepting: true))

    /// Waits, then handles the request normally. Interrupted by ``AEPInletEmulator/stop()``.
    public static func delay(_ duration: Duration) -> Fault {
        Fault(.none, delay: duration)
    }

    /// Fails the messages at these zero-based positions of a batch inside a
    /// 207; the others are accepted. On the single-message endpoint, index 0
    /// fails the request with a 400 problem body.
    public static func failMessages(at indices: Set<Int>, status: Int = 400, message: String = defaultMessageFailureText) -> Fault {
        Fault(.failMessages(indices: indices, status: status, message: message))
    }

    /// Fails every message of the request (207 with all entries failed, or 400 for one message).
    public static func failAllMessages(status: Int = 400, message: String = defaultMessageFailureText) -> Fault {
        Fault(.failMessages(indices: nil, status: status, message: message))
    }

    /// The same fault after waiting `duration` first.
    public func delayed(by duration: Duration) -> Fault {
        Fault(action, delay: duration)
    }

    /// What ``FaultInjector/setRandomFaults(rate:seed:choices:)`` picks from by default:
    /// 503 with `Retry-After: 1`, 429 with `Retry-After: 1`, 500, and a dropped connection.
    public static let defaultRandomChoices: [Fault] = [
        .status(503, retryAfter: .seconds(1)), .status(429, retryAfter: .seconds(1)), .status(500), .dropConnection,
    ]

    public var description: String {
        let base: String
        switch action {
        case .none: base = "none"
        case .respond(let status, let retryAfter, let emptyBody):
            base = "status \(status)" + (retryAfter.map { " (\($0))" } ?? "") + (emptyBody ? " without body" : "")
        case .drop(let afterAccepting): base = afterAccepting ? "drop connection after accepting" : "drop connection"
        case .failMessages(let indices, let status, _):
            base = "fail messages \(indices.map { $0.sorted().description } ?? "all") with \(status)"
        }
        if let delay { return "\(base) after \(delay)" }
        return base
    }
}
