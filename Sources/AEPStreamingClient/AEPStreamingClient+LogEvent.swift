extension AEPStreamingClient {
    /// One thing the client wants a person to know: the ``LogEvent`` every
    /// ChatlioAEP product logs with. Messages never contain secrets or event
    /// payloads; they may contain event ids.
    ///
    /// ```swift
    /// configuration.log = { event in
    ///     if event.level >= .warning { FileHandle.standardError.write(Data("\(event)\n".utf8)) }
    /// }
    /// // With swift-log, Examples/ChatlioAEPIntegration's ChatlioAEPSwiftLog:
    /// // configuration.log = logger.chatlioLogHandler(component: "aep-client")
    /// ```
    public typealias LogEvent = ChatlioAEPSupport.LogEvent

    /// The log hook's type.
    public typealias LogHandler = @Sendable (LogEvent) -> Void
}
