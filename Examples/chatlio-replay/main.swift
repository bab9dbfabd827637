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

/// Above this many inputs, progress lines replace the line per input.
let perInputLimit = 200
/// Seconds between progress lines.
let progressInterval = 2.0

let usage = """
    Usage: chatlio-replay [options] [FILE ...]

    Replays Chatlio webhook bodies through ChatlioRelay (decode → map → validate → durable send) and
    AEPStreamingClient to an AEP streaming inlet. With no FILE and no --stdin it replays every sample under
    Examples/Payloads/<kind>/ into an in-process AEPInletEmulator: no network, no account.

    Input:
      FILE ...                  webhook bodies; their kind comes from --kind, the sample folder, or the shape
      --kind KIND               the kind of every FILE (\(WebhookKind.allCases.map(\.rawValue).joined(separator: ", ")))
      --stdin                   read NDJSON lines {"kind": KIND, "payload": {...}} from standard input; a line
                                that is not one is refused on its own and the others go on
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
      --quiet                   no line per input and no progress on stderr; only the summary
      -h, --help                show this help

    Up to \(perInputLimit) inputs get a line each on stderr; more get a progress line (rate, ETA) every
    \(Int(progressInterval)) seconds, while sending and while waiting for delivery.

    Exit status: 0 when every input was delivered (or, with --dry-run, mapped and valid); 1 otherwise; 2 for usage errors.
    """

let tool = CommandLineTool(name: "chatlio-replay", usage: usage)

func fail(_ message: String) -> Never {
    tool.usageError(message)
}

func say(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

let options = tool.parse(
    flags: ["--stdin", "--dry-run", "--quiet"],
    valued: ["--kind", "--inlet", "--tenant", "--schema-id", "--dataset-id", "--flow-id", "--token-env", "--client-id",
             "--client-secret-env", "--org-id", "--sandbox", "--outbox", "--state", "--output", "--timeout", "--mode"])

// MARK: Inputs

struct Input {
    var label: String
    var kind: WebhookKind?
    /// The webhook body, or for `--stdin` the whole line, read when its turn comes so that a long
    /// input starts at once and a bad line is refused on its own.
    var content: Content

    enum Content {
        case body(Data)
        case stdinLine(Data)
    }
}

/// An input's kind and body, or why it is refused before reaching the relay.
func open(_ input: Input) -> Result<(kind: WebhookKind?, body: Data), InputProblem> {
    switch input.content {
    case .body(let body):
        return .success((input.kind, body))
    case .stdinLine(let line):
        guard let value = try? JSONValue(parsing: line), case .object(let object) = value else {
            return .failure(InputProblem("not a JSON object; each line is {\"kind\": KIND, \"payload\": {...}}"))
        }
        guard let payload = object["payload"], case .object = payload else {
            return .failure(InputProblem("no \"payload\" object; each line is {\"kind\": KIND, \"payload\": {...}}"))
        }
        var kind = input.kind
        if let given = object["kind"], given != .null {
            guard let name = given.stringValue, let parsed = WebhookKind(rawValue: name) else {
                return .failure(InputProblem("unknown kind \(String(decoding: given.serialized(), as: UTF8.self)); expected one of \(WebhookKind.allCases.map(\.rawValue).joined(separator: ", "))"))
            }
            kind = parsed
        }
        return .success((kind, Data(payload.serialized())))
    }
}

struct InputProblem: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Why a file cannot be read, in words.
func unreadableReason(_ path: String) -> String {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return "no such file" }
    if isDirectory.boolValue { return "it is a directory" }
    return FileManager.default.isReadableFile(atPath: path) ? "it could not be read" : "permission denied"
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
        // Numbered as an editor numbers lines, blank ones included.
        for (number, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated()
        where !line.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) {
            inputs.append(Input(label: "stdin:\(number + 1)", kind: kind, content: .stdinLine(Data(line))))
        }
        return inputs
    }
    if !options.positional.isEmpty {
        return options.positional.map { path in
            guard let body = FileManager.default.contents(atPath: path) else { fail("cannot read \(path): \(unreadableReason(path))") }
            // A sample's folder names its kind, as with the bundled samples.
            let folderKind = WebhookKind(rawValue: URL(fileURLWithPath: path).deletingLastPathComponent().lastPathComponent)
            return Input(label: path, kind: kind ?? folderKind, content: .body(body))
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
            inputs.append(Input(label: "\(sampleKind.rawValue)/\(name)", kind: sampleKind, content: .body(body)))
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

/// An input's kind (given, or inferred from the shape) and body, or why it is refused.
func resolve(_ input: Input) -> Result<(kind: WebhookKind, body: Data), any Error> {
    switch open(input) {
    case .failure(let problem): return .failure(problem)
    case .success(let opened):
        if let kind = opened.kind { return .success((kind, opened.body)) }
        return Result { () throws(ChatlioWebhookError) in (try ChatlioWebhook.decode(opened.body).kind, opened.body) }.mapError { $0 }
    }
}

let quiet = options.has("--quiet")
let linePerInput = !quiet && inputs.count <= perInputLimit

/// A line per input for short runs; for long ones, a rate and ETA line every few seconds.
struct Progress {
    let total: Int
    let verb: String
    let started = Date()
    var lastLine = Date()

    init(total: Int, verb: String) {
        self.total = total
        self.verb = verb
    }

    mutating func note(done: Int) {
        guard !quiet, !linePerInput else { return }
        let now = Date()
        guard now.timeIntervalSince(lastLine) >= progressInterval || done == total else { return }
        lastLine = now
        let rate = Double(done) / max(now.timeIntervalSince(started), 0.001)
        let eta = rate > 0 ? Int((Double(total - done) / rate).rounded(.up)) : 0
        say("\(verb) \(done) of \(total) (\(Int(rate)) a second, about \(eta) s left)")
    }
}

func sayPerInput(_ message: @autoclosure () -> String) {
    if linePerInput { say(message()) }
}

/// Refusals are printed even on long runs, unless --quiet.
func sayProblem(_ message: String) {
    if !quiet { say(message) }
}

// MARK: Dry run

if options.has("--dry-run") {
    let validator: XDMValidator
    do { validator = try mapper.validator() } catch { fail("\(error)") }
    var failures = 0
    var progress = Progress(total: inputs.count, verb: "mapped")
    for (index, input) in inputs.enumerated() {
        defer { progress.note(done: index + 1) }
        do {
            let (kind, body) = try resolve(input).get()
            let event = try mapper.map(ChatlioWebhook.decode(body, kind: kind), receivedAt: Date())
            let report = validator.validate(event.value)
            guard report.isValid else {
                failures += 1
                sayProblem("invalid \(input.label): \(report.violations.map(\.description).joined(separator: "; "))")
                continue
            }
            // Sorted keys, so two runs over the same inputs write the same bytes.
            print(String(decoding: event.value.serialized(sortedKeys: true), as: UTF8.self))
        } catch {
            failures += 1
            sayProblem("refused \(input.label): \(error)")
        }
    }
    say("dry run: \(inputs.count - failures) of \(inputs.count) mapped and valid")
    exit(failures == 0 ? 0 : 1)
}

// MARK: Delivery

let timeoutSeconds: Int
do { timeoutSeconds = try options.positiveInteger("--timeout") ?? 60 } catch { fail("\(error) (see --help)") }
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
var sending = Progress(total: inputs.count, verb: "sent to the relay")
for (index, input) in inputs.enumerated() {
    defer { sending.note(done: index + 1) }
    let route: WebhookKind
    let body: Data
    switch resolve(input) {
    case .success(let resolved): (route, body) = resolved
    case .failure(let error):
        refused.append((input.label, "\(error)"))
        sayProblem("[\(index + 1)/\(inputs.count)] \(input.label): refused: \(error)")
        continue
    }
    let response = await relay.handle(WebhookRequest(route: route.rawValue, body: body))
    let id = response.json?["id"]?.stringValue
    switch response.status {
    case 202:
        if let id { acceptedIDs.append((input.label, id)) }
        sayPerInput("[\(index + 1)/\(inputs.count)] \(input.label): accepted \(id?.prefix(12) ?? "")…")
    case 200:
        sayPerInput("[\(index + 1)/\(inputs.count)] \(input.label): duplicate of an earlier input, not sent again")
    default:
        let error = response.json?["error"]
        let reason = error.map { "\($0["code"]?.stringValue ?? "") at \($0["pointer"]?.stringValue ?? "the body"): \($0["reason"]?.stringValue ?? "")" }
            ?? response.json?["status"]?.stringValue ?? "HTTP \(response.status)"
        refused.append((input.label, reason))
        sayProblem("[\(index + 1)/\(inputs.count)] \(input.label): \(response.status) \(reason)")
    }
}

if !quiet { say("waiting for delivery of \(acceptedIDs.count) events (at most \(timeoutSeconds) s)…") }
let deliveryProgress = Task {
    // A line every few seconds while the outbox drains, from the client's own count.
    guard !quiet else { return }
    var waiting = Progress(total: acceptedIDs.count, verb: "delivered")
    waiting.lastLine = .distantPast
    while !Task.isCancelled {
        try? await Task.sleep(for: .seconds(progressInterval))
        guard !Task.isCancelled else { return }
        waiting.note(done: min(client.metrics().delivered, acceptedIDs.count))
    }
}
let drained = await client.flush(timeout: .seconds(timeoutSeconds))
deliveryProgress.cancel()
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
