public import Foundation
public import Logging

/// The start-up every relay server's `main.swift` shares, whatever its HTTP framework: `--help`,
/// the settings from the environment (a bad value exits with status 2 and a line naming the
/// variable), swift-log to stderr at the settings' level, the settings' warnings logged, and
/// the lines an operator reads. For executables: ``begin()`` and ``fail(_:status:)`` exit the process.
///
/// ```swift
/// let launch = RelayServerLaunch(executable: "chatlio-vapor-relay")
/// let (settings, logger) = launch.begin()
/// do {
///     let components = try await RelayServerComponents.make(settings: settings, logger: logger)
///     // … start serving, then:
///     launch.sayListening(host: settings.host, port: boundPort)
/// } catch {
///     launch.fail("\(error)")
/// }
/// ```
public struct RelayServerLaunch: Sendable {
    /// The executable's name, at the head of its usage text and of its fatal lines.
    public let executable: String

    public init(executable: String) {
        self.executable = executable
    }

    /// What `--help` prints.
    public var usage: String {
        """
        Usage: \(executable)
        Serves POST /chatlio/{kind}, POST /chatlio/{token}/{kind}, GET /health, GET /ready and GET /metrics; with
        ADMIN_TOKEN also /admin/status, /admin/dead-letters[/{id}|/redrive|/purge], /admin/quarantine[/{id}|/replay|/purge]
        (Authorization: Bearer $ADMIN_TOKEN).
        Environment: PORT, HOST, STATE_DIR, CHATLIO_TENANT, CHATLIO_URL_TOKEN (or ALLOW_UNAUTHENTICATED=1), ADMIN_TOKEN,
                     AEP_FORMAT (xdm|raw), AEP_INLET_URL, AEP_SCHEMA_ID, AEP_DATASET_ID, AEP_FLOW_ID, LOG_LEVEL (info)
        Logs go to stderr, one line per refused or failed request and per change of AEP's state.
        """
    }

    /// Answers `--help` (and exits 0), reads the settings (a bad one exits 2), bootstraps swift-log
    /// to stderr and logs the settings' warnings; the settings and the relay's logger.
    public func begin(
        arguments: [String] = CommandLine.arguments, environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> (settings: RelayServerSettings, logger: Logger) {
        if arguments.contains("--help") || arguments.contains("-h") {
            say(usage)
            exit(0)
        }
        let settings: RelayServerSettings
        do {
            settings = try RelayServerSettings(environment: environment)
        } catch {
            // A configuration error is a usage error, as in the other tools.
            fail("\(error)", status: 2)
        }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = settings.logLevel
            return handler
        }
        var logger = Logger(label: "chatlio-relay")
        logger.logLevel = settings.logLevel
        for warning in settings.warnings { logger.warning("\(warning)") }
        return (settings, logger)
    }

    /// Writes `line` to stdout at once: it reaches a pipe or a file as it is written, not when a
    /// buffer fills or at exit (`print` buffers stdout fully when it is not a terminal).
    public func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// The line that says the server serves, with the port it really bound (settings may say 0).
    public func sayListening(host: String, port: Int) {
        say("\(executable) listening on http://\(host):\(port)/chatlio/{kind}")
    }

    /// Writes `executable: message` to stderr and exits with `status`.
    public func fail(_ message: String, status: Int32 = 1) -> Never {
        FileHandle.standardError.write(Data("\(executable): \(message)\n".utf8))
        exit(status)
    }
}
