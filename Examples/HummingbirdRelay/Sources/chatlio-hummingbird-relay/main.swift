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
import ChatlioRelay
import ChatlioRelayServer
import Hummingbird

let launch = RelayServerLaunch(executable: "chatlio-hummingbird-relay")
let (settings, logger) = launch.begin()

do {
    let components = try await RelayServerComponents.make(settings: settings, logger: logger)
    let app = makeChatlioApplication(
        relay: components.relay, client: components.client, admin: components.admin.map(ChatlioAdminRoutes.init(answers:)),
        metrics: components.metrics, host: settings.host, port: settings.port, stateDirectory: components.state.root, logger: logger
    ) { port in
        launch.sayListening(host: settings.host, port: port)
    }
    // The client drain (StreamingClientDrain) runs in the app's service group on SIGTERM/SIGINT.
    try await app.runService()
    components.stop()
} catch {
    launch.fail("\(error)")
}
