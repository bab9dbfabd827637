// chatlio-vapor-relay: Chatlio webhooks → AEP on Vapor 4, with the same routes, settings and logs as
// chatlio-hummingbird-relay (both take them from ChatlioRelayServer in Examples/ChatlioAEPIntegration).
//
// Configuration comes from the environment:
//   PORT (8080; 0 picks a free one), HOST (127.0.0.1), STATE_DIR (./chatlio-state, in the ChatlioStateDirectory
//   layout: outbox/, dead-letters/, quarantine/, identities.ndjson, dedup-journal/), CHATLIO_TENANT (acme),
//   CHATLIO_URL_TOKEN (≥ 16 bytes; without it the server refuses to start unless ALLOW_UNAUTHENTICATED=1),
//   ADMIN_TOKEN (optional, ≥ 16 bytes: mounts /admin/…), AEP_FORMAT (xdm, or raw for AEP's Chatlio source),
//   AEP_INLET_URL, AEP_SCHEMA_ID, AEP_DATASET_ID, AEP_FLOW_ID (AEP_FLOW_ID, and in xdm mode AEP_DATASET_ID,
//   required with AEP_INLET_URL; without it an in-process AEPInletEmulator stands in for AEP, so the server
//   can be tried with no account). `chatlio-aep-setup --apply` prints the values. LOG_LEVEL (info): stderr.
// A bad value stops it at once with status 2 and a line naming the variable (RelayServerSettings).
// SIGTERM or SIGINT: the server stops taking requests, the client delivers what is queued (up to 10 s), exit 0.
import ChatlioRelayServer
import ChatlioVapor
import Vapor

let launch = RelayServerLaunch(executable: "chatlio-vapor-relay")
let (settings, logger) = launch.begin()

do {
    let components = try await RelayServerComponents.make(settings: settings, logger: logger)
    // Vapor reads its command from the arguments; the relay takes none, so it always serves, on the settings' address.
    let app = try await Application.make(Environment(name: "production", arguments: [CommandLine.arguments.first ?? "chatlio-vapor-relay", "serve"]))
    ChatlioVaporApplication.configure(app, components: components)
    do {
        // `serve` starts the server and stops it on SIGTERM or SIGINT.
        try await app.startup()
        let port = app.http.server.shared.localAddress?.port ?? settings.port
        launch.sayListening(host: settings.host, port: port)
        try await app.running?.onStop.get()
    } catch {
        logger.error("the server stopped: \(error)")
        await components.drain()
        try? await app.asyncShutdown()
        components.stop()
        launch.fail("\(error)")
    }
    await components.drain()
    try await app.asyncShutdown()
    components.stop()
} catch {
    launch.fail("\(error)")
}
