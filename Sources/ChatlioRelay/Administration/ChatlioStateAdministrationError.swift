/// Why an administration operation on a state directory failed.
///
/// Compare ``code`` against the `static let` constants; new codes can be added
/// without breaking callers. ``reason`` names the directory, the id or the
/// argument at fault.
///
/// ```swift
/// do {
///     let admin = try await ChatlioStateAdministration.open(ChatlioStateDirectory(path: "/var/lib/chatlio-relay"))
/// } catch where error.code == .stateInUse {
///     print(error.reason)   // … a running relay or client holds it; stop it or use its admin endpoints
/// }
/// ```
public struct ChatlioStateAdministrationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The class of problem.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case stateInUse = "state in use"
            case noStateDirectory = "no state directory"
            case notFound = "not found"
            case invalidArgument = "invalid argument"
            case storage = "storage"
            case unsupported = "unsupported"
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// Another process (a running relay or client) holds the outbox's or the dead-letter store's lock.
        public static let stateInUse = Code(.stateInUse)
        /// The state directory does not exist (nothing is created for a mistyped path).
        public static let noStateDirectory = Code(.noStateDirectory)
        /// No dead letter or quarantined item has one of the ids given.
        public static let notFound = Code(.notFound)
        /// An argument cannot be read (a duration such as `7d`, an empty selection).
        public static let invalidArgument = Code(.invalidArgument)
        /// A store could not be read or written.
        public static let storage = Code(.storage)
        /// The operation needs a store this administration was not given (a quarantine, a mapper).
        public static let unsupported = Code(.unsupported)

        public var description: String { base.rawValue }
    }

    /// The class of problem.
    public let code: Code
    /// What went wrong, naming the directory, id or argument.
    public let reason: String

    /// Creates an error.
    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { "\(code): \(reason)" }
}
