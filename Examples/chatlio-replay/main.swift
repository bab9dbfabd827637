// chatlio-replay: the whole path, from Chatlio webhook bodies to AEP, in one command.
//
//   swift run chatlio-replay                                  # Examples/Payloads → an in-process AEP inlet
//   swift run chatlio-replay --kind offline-message a.json    # your own bodies
//   swift run chatlio-replay --stdin < webhooks.ndjson        # {"kind": …, "payload": {…}} per line
//   swift run chatlio-replay --dry-run                        # decode, map, validate; XDM as NDJSON on stdout
//   swift run chatlio-replay --inlet https://dcs.adobedc.net/collection/… --schema-id … --dataset-id … \
//       --tenant yourtenant --flow-id … [--client-id … --client-secret-env VAR --org-id …]
import AEPInletEmulator
import AEPStreamingClient
import ChatlioRelay
import ChatlioWebhooks
import ChatlioXDMMapper
import ExampleSupport
import Foundation
import XDMSchemaRegistry

let usage = """
    Usage: chatlio-replay [options] [FILE ...]

    Replays Chatlio webhook bodies through ChatlioRelay (decode → map → validate → durable send) and
    AEPStreamingClient to an AEP streaming inlet. With no FILE and no --stdin it replays every sample under
    Examples/Payloads/<kind>/ into an in-process AEPInletEmulator: no network, no account.

    Input:
      FILE ...                  webhook bodies; their kind comes from --kind, the sample folder, or the shape
      --kind KIND               the kind of every FILE (\(WebhookKind.allCases.map(\.rawValue).joined(separator: ", ")))
      --stdin                   read NDJSON lines {"kind": KIND, "payload": {...}} from standard input
    Mode:
      --mode xdm|raw            xdm (default): map and validate, send XDM envelopes (HTTP API source);
                                raw: send Chatlio's JSON with the relay's chatlioAEP member, one message
                                per request, for AEP's Chatlio source (its Data Prep mapping does the rest)
      --dry-run                 decode, map and validate only; write the XDM entities as NDJSON to stdout
    Target (default: an in-process emulator):
      --inlet URL               a real AEP streaming inlet (https://dcs.adobedc.net/collection/{inletId})
      --tenant ID               tenant id for the XDM fields (default: acme)
      --schema-id ID            the schema $id of the dataset (default: the built-in schema id)
      --dataset-id ID           the dataset id (required with --inlet in xdm mode)
      --flow-id ID              the dataflow id: header.flowId and x-adobe-flow-id (required with --inlet)
      --token-env VAR           a static bearer token, read from environment variable VAR
      --client-id ID            OAuth server-to-server client id (with --client-secret-env)
      --client-secret-env VAR   environment variable holding the OAuth client secret
      --org-id ID               x-gw-ims-org-id
      --sandbox NAME            x-sandbox-name
    State:
      --state DIR               keep the state in DIR, in the relay's layout: DIR/outbox, DIR/dead-letters,
                                DIR/quarantine (refused bodies), DIR/identities.ndjson; chatlio-aep-admin
                                --state DIR lists and redrives what was dead-lettered
      --outbox DIR              only the outbox in DIR (its dead letters go to DIR/../dead-letters)
                                (default for both: a fresh temporary state directory)
    Output:
      --output FILE             where the delivered XDM entities (raw mode: bodies) go, with the in-process
                                inlet (default: .build/chatlio-replay/delivered.ndjson)
      --timeout SECONDS         how long to wait for delivery (default: 60)
      -h, --help                show this help

    Exit status: 0 when every input was delivered (or, with --dry-run, mapped and valid); 1 otherwise; 2 for usage errors.
    """

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("chatlio-replay: \(message)\n".utf8))
    exit(2)
}

func say(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

let options: CommandLineOptions
do {
    options = try CommandLineOptions(
        parsing: CommandLine.arguments.dropFirst(),
        flags: ["--help", "--stdin", "--dry-run"],
        valued: ["--kind", "--inlet", "--tenant", "--schema-id", "--dataset-id", "--flow-id", "--token-env", "--client-id",
                 "--client-secret-env", "--org-id", "--sandbox", "--outbox", "--state", "--output", "--timeout", "--mode"])
} catch {
    fail("\(error) (see --help)")
}
if options.has("--help") {
    print(usage)
    exit(0)
}

// MARK: Inputs

struct Input {
    var label: String
    var kind: WebhookKind?
    var body: Data
}

func readInputs() -> [Input] {
    var kind: WebhookKind?
    if let name = options.value("--kind") {
        guard let parsed = WebhookKind(rawValue: name) else {
            fail("unknown kind '\(name)'; expected one of \(WebhookKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        kind = parsed
    }
    if options.has("--stdin") {
        var inputs: [Input] = []
        let data = FileHandle.standardInput.readDataToEndOfFile()
        for (number, line) in data.split(separator: UInt8(ascii: "\n")).enumerated() where !line.allSatisfy({ $0 == 0x20 || $0 == 0x0D }) {
            guard let value = try? JSONValue(parsing: Data(line)), let payload = value["payload"], case .object = payload else {
                fail("stdin line \(number + 1): expected {\"kind\": …, \"payload\": {…}}")
            }
            let lineKind = value["kind"]?.stringValue.flatMap(WebhookKind.init(rawValue:)) ?? kind
            inputs.append(Input(label: "stdin:\(number + 1)", kind: lineKind, body: Data(payload.serialized())))
        }
        return inputs
    }
    if !options.positional.isEmpty {
        return options.positional.map { path in
            guard let body = FileManager.default.contents(atPath: path) else { fail("cannot read \(path)") }
            return Input(label: path, kind: kind, body: body)
        }
    }
    let root = URL(fileURLWithPath: "Examples/Payloads")
    var inputs: [Input] = []
    // In the order a conversation's webhooks arrive: the transcript is exported last, so its
    // identities come from the conversation's earlier webhooks (the identity store), as in production.
    let arrivalOrder = WebhookKind.allCases.filter { $0 != .chatTranscript } + [.chatTranscript]
    for sampleKind in arrivalOrder where kind == nil || kind == sampleKind {
        let folder = root.appendingPathComponent(sampleKind.rawValue)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        for name in names.sorted() where name.hasSuffix(".json") {
            guard let body = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path) else { continue }
            inputs.append(Input(label: "\(sampleKind.rawValue)/\(name)", kind: sampleKind, body: body))
        }
    }
    if inputs.isEmpty { fail("no samples under \(root.path); run from the package root, or pass files or --stdin") }
    return inputs
}

if options.value("--state") != nil, options.value("--outbox") != nil {
    fail("give --state DIR or --outbox DIR, not both (--state DIR keeps its outbox in DIR/outbox)")
}
let modeText = options.value("--mode") ?? "xdm"
guard let relayMode = ChatlioRelay.Mode(rawValue: modeText) else { fail("--mode is xdm or raw, not '\(modeText)'") }
let inputs = readInputs()
let tenant = options.value("--tenant") ?? "acme"
/// The state layout: --state, or a fresh temporary one; `nil` with --outbox alone.
let state: ChatlioStateDirectory? = options.value("--state").map { ChatlioStateDirectory(path: $0) }
    ?? (options.value("--outbox") == nil
        ? ChatlioStateDirectory(FileManager.default.temporaryDirectory.appendingPathComponent("chatlio-replay-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)"))
        : nil)
let keepsState = options.value("--state") != nil
let mapper: XDMMapper
let chatlio: ChatlioXDM
do {
    let identities: any ConversationIdentityStore
    if keepsState, let state, !options.has("--dry-run") {
        try FileManager.default.createDirectory(at: state.root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        identities = try FileConversationIdentityStore(url: state.identities)
    } else {
        identities = InMemoryConversationIdentityStore()
    }
    mapper = try XDMMapper(configuration: .init(tenantID: tenant), identityStore: identities)
    chatlio = try ChatlioXDM(tenantID: tenant)
} catch {
    fail("\(error)")
}

/// The kind of an input: given, or inferred from the shape.
func kind(of input: Input) -> Result<WebhookKind, ChatlioWebhookError> {
    if let kind = input.kind { return .success(kind) }
    return Result { () throws(ChatlioWebhookError) in try ChatlioWebhook.decode(input.body).kind }
}

// MARK: Dry run

if options.has("--dry-run") {
    let validator: XDMValidator
    do { validator = try mapper.validator() } catch { fail("\(error)") }
    var failures = 0
    for input in inputs {
        do {
            let kind = try kind(of: input).get()
            let event = try mapper.map(ChatlioWebhook.decode(input.body, kind: kind), receivedAt: Date())
            let report = validator.validate(event.value)
            guard report.isValid else {
                failures += 1
                say("invalid \(input.label): \(report.violations.map(\.description).joined(separator: "; "))")
                continue
            }
            print(String(decoding: event.jsonBytes, as: UTF8.self))
        } catch {
            failures += 1
            say("refused \(input.label): \(error)")
        }
    }
    say("dry run: \(inputs.count - failures) of \(inputs.count) mapped and valid")
    exit(failures == 0 ? 0 : 1)
}

// MARK: Delivery

let timeoutSeconds = (try? options.positiveInteger("--timeout")) ?? nil ?? 60
var emulator: AEPInletEmulator?
var clientConfiguration: AEPStreamingClient.Configuration
if let inlet = options.value("--inlet") {
    guard let url = URL(string: inlet), url.scheme != nil else { fail("--inlet is not a URL: \(inlet)") }
    // Adobe requires the dataflow id for XDM and raw data alike.
    guard let flowID = options.value("--flow-id") else { fail("--inlet needs --flow-id, the dataflow id (see --help)") }
    let format: MessageFormat
    switch relayMode {
    case .raw:
        format = .raw
    case .xdm:
        guard let datasetID = options.value("--dataset-id") else { fail("--inlet needs --dataset-id in xdm mode (see --help)") }
        format = .xdm(schemaID: options.value("--schema-id") ?? chatlio.experienceEventSchemaID, datasetID: datasetID, sourceName: "chatlio-replay")
    }
    clientConfiguration = .init(inletURL: url, format: format, flowID: flowID)
    clientConfiguration.imsOrgID = options.value("--org-id")
    clientConfiguration.sandboxName = options.value("--sandbox")
    if let variable = options.value("--token-env") {
        guard let token = ProcessInfo.processInfo.environment[variable], !token.isEmpty else { fail("environment variable \(variable) is empty") }
        clientConfiguration.authentication = .bearerToken(Secret(token))
    } else if let clientID = options.value("--client-id") {
        guard let variable = options.value("--client-secret-env"), let secret = ProcessInfo.processInfo.environment[variable], !secret.isEmpty else {
            fail("--client-id needs --client-secret-env naming a non-empty environment variable")
        }
        clientConfiguration.authentication = .oauthClientCredentials(.init(clientID: clientID, clientSecret: Secret(secret)))
    }
} else {
    do {
        var configuration = AEPInletEmulator.Configuration(inletId: "chatlio-replay")
        if relayMode == .raw {
            configuration.dataMode = .raw
        } else {
            configuration.validator = try chatlio.experienceEventValidator()
        }
        let local = try AEPInletEmulator(configuration: configuration)
        _ = try local.start()
        emulator = local
        clientConfiguration = .init(
            inletURL: local.inletURL,
            format: relayMode == .raw
                ? .raw : .xdm(schemaID: chatlio.experienceEventSchemaID, datasetID: "chatlio-replay-dataset", sourceName: "chatlio-replay"),
            flowID: "chatlio-replay-flow")
    } catch {
        fail("could not start the in-process AEP inlet: \(error)")
    }
}
clientConfiguration.batching.linger = .milliseconds(20)

let outboxDirectory = state?.outbox ?? URL(fileURLWithPath: options.value("--outbox") ?? "")
let client: AEPStreamingClient
do {
    let outbox = try FileOutbox(directory: outboxDirectory)
    // With a state layout, its dead-letters directory; with --outbox alone, the client's default beside it.
    client = try await AEPStreamingClient(
        configuration: clientConfiguration, outbox: outbox, deadLetters: try state.map { try FileDeadLetterStore(directory: $0.deadLetters) }
    )
} catch {
    fail("could not open the outbox at \(outboxDirectory.path): \(error)")
}
let deadLetterStore = client.deadLetters as? FileDeadLetterStore
/// The --state to give chatlio-aep-admin: the layout's root, or --outbox's parent when it is named `outbox`.
let adminState = state?.root.path
    ?? (outboxDirectory.lastPathComponent == "outbox" ? outboxDirectory.deletingLastPathComponent().path : nil)

let quarantine: any QuarantineStore
if keepsState, let state {
    do { quarantine = try FileQuarantineStore(directory: state.quarantine) } catch { fail("could not open the quarantine at \(state.quarantine.path): \(error)") }
} else {
    quarantine = InMemoryQuarantineStore()
}
let relay: ChatlioRelay
do {
    // With a kept state, deduplication also holds across runs (STATE/dedup-journal).
    let journal = try keepsState ? state.map { try FileDeduplicationJournal(directory: $0.deduplicationJournal) } : nil
    relay = try ChatlioRelay(configuration: .init(mode: relayMode), mapper: mapper, sink: client, quarantine: quarantine, journal: journal)
} catch {
    fail("\(error)")
}

// Collect delivery reports while sending.
let collector = Task { () -> [String: DeliveryReport] in
    var reports: [String: DeliveryReport] = [:]
    for await report in client.deliveryReports { reports[report.eventID] = report }
    return reports
}

var acceptedIDs: [(label: String, id: String)] = []
var refused: [(label: String, reason: String)] = []
for (index, input) in inputs.enumerated() {
    let route: WebhookKind
    switch kind(of: input) {
    case .success(let kind): route = kind
    case .failure(let error):
        refused.append((input.label, error.description))
        say("[\(index + 1)/\(inputs.count)] \(input.label): refused (\(error.code))")
        continue
    }
    let response = await relay.handle(WebhookRequest(route: route.rawValue, body: input.body))
    let id = response.json?["id"]?.stringValue
    switch response.status {
    case 202:
        if let id { acceptedIDs.append((input.label, id)) }
        say("[\(index + 1)/\(inputs.count)] \(input.label): accepted \(id?.prefix(12) ?? "")…")
    case 200:
        say("[\(index + 1)/\(inputs.count)] \(input.label): duplicate of an earlier input, not sent again")
    default:
        let error = response.json?["error"]
        let reason = error.map { "\($0["code"]?.stringValue ?? "") at \($0["pointer"]?.stringValue ?? "the body"): \($0["reason"]?.stringValue ?? "")" }
            ?? response.json?["status"]?.stringValue ?? "HTTP \(response.status)"
        refused.append((input.label, reason))
        say("[\(index + 1)/\(inputs.count)] \(input.label): \(response.status) \(reason)")
    }
}

let drained = await client.flush(timeout: .seconds(timeoutSeconds))
let shutdown = await client.shutdown(timeout: .seconds(5))
let reports = await collector.value
emulator?.stop()

var delivered = 0
var deadLettered: [(label: String, reason: String)] = []
var undelivered: [String] = []
for (label, id) in acceptedIDs {
    switch reports[id]?.outcome {
    case .delivered: delivered += 1
    case .deadLettered(let status, let message): deadLettered.append((label, "\(status.map(String.init) ?? "-") \(message)"))
    case .dropped(let reason): deadLettered.append((label, "dropped: \(reason)"))
    case nil: undelivered.append(label)
    }
}

// What was delivered, as NDJSON.
let outputPath = options.value("--output") ?? ".build/chatlio-replay/delivered.ndjson"
let outputURL = URL(fileURLWithPath: outputPath)
var lines = Data()
if let emulator {
    for message in emulator.record.messages {
        guard let entity = relayMode == .raw ? message.message : message.xdmEntity else { continue }
        lines.append(contentsOf: entity.serialized(sortedKeys: true) + [0x0A])
    }
}
do {
    try FileManager.default.createDirectory(at: outputURL.deletingLastPathComponent(), withIntermediateDirectories: true)
    try lines.write(to: outputURL)
} catch {
    say("could not write \(outputURL.path): \(error.localizedDescription)")
}
// A temporary state goes only when it holds nothing: no event left, no dead letter.
let deadLettersKept = (try? await client.deadLetters.entries().count) ?? 0
let keptTemporaryState = !keepsState && options.value("--outbox") == nil && (shutdown.remaining > 0 || deadLettersKept > 0)
if !keepsState, options.value("--outbox") == nil, !keptTemporaryState, let state { try? FileManager.default.removeItem(at: state.root) }
let deadLetterLocation = deadLetterStore?.directory.standardizedFileURL.path ?? "memory (not kept)"
var redriveHelp = ""
if !deadLettered.isEmpty || deadLettersKept > 0 {
    if let adminState {
        redriveHelp = "\n        list them: swift run chatlio-aep-admin --state \(adminState) dead-letters list"
            + "\n        redrive:   swift run chatlio-aep-admin --state \(adminState) dead-letters redrive --all"
    } else {
        redriveHelp = "\n      (chatlio-aep-admin reads the state layout: next time use --state DIR, or an --outbox directory named outbox)"
    }
}

let failedAtInlet = emulator?.record.failedValidation.count ?? 0
let metrics = client.metrics()
print("""

    chatlio-replay summary
      inputs          \(inputs.count)
      accepted        \(acceptedIDs.count)   (decoded, mapped, validated, durably queued)
      refused         \(refused.count)\(refused.map { "\n        \($0.label): \($0.reason)" }.joined())
      delivered       \(delivered)   (\(metrics.requests) requests, \(metrics.bytesSent) bytes)
      dead-lettered   \(deadLettered.count)\(deadLettered.map { "\n        \($0.label): \($0.reason)" }.joined())
      dead letters    \(deadLettersKept) kept in \(deadLetterLocation)\(redriveHelp)
      not delivered   \(undelivered.count)\(drained ? "" : " (timed out after \(timeoutSeconds) s; \(shutdown.remaining) left in the outbox at \(outboxDirectory.path))")
      inlet rejected  \(failedAtInlet)   (failed the inlet's schema check)
      target          \(emulator == nil ? clientConfiguration.inletURL.absoluteString : "in-process AEPInletEmulator (\(relayMode == .raw ? "raw, one message per request" : "schema-validating"))")
      delivered \(relayMode == .raw ? "raw" : "XDM")   \(emulator == nil ? "(see AEP)" : outputURL.path)
    """)
exit(refused.isEmpty && deadLettered.isEmpty && undelivered.isEmpty && failedAtInlet == 0 && delivered == inputs.count ? 0 : 1)
