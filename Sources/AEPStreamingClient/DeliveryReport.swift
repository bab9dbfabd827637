/// The final fate of one event: every event whose `send` returned ends in
/// exactly one report (unless the process stops first; then it stays in the
/// outbox and is reported after a restart).
///
/// ```swift
/// for await report in client.deliveryReports {
///     switch report.outcome {
///     case .delivered(let xactionID): log("\(report.eventID) accepted as \(xactionID ?? "?")")
///     case .deadLettered(let status, let message): alert("\(report.eventID): \(status.map(String.init) ?? "-") \(message)")
///     case .dropped(let reason): count(reason)
///     }
/// }
/// ```
public struct DeliveryReport: Sendable, Hashable {
    /// What happened to the event.
    ///
    /// ```swift
    /// if case .deadLettered(let status, let message) = report.outcome { park(report.eventID, status, message) }
    /// ```
    public enum Outcome: Sendable, Hashable {
        /// AEP accepted it; the transaction id from the response, when it had one.
        case delivered(xactionID: String?)
        /// It will not be sent again by itself: AEP refused it (status and
        /// AEP's message), its own retries ran out (the last status and
        /// message), or it was not delivered within ``OutboxLimits/maxAge``
        /// (`nil` status). It is kept with its payload in the client's
        /// ``DeadLetterStore``, from where it can be redriven.
        case deadLettered(status: Int?, message: String)
        /// The client discarded it by policy before delivery.
        case dropped(DropReason)
    }

    /// The event's `_id`.
    public let eventID: String
    /// What happened.
    public let outcome: Outcome
    /// Requests that carried the event.
    public let attempts: Int

    /// Creates a report.
    public init(eventID: String, outcome: Outcome, attempts: Int) {
        self.eventID = eventID
        self.outcome = outcome
        self.attempts = attempts
    }
}

/// Why an event was dropped by policy.
///
/// ```swift
/// let overflowDrops = client.metrics().dropped[.overflow, default: 0]
/// ```
public struct DropReason: Sendable, Hashable, CustomStringConvertible {
    private let name: String
    private init(_ name: String) { self.name = name }

    /// Made room for a newer event (``OverflowPolicy/dropOldest``).
    public static let overflow = DropReason("overflow")

    public var description: String { name }
}
