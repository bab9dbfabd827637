public import AEPInletEmulator
public import AEPStreamingClient
import ChatlioAEPSwiftLog
public import ChatlioRelay
import ChatlioXDMMapper
import Foundation
public import Logging
import XDMSchemaRegistry

/// Everything a relay server runs, built from its ``RelayServerSettings`` the
/// same way on every framework: the state directory, the streaming client
/// (to AEP, or to an in-process ``AEPInletEmulator`` when no inlet is set),
/// the relay, the admin answers when an admin token is set, and the metrics,
/// with the library's log hooks on `logger`.
///
/// ```swift
/// let components = try await RelayServerComponents.make(settings: settings, logger: logger)
/// // … serve components.relay, components.client, components.admin, components.metrics …
/// await components.drain(timeout: .seconds(10))
/// components.stop()
/// ```
public struct RelayServerComponents: Sendable {
    public let settings: RelayServerSettings
    public let state: ChatlioStateDirectory
    public let relay: ChatlioRelay
    public let client: AEPStreamingClient
    /// `nil` without `ADMIN_TOKEN`: the `/admin` endpoints are not mounted.
    public let admin: RelayAdminAnswers?
    public let metrics: RelayServerMetrics
    /// The in-process inlet when `AEP_INLET_URL` is not set.
    public let emulator: AEPInletEmulator?
    public let logger: Logger

    /// Creates the state directory (mode 0700) and starts the client and, without an inlet URL, the emulator.
    public static func make(settings: RelayServerSettings, logger: Logger) async throws -> RelayServerComponents {
        let state = ChatlioStateDirectory(path: settings.stateDirectory)
        let clientLog = logger.chatlioLogHandler(component: "aep-client")
        let chatlio = try ChatlioXDM(tenantID: settings.tenant)
        var emulator: AEPInletEmulator?
        var configuration: AEPStreamingClient.Configuration
        switch settings.inlet {
        case .aep(let inlet, let flowID, let datasetID, let schemaID):
            let format: MessageFormat = settings.mode == .raw
                ? .raw
                : .xdm(schemaID: schemaID ?? chatlio.experienceEventSchemaID, datasetID: datasetID ?? "", sourceName: "chatlio-relay")
            configuration = .init(inletURL: inlet, format: format, flowID: flowID)
        case .emulator:
            var emulatorConfiguration = AEPInletEmulator.Configuration(inletId: "local")
            if settings.mode == .raw {
                emulatorConfiguration.dataMode = .raw
            } else {
                emulatorConfiguration.validator = try chatlio.experienceEventValidator()
            }
            let local = try AEPInletEmulator(configuration: emulatorConfiguration)
            let address = try local.start()
            logger.info("sending to an in-process AEP inlet at \(address)")
            emulator = local
            configuration = .init(
                inletURL: local.inletURL,
                format: settings.mode == .raw ? .raw : .xdm(schemaID: chatlio.experienceEventSchemaID, datasetID: "local", sourceName: "chatlio-relay"),
                flowID: "local-flow")
        }
        configuration.log = clientLog
        do {
            try FileManager.default.createDirectory(at: state.root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let outbox = try FileOutbox(directory: state.outbox, log: clientLog)
            let client = try await AEPStreamingClient(
                configuration: configuration, outbox: outbox, deadLetters: FileDeadLetterStore(directory: state.deadLetters))
            let mapper = try XDMMapper(configuration: .init(tenantID: settings.tenant), identityStore: FileConversationIdentityStore(url: state.identities))
            let quarantine = try FileQuarantineStore(directory: state.quarantine)
            let relayConfiguration = ChatlioRelay.Configuration(mode: settings.mode, sharedSecret: settings.urlToken)
            let relay = try ChatlioRelay(
                configuration: relayConfiguration, mapper: mapper, sink: client, quarantine: quarantine,
                journal: FileDeduplicationJournal(directory: state.deduplicationJournal), log: logger.chatlioLogHandler(component: "relay"))
            var admin: RelayAdminAnswers?
            if let token = settings.adminToken {
                admin = try RelayAdminAnswers(
                    administration: ChatlioStateAdministration(
                        client: client, outbox: outbox, quarantine: quarantine, mapper: mapper, relayConfiguration: relayConfiguration, state: state),
                    token: token)
            }
            return RelayServerComponents(
                settings: settings, state: state, relay: relay, client: client, admin: admin,
                metrics: RelayServerMetrics(relay: relay, client: client), emulator: emulator, logger: logger)
        } catch {
            emulator?.stop()
            throw error
        }
    }

    /// Delivers what is queued, up to `timeout`, and logs the outcome; see ``RelayServerDrain``.
    @discardableResult
    public func drain(timeout: Duration = .seconds(10)) async -> Int {
        await RelayServerDrain.drain(client, timeout: timeout, logger: logger)
    }

    /// Stops the in-process inlet, if there is one (after ``drain(timeout:)``: it receives the last events).
    public func stop() {
        emulator?.stop()
    }
}

/// The relay server's last step at a graceful stop (SIGTERM, SIGINT): deliver
/// what is queued, up to a timeout; what cannot go in time stays in the outbox
/// and goes out at the next start. Both outcomes are logged.
///
/// ```swift
/// let left = await RelayServerDrain.drain(client, timeout: .seconds(10), logger: logger)
/// ```
public enum RelayServerDrain {
    /// - Returns: how many events were left in the outbox.
    @discardableResult
    public static func drain(_ client: AEPStreamingClient, timeout: Duration, logger: Logger) async -> Int {
        logger.info("shutting down: delivering what is queued (up to \(timeout))")
        let remaining = await client.shutdown(timeout: timeout).remaining
        if remaining > 0 {
            logger.warning("\(remaining) events were not delivered in time; they stay in the outbox and go out at the next start")
        } else {
            logger.info("every queued event was delivered")
        }
        return remaining
    }
}
