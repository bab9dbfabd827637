// chatlio-hummingbird-relay: Chatlio webhooks → AEP on Hummingbird 2.
//
// Configuration comes from the environment:
//   PORT (8080), HOST (127.0.0.1), STATE_DIR (./chatlio-state, in the ChatlioStateDirectory layout:
//   outbox/, dead-letters/, quarantine/, identities.ndjson, dedup-journal/), CHATLIO_TENANT (acme),
//   CHATLIO_URL_TOKEN (≥ 16 bytes; without it the server refuses to start unless ALLOW_UNAUTHENTICATED=1), ADMIN_TOKEN (optional, ≥ 16 characters: mounts /admin/…),
//   AEP_FORMAT (xdm, or raw for AEP's Chatlio source: Chatlio's JSON with the relay's chatlioAEP member),
//   AEP_INLET_URL, AEP_SCHEMA_ID, AEP_DATASET_ID, AEP_FLOW_ID (AEP_FLOW_ID, and in xdm mode AEP_DATASET_ID,
//   required with AEP_INLET_URL; without it an in-process AEPInletEmulator stands in for AEP, so the server
//   can be tried with no account). `chatlio-aep-setup --apply` prints the values. LOG_LEVEL (info): stderr.
// A bad value stops it at once with status 2 and a line naming the variable (RelayServerSettings).
import AEPInletEmulator
import AEPStreamingClient
import ChatlioHummingbird
import ChatlioRelay
import ChatlioXDMMapper
import Foundation
import XDMSchemaRegistry

import Logging

/// Each line reaches a pipe or a file as it is written, not when a buffer fills or at exit
/// (`print` buffers stdout fully when it is not a terminal).
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

if CommandLine.arguments.contains("--help") || CommandLine.arguments.contains("-h") {
    print("""
        Usage: chatlio-hummingbird-relay
        Serves POST /chatlio/{kind}, POST /chatlio/{token}/{kind}, GET /health and GET /ready; with ADMIN_TOKEN also
        /admin/status, /admin/dead-letters[/{id}|/redrive|/purge], /admin/quarantine[/{id}|/replay|/purge]
        (Authorization: Bearer $ADMIN_TOKEN).
        Environment: PORT, HOST, STATE_DIR, CHATLIO_TENANT, CHATLIO_URL_TOKEN (or ALLOW_UNAUTHENTICATED=1), ADMIN_TOKEN,
                     AEP_FORMAT (xdm|raw), AEP_INLET_URL, AEP_SCHEMA_ID, AEP_DATASET_ID, AEP_FLOW_ID, LOG_LEVEL (info)
        Logs go to stderr, one line per refused or failed request and per change of AEP's state.
        """)
    exit(0)
}

func fail(_ message: String, status: Int32 = 1) -> Never {
    FileHandle.standardError.write(Data("chatlio-hummingbird-relay: \(message)\n".utf8))
    exit(status)
}

let settings: RelayServerSettings
do {
    settings = try RelayServerSettings(environment: ProcessInfo.processInfo.environment)
} catch {
    // A configuration error is a usage error, as in the other tools.
    fail("\(error)", status: 2)
}
LoggingSystem.bootstrap { label in
    var handler = StreamLogHandler.standardError(label: label)
    handler.logLevel = settings.logLevel
    return handler
}
let logger = Logger(label: "chatlio-relay")
for warning in settings.warnings { logger.warning("\(warning)") }
let state = ChatlioStateDirectory(path: settings.stateDirectory)
let libraryLog = ChatlioLogBridge(logger: logger)

do {
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
    configuration.log = libraryLog.client
    try FileManager.default.createDirectory(at: state.root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    let outbox = try FileOutbox(directory: state.outbox, log: libraryLog.client)
    let client = try await AEPStreamingClient(
        configuration: configuration, outbox: outbox, deadLetters: FileDeadLetterStore(directory: state.deadLetters))
    let mapper = try XDMMapper(configuration: .init(tenantID: settings.tenant), identityStore: FileConversationIdentityStore(url: state.identities))
    let quarantine = try FileQuarantineStore(directory: state.quarantine)
    let relayConfiguration = ChatlioRelay.Configuration(mode: settings.mode, sharedSecret: settings.urlToken)
    let relay = try ChatlioRelay(
        configuration: relayConfiguration, mapper: mapper, sink: client, quarantine: quarantine,
        journal: FileDeduplicationJournal(directory: state.deduplicationJournal), log: libraryLog.relay)
    var admin: ChatlioAdminRoutes?
    if let token = settings.adminToken {
        admin = try ChatlioAdminRoutes(
            administration: ChatlioStateAdministration(
                client: client, outbox: outbox, quarantine: quarantine, mapper: mapper, relayConfiguration: relayConfiguration, state: state),
            token: token)
    }
    let app = makeChatlioApplication(
        relay: relay, client: client, admin: admin, host: settings.host, port: settings.port, stateDirectory: state.root, logger: logger
    ) { port in
        say("chatlio-hummingbird-relay listening on http://\(settings.host):\(port)/chatlio/{kind}")
    }
    try await app.runService()
    emulator?.stop()
} catch {
    fail("\(error)")
}
