extension AEPStreamingClient {
    /// One thing the client wants a person to know. Messages never contain
    /// secrets or event payloads; they may contain event ids.
    ///
    /// ```swift
    /// configuration.log = { event in
    ///     if event.level >= .warning { logger.log("\(event)") }
    /// }
    /// ```
    public struct LogEvent: Sendable, Hashable, CustomStringConvertible {
        /// How much a person should care; levels are ordered.
        ///
        /// ```swift
        /// if event.level >= .warning { alert(event.message) }
        /// ```
        public struct Level: Sendable, Hashable, Comparable, CustomStringConvertible {
            private let rank: Int
            private let name: String
            private init(_ rank: Int, _ name: String) {
                self.rank = rank
                self.name = name
            }

            /// Per-request detail.
            public static let debug = Level(0, "debug")
            /// Lifecycle: started, recovered, shut down.
            public static let info = Level(1, "info")
            /// Something was retried, dropped or repaired (a torn outbox tail).
            public static let warning = Level(2, "warning")
            /// Events were dead-lettered, or authentication or the outbox failed.
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

    /// A log hook: called from any task, must be thread-safe and quick.
    public typealias LogHandler = @Sendable (LogEvent) -> Void
}
