/// One thing a ChatlioAEP component wants a person to know: the payload of
/// every injectable log hook (the client, the relay, the emulators, the
/// journals). Messages never carry secrets, payloads or field values; they
/// may carry event ids.
///
/// Its own name, not `LogEvent`: servers import swift-log, whose `LogEvent`
/// would otherwise clash with it. Every product whose API takes a log hook
/// re-exports this one type, so importing that product is enough.
///
/// ```swift
/// configuration.log = { record in
///     if record.level >= .warning { FileHandle.standardError.write(Data("\(record)\n".utf8)) }
/// }
/// ```
public struct ChatlioLogRecord: Sendable, Hashable, CustomStringConvertible {
    /// How much a person should care.
    public struct Level: Sendable, Hashable, Comparable, CustomStringConvertible {
        private let rank: Int
        private let name: String
        private init(_ rank: Int, _ name: String) {
            self.rank = rank
            self.name = name
        }

        /// Per-request or per-event detail.
        public static let debug = Level(0, "debug")
        /// Lifecycle: started, stopped, recovered.
        public static let info = Level(1, "info")
        /// Something a person may want to act on: a refused input, a retry, a fault.
        public static let warning = Level(2, "warning")
        /// The component itself failed: I/O, sockets.
        public static let error = Level(3, "error")

        public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rank < rhs.rank }
        public var description: String { name }
    }

    /// How much a person should care.
    public let level: Level
    /// What happened.
    public let message: String

    /// Creates a record.
    public init(level: Level, message: String) {
        self.level = level
        self.message = message
    }

    /// `[level] message`, the form the example executables print.
    public var description: String { "[\(level)] \(message)" }
}
