/// One thing the emulator wants to tell a person: a request served, a fault
/// injected, a malformed request refused, a connection dropped.
///
/// Pass a hook in ``AEPInletEmulator/Configuration/log``; the default drops
/// everything. Hooks are called on server threads and must be thread-safe.
///
/// ```swift
/// var configuration = AEPInletEmulator.Configuration()
/// configuration.log = { event in
///     if event.level >= .warning { FileHandle.standardError.write(Data("\(event)\n".utf8)) }
/// }
/// ```
public struct LogEvent: Sendable, Hashable, CustomStringConvertible {
    /// How much a person should care.
    public struct Level: Sendable, Hashable, Comparable, CustomStringConvertible {
        private let rank: Int
        private let name: String
        private init(_ rank: Int, _ name: String) {
            self.rank = rank
            self.name = name
        }

        /// Per-request detail.
        public static let debug = Level(0, "debug")
        /// Lifecycle: started, stopped.
        public static let info = Level(1, "info")
        /// A client did something wrong (malformed HTTP, oversized body) or a fault was injected.
        public static let warning = Level(2, "warning")
        /// The emulator itself failed (socket errors, record file errors).
        public static let error = Level(3, "error")

        public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rank < rhs.rank }
        public var description: String { name }
    }

    /// How much a person should care.
    public let level: Level
    /// What happened.
    public let message: String

    /// Creates an event.
    public init(level: Level, message: String) {
        self.level = level
        self.message = message
    }

    public var description: String { "[\(level)] \(message)" }
}
