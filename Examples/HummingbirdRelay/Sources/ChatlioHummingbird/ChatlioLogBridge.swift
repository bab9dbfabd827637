import AEPStreamingClient
import ChatlioRelay
import Logging

/// The library's log hooks (the relay's and the streaming client's), written
/// to a swift-log `Logger` at the matching level. The library's messages never
/// hold bodies or secrets, so they go out as they are.
///
/// ```swift
/// let bridge = ChatlioLogBridge(logger: logger)
/// configuration.log = bridge.client
/// let relay = try ChatlioRelay(mapper: mapper, sink: client, quarantine: quarantine, log: bridge.relay)
/// ```
public struct ChatlioLogBridge: Sendable {
    public let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    public var relay: @Sendable (RelayLogEvent) -> Void {
        let logger = logger
        return { event in logger.log(level: Self.level(event.level), "\(event.message)", metadata: ["source": "relay"]) }
    }

    public var client: AEPStreamingClient.LogHandler {
        let logger = logger
        return { event in logger.log(level: Self.level(event.level), "\(event.message)", metadata: ["source": "aep-client"]) }
    }

    static func level(_ level: AEPStreamingClient.LogEvent.Level) -> Logger.Level {
        switch level {
        case .debug: .debug
        case .info: .info
        case .warning: .warning
        default: .error
        }
    }
}
