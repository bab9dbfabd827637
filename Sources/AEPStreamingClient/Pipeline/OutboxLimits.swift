/// The bounds of the outbox, and what happens when a `send` would cross one.
///
/// The client enforces these over any ``Outbox``: the number of events and
/// their payload bytes held (delivered events free their space), and the age
/// of an event that has not yet been delivered: an event waits through any
/// outage up to ``maxAge``, then it is dead-lettered (kept with its payload in
/// the ``DeadLetterStore``, never dropped). Every drop is counted in
/// ``AEPStreamingClient/Metrics`` and reported on ``AEPStreamingClient/deliveryReports``.
///
/// ```swift
/// var limits = OutboxLimits()
/// limits.maxEvents = 50_000
/// limits.maxBytes = 128 << 20
/// limits.overflow = .backpressure(maxWait: .seconds(5))
/// ```
public struct OutboxLimits: Sendable, Hashable {
    /// Events held at most (default 100,000).
    public var maxEvents: Int
    /// Payload bytes held at most (default 256 MiB).
    public var maxBytes: Int
    /// Events not delivered within this time after `send` are dead-lettered (default 7 days).
    public var maxAge: Duration
    /// What `send` does when a bound is reached (default: wait).
    public var overflow: OverflowPolicy

    /// Creates limits; see the properties for the defaults.
    public init(maxEvents: Int = 100_000, maxBytes: Int = 256 << 20, maxAge: Duration = .seconds(7 * 86_400), overflow: OverflowPolicy = .backpressure()) {
        self.maxEvents = maxEvents
        self.maxBytes = maxBytes
        self.maxAge = maxAge
        self.overflow = overflow
    }

    func problem() -> String? {
        if maxEvents < 1 { return "outboxLimits.maxEvents must be at least 1" }
        if maxBytes < 1 { return "outboxLimits.maxBytes must be at least 1" }
        if maxAge <= .zero { return "outboxLimits.maxAge must be positive" }
        return nil
    }
}

/// What `send` does when the outbox is full.
///
/// ```swift
/// limits.overflow = .backpressure(maxWait: .seconds(2))  // wait for space, then throw .outboxFull
/// limits.overflow = .failFast                             // throw .outboxFull at once
/// limits.overflow = .dropOldest                           // make room; the dropped event is reported
/// ```
public struct OverflowPolicy: Sendable, Hashable, CustomStringConvertible {
    enum Kind: Sendable, Hashable {
        case backpressure(maxWait: Duration?)
        case failFast
        case dropOldest
    }

    let kind: Kind

    /// `send` waits until deliveries free space; with `maxWait`, it throws
    /// ``AEPStreamingClientError/Code/outboxFull`` after waiting that long.
    public static func backpressure(maxWait: Duration? = nil) -> OverflowPolicy {
        OverflowPolicy(kind: .backpressure(maxWait: maxWait))
    }

    /// `send` throws ``AEPStreamingClientError/Code/outboxFull`` at once.
    public static let failFast = OverflowPolicy(kind: .failFast)

    /// The oldest events not in flight are dropped (``DropReason/overflow``) to make room.
    public static let dropOldest = OverflowPolicy(kind: .dropOldest)

    public var description: String {
        switch kind {
        case .backpressure(let maxWait): maxWait.map { "backpressure(maxWait: \($0))" } ?? "backpressure"
        case .failFast: "failFast"
        case .dropOldest: "dropOldest"
        }
    }
}
