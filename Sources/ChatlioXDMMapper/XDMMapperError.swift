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
            case invalidValue = "invalid event"
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
        /// A value the event would carry breaks a rule of the schema (a
        /// format, pattern, enum, length or bound); ``XDMMapperError/pointer``
        /// names the field. Described as "invalid event", the code the relay
        /// answered with when its validator refused a mapped event.
        public static let invalidValue = Code(.invalidValue)

        public var description: String { base.rawValue }
    }

    /// The class of problem.
    public let code: Code
    /// What exactly was wrong.
    public let reason: String
    /// The JSON pointer of the field at fault in the event, when there is one.
    public let pointer: String?

    init(_ code: Code, _ reason: String, pointer: String? = nil) {
        self.code = code
        self.reason = reason
        self.pointer = pointer
    }

    public var description: String { "\(code): \(reason)" }
}
