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
import ChatlioHummingbird
import ChatlioRelayServer
import Foundation
import Logging

/// Each line reaches a pipe or a file as it is written, not when a buffer fills or at exit
/// (`print` buffers stdout fully when it is not a terminal).
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

if CommandLine.arguments.contains("--help") || CommandLine.arguments.contains("-h") {
    print("""
        Usage: chatlio-hummingbird-relay
        Serves POST /chatlio/{kind}, POST /chatlio/{token}/{kind}, GET /health, GET /ready and GET /metrics; with ADMIN_TOKEN also
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
var logger = Logger(label: "chatlio-relay")
logger.logLevel = settings.logLevel
for warning in settings.warnings { logger.warning("\(warning)") }

do {
    let components = try await RelayServerComponents.make(settings: settings, logger: logger)
    let app = makeChatlioApplication(
        relay: components.relay, client: components.client, admin: components.admin.map(ChatlioAdminRoutes.init(answers:)),
        metrics: components.metrics, host: settings.host, port: settings.port, stateDirectory: components.state.root, logger: logger
    ) { port in
        say("chatlio-hummingbird-relay listening on http://\(settings.host):\(port)/chatlio/{kind}")
    }
    // The client drain (StreamingClientDrain) runs in the app's service group on SIGTERM/SIGINT.
    try await app.runService()
    components.stop()
} catch {
    fail("\(error)")
}
