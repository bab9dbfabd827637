/// Why a webhook could not become an XDM event.
///
/// ```swift
/// do {
///     _ = try mapper.map(webhook, receivedAt: Date())
/// } catch let error as XDMMapperError where error.code == .eventTooLarge {
///     quarantine(webhook, reason: error.description)
/// }
/// ```
public struct XDMMapperError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The class of problem. New codes may be added.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case invalidConfiguration = "invalid configuration"
            case eventTooLarge = "event too large"
            case reservedKey = "reserved key"
            case notAnObject = "not an object"
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The configuration cannot produce valid events (a bad tenant id or namespace).
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// Even after every documented trim the event exceeds the size budget.
        public static let eventTooLarge = Code(.eventTooLarge)
        /// A raw body already carries the member the relay adds (``XDMMapper/rawEnrichmentKey``).
        public static let reservedKey = Code(.reservedKey)
        /// A raw body is not a JSON object.
        public static let notAnObject = Code(.notAnObject)

        public var description: String { base.rawValue }
    }

    /// The class of problem.
    public let code: Code
    /// What exactly was wrong.
    public let reason: String

    init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { "\(code): \(reason)" }
}
