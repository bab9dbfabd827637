import Foundation
public import Logging

/// A swift-log handler that keeps every record it gets, so a test can check what was logged: a
/// refusal's status and never a token, a drain's metadata, the level of a per-request line.
///
/// ```swift
/// let (logger, store) = CapturingLogHandler.logger()
/// // … serve with `logger`, send a bad request, then:
/// #expect(store.lines.contains { $0.contains("405") })
/// ```
public struct CapturingLogHandler: LogHandler {
    /// One record as the handler got it, with the handler's metadata merged under the event's.
    public struct Record: Sendable {
        public var level: Logger.Level
        public var message: String
        public var metadata: Logger.Metadata
        public var source: String
    }

    /// Where the records land, oldest first.
    public final class Store: @unchecked Sendable {
        private let lock = NSLock()
        private var records: [Record] = []

        public init() {}

        func append(_ record: Record) { lock.withLock { records.append(record) } }

        /// Every record so far.
        public var all: [Record] { lock.withLock { records } }

        /// Every record so far as `"<level> <message>"`, for a text search.
        public var lines: [String] { all.map { "\($0.level) \($0.message)" } }
    }

    public let store: Store
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .trace

    public init(store: Store) {
        self.store = store
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: Logging.LogEvent) {
        store.append(Record(
            level: event.level, message: event.message.description, metadata: metadata.merging(event.metadata ?? [:]) { $1 }, source: event.source
        ))
    }

    /// A logger whose records land in the returned store.
    public static func logger(_ label: String = "test", level: Logger.Level = .trace) -> (Logger, Store) {
        let store = Store()
        var logger = Logger(label: label) { _ in CapturingLogHandler(store: store) }
        logger.logLevel = level
        return (logger, store)
    }
}
