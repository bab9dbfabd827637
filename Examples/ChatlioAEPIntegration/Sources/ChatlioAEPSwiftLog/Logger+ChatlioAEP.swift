public import ChatlioAEPLogging
public import Logging

extension Logger {
    /// A log hook for any ChatlioAEP component (the streaming client, the
    /// relay, the emulator, the journals): each `ChatlioLogRecord` becomes one record
    /// on this logger at the mapped level (`ChatlioLogRecord.Level.swiftLogLevel`),
    /// with `component` in its metadata and as its `source`.
    ///
    /// The record's message is all that is logged: the library writes its
    /// messages without secrets, payloads or field values (tokens are redacted
    /// before they reach a message), and this bridge adds only the names given
    /// here, so swift-log's records stay as clean as ChatlioAEP's.
    ///
    /// ```swift
    /// var logger = Logger(label: "chatlio-relay")
    /// logger.logLevel = .info
    /// var configuration = AEPStreamingClient.Configuration(inletURL: inletURL, format: .raw)
    /// configuration.log = logger.chatlioLogHandler(component: "aep-client")
    /// let relay = try ChatlioRelay(mapper: mapper, sink: client, quarantine: quarantine,
    ///                              log: logger.chatlioLogHandler(component: "relay"))
    /// ```
    ///
    /// - Parameters:
    ///   - component: which part of ChatlioAEP speaks, e.g. `aep-client` or `relay`.
    ///   - metadata: more fixed metadata for every record (an instance name, a tenant);
    ///     `component` wins over a key of the same name.
    public func chatlioLogHandler(component: String, metadata: Logger.Metadata = [:]) -> @Sendable (ChatlioLogRecord) -> Void {
        var fixed = metadata
        fixed["component"] = .string(component)
        let logger = self
        let recordMetadata = fixed
        return { record in
            logger.log(level: record.level.swiftLogLevel, "\(record.message)", metadata: recordMetadata, source: component)
        }
    }
}

extension ChatlioLogRecord.Level {
    /// swift-log's level for this one: the four ChatlioAEP levels map to the
    /// swift-log levels of the same names (`debug`, `info`, `warning`, `error`);
    /// ChatlioAEP never logs at `trace`, `notice` or `critical`.
    ///
    /// ```swift
    /// ChatlioLogRecord.Level.warning.swiftLogLevel   // Logger.Level.warning
    /// ```
    public var swiftLogLevel: Logger.Level {
        // Level is a struct of static constants (extensible), so an unknown
        // future level falls back on its order against the known ones.
        if self >= .error { return .error }
        if self >= .warning { return .warning }
        if self >= .info { return .info }
        return .debug
    }
}
