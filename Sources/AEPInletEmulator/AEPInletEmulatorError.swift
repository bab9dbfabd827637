/// Why the emulator could not be configured, started or record to disk.
///
/// Extensible in the style of async-http-client: compare ``code`` with the
/// static constants; new codes can be added without breaking callers.
///
/// ```swift
/// do {
///     try emulator.start()
/// } catch let error as AEPInletEmulatorError where error.code == .bindFailed {
///     // the port is taken
/// }
/// ```
public struct AEPInletEmulatorError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The class of problem.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case invalidConfiguration = "invalid configuration"
            case socketFailed = "socket creation failed"
            case bindFailed = "bind failed"
            case listenFailed = "listen failed"
            case threadFailed = "thread creation failed"
            case alreadyRunning = "already running"
            case recordFileFailed = "record file failed"
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// A configuration value is out of range (port, limits, inlet id, fault rate).
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// `socket(2)` or a pipe could not be created.
        public static let socketFailed = Code(.socketFailed)
        /// The address or port could not be bound (in use, or no IPv6 loopback).
        public static let bindFailed = Code(.bindFailed)
        /// `listen(2)` failed.
        public static let listenFailed = Code(.listenFailed)
        /// The accept thread could not be started.
        public static let threadFailed = Code(.threadFailed)
        /// ``AEPInletEmulator/start()`` was called while running.
        public static let alreadyRunning = Code(.alreadyRunning)
        /// The NDJSON record file could not be opened.
        public static let recordFileFailed = Code(.recordFileFailed)

        public var description: String { base.rawValue }
    }

    /// The class of problem.
    public let code: Code
    /// What happened, for people.
    public let reason: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.reason = message
    }

    public var description: String { "\(code): \(reason)" }
}
