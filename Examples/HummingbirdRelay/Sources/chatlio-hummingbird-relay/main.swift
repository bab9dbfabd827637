// chatlio-hummingbird-relay: Chatlio webhooks → AEP on Hummingbird 2.
//
// Configuration comes from the environment:
//   PORT (8080), HOST (127.0.0.1), STATE_DIR (./chatlio-state, in the ChatlioStateDirectory layout:
//   outbox/, dead-letters/, quarantine/, identities.ndjson, dedup-journal/), CHATLIO_TENANT (acme),
//   CHATLIO_URL_TOKEN (optional, ≥ 16 characters), ADMIN_TOKEN (optional, ≥ 16 characters: mounts /admin/…),
//   AEP_FORMAT (xdm, or raw for AEP's Chatlio source: Chatlio's JSON with the relay's chatlioAEP member),
//   AEP_INLET_URL, AEP_SCHEMA_ID, AEP_DATASET_ID, AEP_FLOW_ID (AEP_FLOW_ID, and in xdm mode AEP_DATASET_ID,
//   required with AEP_INLET_URL; without it an in-process AEPInletEmulator stands in for AEP, so the server
//   can be tried with no account). `chatlio-aep-setup --apply` prints the values.
import AEPInletEmulator
import AEPStreamingClient
import ChatlioHummingbird
import ChatlioRelay
import ChatlioXDMMapper
import Foundation
import XDMSchemaRegistry

let environment = ProcessInfo.processInfo.environment
if CommandLine.arguments.contains("--help") || CommandLine.arguments.contains("-h") {
    print("""
        Usage: chatlio-hummingbird-relay
        Serves POST /chatlio/{kind}, POST /chatlio/{token}/{kind} and GET /health; with ADMIN_TOKEN also
        /admin/status, /admin/dead-letters[/{id}|/redrive|/purge], /admin/quarantine[/{id}|/replay|/purge]
        (Authorization: Bearer $ADMIN_TOKEN).
        Environment: PORT, HOST, STATE_DIR, CHATLIO_TENANT, CHATLIO_URL_TOKEN, ADMIN_TOKEN,
                     AEP_FORMAT (xdm|raw), AEP_INLET_URL, AEP_SCHEMA_ID, AEP_DATASET_ID, AEP_FLOW_ID
        """)
    exit(0)
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("chatlio-hummingbird-relay: \(message)\n".utf8))
    exit(1)
}

let port = Int(environment["PORT"] ?? "8080") ?? 8080
let host = environment["HOST"] ?? "127.0.0.1"
let tenant = environment["CHATLIO_TENANT"] ?? "acme"
let state = ChatlioStateDirectory(path: environment["STATE_DIR"] ?? "chatlio-state")

let formatText = environment["AEP_FORMAT"] ?? "xdm"
guard let relayMode = ChatlioRelay.Mode(rawValue: formatText) else { fail("AEP_FORMAT is xdm or raw, not '\(formatText)'") }

do {
    let chatlio = try ChatlioXDM(tenantID: tenant)
    var emulator: AEPInletEmulator?
    let configuration: AEPStreamingClient.Configuration
    if let inlet = environment["AEP_INLET_URL"].flatMap(URL.init(string:)) {
        // Adobe requires the dataflow id for XDM and raw data alike.
        guard let flowID = environment["AEP_FLOW_ID"], !flowID.isEmpty else { fail("AEP_INLET_URL needs AEP_FLOW_ID, the dataflow id") }
        let format: MessageFormat
        if relayMode == .raw {
            format = .raw
        } else {
            guard let datasetID = environment["AEP_DATASET_ID"] else { fail("AEP_INLET_URL needs AEP_DATASET_ID") }
            format = .xdm(schemaID: environment["AEP_SCHEMA_ID"] ?? chatlio.experienceEventSchemaID, datasetID: datasetID, sourceName: "chatlio-relay")
        }
        configuration = .init(inletURL: inlet, format: format, flowID: flowID)
    } else {
        var emulatorConfiguration = AEPInletEmulator.Configuration(inletId: "local")
        if relayMode == .raw {
            emulatorConfiguration.dataMode = .raw
        } else {
            emulatorConfiguration.validator = try chatlio.experienceEventValidator()
        }
        let local = try AEPInletEmulator(configuration: emulatorConfiguration)
        print("no AEP_INLET_URL: sending to an in-process AEP inlet at \(try local.start())")
        emulator = local
        configuration = .init(
            inletURL: local.inletURL,
            format: relayMode == .raw ? .raw : .xdm(schemaID: chatlio.experienceEventSchemaID, datasetID: "local", sourceName: "chatlio-relay"),
            flowID: "local-flow")
    }
    try FileManager.default.createDirectory(at: state.root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    let outbox = try FileOutbox(directory: state.outbox)
    let client = try await AEPStreamingClient(
        configuration: configuration, outbox: outbox, deadLetters: FileDeadLetterStore(directory: state.deadLetters))
    let mapper = try XDMMapper(configuration: .init(tenantID: tenant), identityStore: FileConversationIdentityStore(url: state.identities))
    let quarantine = try FileQuarantineStore(directory: state.quarantine)
    let relayConfiguration = ChatlioRelay.Configuration(mode: relayMode, sharedSecret: environment["CHATLIO_URL_TOKEN"])
    let relay = try ChatlioRelay(
        configuration: relayConfiguration, mapper: mapper, sink: client, quarantine: quarantine,
        journal: FileDeduplicationJournal(directory: state.deduplicationJournal))
    var admin: ChatlioAdminRoutes?
    if let token = environment["ADMIN_TOKEN"] {
        admin = try ChatlioAdminRoutes(
            administration: ChatlioStateAdministration(
                client: client, outbox: outbox, quarantine: quarantine, mapper: mapper, relayConfiguration: relayConfiguration, state: state),
            token: token)
    }
    let app = makeChatlioApplication(relay: relay, client: client, admin: admin, host: host, port: port) { port in
        print("chatlio-hummingbird-relay listening on http://\(host):\(port)/chatlio/{kind}")
    }
    try await app.runService()
    emulator?.stop()
} catch {
    fail("\(error)")
}
