/// Why a quarantine did not keep an item, or could not be opened.
///
/// Compare ``code`` against the `static let` constants; new codes can be added
/// without breaking callers. ``reason`` names the limit and its value, never
/// the body.
///
/// ```swift
/// do {
///     try await store.quarantine(item)
/// } catch let error as QuarantineError where error.code == .full {
///     // dropped by policy: make room with removeAll(where:) or raise the limits
/// }
/// ```
public struct QuarantineError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem occurred; compare with the `static let` constants.
    ///
    /// ```swift
    /// if error.code == .full { metrics.increment("quarantine.dropped") }
    /// ```
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case full = "quarantine full"
            case invalidLimits = "invalid limits"
            case cannotOpen = "cannot open"
            case writeFailed = "write failed"
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// Keeping the item would pass a limit (``FileQuarantineStore/Limits``
        /// or ``InMemoryQuarantineStore``'s `maxItems`); nothing was stored.
        public static let full = Code(.full)
        /// A limit is below 1.
        public static let invalidLimits = Code(.invalidLimits)
        /// The directory cannot be created, read or written (the reason
        /// names the path and the system's reason); thrown when the store
        /// opens, so a misconfigured path fails at startup.
        public static let cannotOpen = Code(.cannotOpen)
        /// An item could not be written or synced (disk full, I/O error);
        /// nothing is kept under its name.
        public static let writeFailed = Code(.writeFailed)

        public var description: String { base.rawValue }
    }

    /// What kind of problem occurred.
    public let code: Code
    /// What went wrong, in words: which limit and its value, or which path
    /// and the system's reason.
    public let reason: String

    /// Creates an error; custom stores throw `.full` so the relay treats a
    /// full store as a counted drop rather than a failure.
    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { "\(code): \(reason)" }
}
