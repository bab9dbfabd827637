/// How long a connection may take to deliver a request, counted from fixed
/// starting points: bytes trickled one at a time do not extend it.
///
/// The idle limit bounds silence (between requests, or inside one); the head
/// and request limits run from the start of the request (the accept for a
/// connection's first request, its first byte for later ones) however the
/// bytes arrive, so a slowloris client is closed after `head` at the latest.
struct RequestDeadline: Sendable {
    struct Limits: Sendable, Hashable {
        /// Silence allowed before a request begins and between its bytes.
        var idle: Duration
        /// From the start of a request until its header section is complete.
        var head: Duration
        /// From the start of a request until its body is complete.
        var request: Duration
    }

    /// Which limit ran out.
    enum Expiry: Sendable, Hashable {
        case idle, head, request
    }

    let limits: Limits
    private(set) var requestBegan: ContinuousClock.Instant?
    private(set) var lastActivity: ContinuousClock.Instant

    /// A new connection: its first request is timed from `accepted`.
    init(limits: Limits, accepted: ContinuousClock.Instant) {
        self.limits = limits
        requestBegan = accepted
        lastActivity = accepted
    }

    /// Bytes arrived at `now`.
    mutating func received(at now: ContinuousClock.Instant) {
        if requestBegan == nil { requestBegan = now }
        lastActivity = now
    }

    /// A response went out at `now`; the next request is timed from its first
    /// byte, or from `now` when part of it is already buffered (pipelining).
    mutating func responded(at now: ContinuousClock.Instant, nextRequestBuffered: Bool) {
        requestBegan = nextRequestBuffered ? now : nil
        lastActivity = now
    }

    /// The earliest limit still running, while the head (`readingHead`) or the body is awaited.
    func next(readingHead: Bool) -> (at: ContinuousClock.Instant, expiry: Expiry) {
        var earliest = (at: lastActivity.advanced(by: limits.idle), expiry: Expiry.idle)
        if let requestBegan {
            let whole = requestBegan.advanced(by: limits.request)
            if whole < earliest.at { earliest = (whole, .request) }
            if readingHead {
                let head = requestBegan.advanced(by: limits.head)
                if head < earliest.at { earliest = (head, .head) }
            }
        }
        return earliest
    }
}
