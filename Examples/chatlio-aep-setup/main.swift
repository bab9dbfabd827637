// chatlio-aep-setup: provisions AEP for Chatlio events over the Platform APIs (--apply), or writes the
// request bodies with the curl lines that send them.
//
//   swift run chatlio-aep-setup --apply --tenant acme --mode raw --org-id ORG@AdobeOrg --sandbox prod \
//       --client-id ID --client-secret-env AEP_CLIENT_SECRET
//   swift run chatlio-aep-setup --tenant acme --mode raw --out aep-setup   # NN-step.json + NN-step.sh files
import AEPProvisioning
import AEPStreamingClient
import ChatlioWebhooks
import ChatlioXDMMapper
import ExampleSupport
import Foundation
import XDMSchemaRegistry

let usage = """
    Usage: chatlio-aep-setup --apply --tenant ID --mode raw|xdm --org-id ORG --sandbox NAME
                             --client-id ID --client-secret-env VAR [--platform-url URL] [--ims-url URL]
                             [--state FILE] [--relay-url URL] [--profile] [--dry-run]
           chatlio-aep-setup --tenant ID [--mode raw|xdm] [--out DIR] [--profile]

    Sets up AEP for Chatlio events in the order of Adobe's tutorials:
      raw  AEP's Chatlio source (sources/tutorials/api/create/marketing-automation/chatlio-webhook.md):
           source connection, field group, schema, the ChatlioVisitor namespace, identity descriptors
           (visitor UUID primary, email second), dataset, target connection, Data Prep mapping set,
           dataflow, and the flow's inletUrl. Chatlio's JSON goes in as is; AEP maps it.
      xdm  the HTTP API streaming source (sources/tutorials/api/create/streaming/http.md) for the relay's
           XDM envelopes: base connection and its inletUrl, source connection, field group, schema,
           namespace, dataset, target connection, dataflow. The relay maps and validates before sending.

    --apply runs the steps against the Platform APIs. Each step reuses what exists (by the id in the
    state file, else by name or title) and creates only what is missing; the state file is written after
    every step, so a run that failed half-way continues where it stopped. Each step prints `created`,
    `reused` or `updated` with its id; at the end: the inletUrl, the flow id and the URLs for Chatlio's
    five webhook fields. With --dry-run it prints the plan and sends nothing.

    Without --apply it prints (or writes to DIR) each step's request body with the curl line that sends
    it, in order, and in raw mode a source sample per webhook kind. The curl lines read ACCESS_TOKEN,
    API_KEY, ORG_ID and SANDBOX_NAME, and the ids earlier steps returned (SCHEMA_ID, …), from the
    environment.

    Options:
      --tenant ID              the tenant id, without the leading underscore (GET /schemaregistry/stats)
      --mode raw|xdm           which source receives the webhooks (default raw, Adobe's Chatlio source)
      --profile                enable the schema and dataset for Real-Time Customer Profile
      --apply                  provision over the Platform APIs
      --dry-run                with --apply: print the plan only
      --org-id ORG             x-gw-ims-org-id (with --apply)
      --sandbox NAME           x-sandbox-name (with --apply)
      --client-id ID           OAuth server-to-server client id; also the x-api-key (with --apply)
      --client-secret-env VAR  the environment variable holding the client secret (with --apply)
      --platform-url URL       the Platform API gateway (default https://platform.adobe.io)
      --ims-url URL            Adobe IMS; the token comes from URL/ims/token/v3 (default https://ims-na1.adobelogin.com)
      --state FILE             where the ids are kept between runs (default chatlio-aep-<mode>.state.json)
      --relay-url URL          the relay's public base URL, for the per-kind webhook URLs it prints
      --out DIR                without --apply: write files to DIR instead of printing
      -h, --help               show this help

    Exit status: 0 on success; 1 when a step failed (what was done is in the state file); 2 for usage errors.
    """

let tool = CommandLineTool(name: "chatlio-aep-setup", usage: usage)

func fail(_ message: String) -> Never {
    tool.usageError(message)
}

let options = tool.parse(
    flags: ["--profile", "--apply", "--dry-run"],
    valued: ["--tenant", "--mode", "--out", "--org-id", "--sandbox", "--client-id", "--client-secret-env", "--platform-url", "--ims-url",
             "--state", "--relay-url"])
if let stray = options.positional.first { fail("unexpected argument '\(stray)' (see --help)") }
guard let tenant = options.value("--tenant") else { fail("--tenant is required (see --help)") }
let modeText = options.value("--mode") ?? "raw"
guard let mode = ChatlioProvisioningPlan.Mode(rawValue: modeText) else { fail("--mode is raw or xdm, not '\(modeText)'") }
if options.has("--dry-run"), !options.has("--apply") { fail("--dry-run goes with --apply (without --apply nothing is sent anyway)") }

let plan: ChatlioProvisioningPlan
do {
    var configuration = try ChatlioProvisioningPlan.Configuration(tenantID: tenant, mode: mode)
    configuration.profileEnabled = options.has("--profile")
    plan = try ChatlioProvisioningPlan(configuration: configuration)
} catch {
    fail("\(error)")
}

/// The Chatlio webhook a URL is for, in words.
func webhookField(_ kind: WebhookKind) -> String {
    switch kind {
    case .chatTranscript: "chat transcript exported:"
    case .offlineMessage: "offline message:"
    case .conversationStarted: "new conversation started:"
    case .unansweredMessage: "visitor got no answer in time:"
    case .visitorFeedback: "visitor left feedback:"
    }
}

/// The environment variable a step's id goes in for the curl scripts: `SCHEMA_ID`, `FLOW_ID`, …
func variable(_ step: ProvisioningStep) -> String {
    step.rawValue.reduce(into: "") { name, character in
        if character.isUppercase { name += "_" }
        name += character.uppercased()
    } + "_ID"
}

/// An earlier step's id in a written body: a token of unreserved characters, so it survives URL encoding.
func placeholder(_ step: ProvisioningStep) -> String {
    step == .identityNamespace ? plan.configuration.namespace.code : "__\(variable(step))__"
}

let previewed = plan.preview(placeholder: placeholder)

/// `--apply`: provisions and prints; returns the exit status. A function, so every value it made is
/// released before the process exits (LeakSanitizer checks the child processes the tests run).
func apply() async -> Int32 {
    // MARK: --apply
    let platformURL = URL(string: options.value("--platform-url") ?? "https://platform.adobe.io")
    guard let platformURL, platformURL.host != nil else { fail("--platform-url is not a URL: \(options.value("--platform-url") ?? "")") }
    let imsText = options.value("--ims-url") ?? "https://ims-na1.adobelogin.com"
    guard let ims = URL(string: imsText), ims.host != nil else { fail("--ims-url is not a URL: \(imsText)") }
    let stateURL = URL(fileURLWithPath: options.value("--state") ?? "chatlio-aep-\(mode.rawValue).state.json")

    if options.has("--dry-run") {
        let recorded: ProvisioningState?
        do { recorded = try ProvisioningState.load(from: stateURL) } catch { fail("\(error)") }
        print("Plan (\(mode.rawValue) mode, tenant \(tenant)); nothing is sent:")
        for (index, planned) in previewed.enumerated() {
            let number = String(format: "%02d", index + 1)
            if planned.step == .inletURL {
                let path = ProvisioningStep.allCases.reduce(planned.request.path) { $0.replacingOccurrences(of: "__\(variable($1))__", with: "{\($1)}") }
                print("  \(number) \(planned.step): read with \(planned.request.method) \(path)")
                continue
            }
            let known = recorded?[planned.step].map { "the recorded id \($0), else " } ?? ""
            print("  \(number) \(planned.step): reuse \(known)\(planned.lookup); else \(planned.request.method) \(planned.request.path)")
        }
        print("State file: \(stateURL.path)\(recorded == nil ? " (none yet)" : "")")
        return 0
    }

    guard let orgID = options.value("--org-id") else { fail("--apply needs --org-id (see --help)") }
    guard let sandbox = options.value("--sandbox") else { fail("--apply needs --sandbox (see --help)") }
    guard let clientID = options.value("--client-id") else { fail("--apply needs --client-id (see --help)") }
    guard let secretVariable = options.value("--client-secret-env") else { fail("--apply needs --client-secret-env VAR (see --help)") }
    guard let secret = ProcessInfo.processInfo.environment[secretVariable], !secret.isEmpty else {
        fail("the environment variable \(secretVariable) (--client-secret-env) is not set or empty")
    }
    let credentials = OAuthClientCredentials(
        clientID: clientID, clientSecret: Secret(secret), tokenURL: ims.appendingPathComponent("ims/token/v3"))
    var configuration = AEPPlatformClient.Configuration(credentials: credentials, orgID: orgID, sandbox: sandbox, platformURL: platformURL)
    // Each step's outcome as it happens, so a run that stops shows how far it got.
    configuration.log = { event in
        if event.level == .info {
            let words = event.message.split(separator: " ", maxSplits: 2).map(String.init)
            print(words.count == 3 ? "  \(words[0].padding(toLength: 24, withPad: " ", startingAt: 0)) \(words[1].padding(toLength: 8, withPad: " ", startingAt: 0)) \(words[2])" : "  \(event.message)")
        } else {
            FileHandle.standardError.write(Data("chatlio-aep-setup: \(event.message)\n".utf8))
        }
    }
    let result: ProvisioningResult
    do {
        let client = try AEPPlatformClient(configuration: configuration)
        print("Provisioning AEP for Chatlio (\(mode.rawValue) mode, tenant \(tenant), sandbox \(sandbox)):")
        result = try await plan.run(client: client, stateFile: stateURL)
    } catch {
        FileHandle.standardError.write(Data("chatlio-aep-setup: \(error)\nThe steps done so far are in \(stateURL.path); run the same command again to continue.\n".utf8))
        return 1
    }
    print("""

        inletUrl:   \(result.inletURL)
        flow id:    \(result.flowID)
        dataset id: \(result.datasetID)
        schema id:  \(result.schemaID)
        state file: \(stateURL.path)

        """)
    let relay = options.value("--relay-url").map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 } ?? "https://YOUR-RELAY"
    switch mode {
    case .raw:
        // The UI tutorial's pattern: {STREAMING_ENDPOINT}?x-adobe-flow-id={DATAFLOW_ID}
        // (help/sources/tutorials/ui/create/marketing-automation/chatlio-webhook.md).
        print("""
            Chatlio's webhook fields (Chatlio dashboard, Behavior tab), either:
              a) Chatlio posting straight to AEP, as Adobe's tutorial does: this one URL in all five fields
                 \(result.inletURL)?x-adobe-flow-id=\(result.flowID)
                 (a direct post has no deterministic _id, so repeats are not deduplicated, and the three
                 conversation events cannot be told apart: see Documentation/GettingStarted.md)
              b) through the relay in raw mode (AEP_FORMAT=raw AEP_INLET_URL=\(result.inletURL) AEP_FLOW_ID=\(result.flowID)),
                 one URL per field:
            """)
    case .xdm:
        print("""
            Chatlio's webhook fields (Chatlio dashboard, Behavior tab), one relay URL per field (the relay
            runs with AEP_INLET_URL=\(result.inletURL) AEP_FLOW_ID=\(result.flowID) AEP_DATASET_ID=\(result.datasetID)
            AEP_SCHEMA_ID=\(result.schemaID)):
            """)
    }
    for kind in WebhookKind.allCases {
        print("     \(webhookField(kind).padding(toLength: 44, withPad: " ", startingAt: 0)) \(relay)/chatlio/\(kind.rawValue)")
    }
    print("     (with CHATLIO_URL_TOKEN set on the relay, add ?token=<that token> to each)")
    return 0
}

if options.has("--apply") { exit(await apply()) }

// MARK: Bodies and curl lines

if options.value("--state") != nil || options.value("--org-id") != nil || options.value("--client-id") != nil {
    fail("--state, --org-id and --client-id go with --apply (see --help)")
}

struct Step {
    var file: String
    var title: String
    var request: PlatformRequest
}

let platform = "https://platform.adobe.io"
let steps: [Step] = previewed.enumerated().map { index, planned in
    let title = planned.step == .inletURL ? "the streaming endpoint URL" : "look first for \(planned.lookup); else create"
    return Step(file: String(format: "%02d-%@", index + 1, planned.step.rawValue), title: title, request: planned.request)
}

/// A small, valid body of each kind as the relay sends it in raw mode (with its
/// `chatlioAEP` member, every key of it: the transcript's `visitorUUID` comes
/// from its conversation's earlier webhook): what AEP's source setup asks for as a sample.
func sourceSample(_ kind: WebhookKind) -> JSONValue {
    let receivedAt = Date(timeIntervalSince1970: 1_716_135_272)
    func decoded(_ kind: WebhookKind) -> (Data, ChatlioWebhook)? {
        let data = Data(chatlioSample(kind).serialized(sortedKeys: true))
        return (try? ChatlioWebhook.decode(data, kind: kind)).map { (data, $0) }
    }
    guard let sampleMapper = try? XDMMapper(configuration: .init(tenantID: tenant), identityStore: InMemoryConversationIdentityStore(capacity: 8)),
          let (data, webhook) = decoded(kind)
    else { return chatlioSample(kind) }
    if kind == .chatTranscript, let (_, started) = decoded(.conversationStarted) { _ = sampleMapper.rawEnrichment(of: started, receivedAt: receivedAt) }
    guard let enriched = try? XDMMapper.enrichedRawBody(data, of: webhook, adding: sampleMapper.rawEnrichment(of: webhook, receivedAt: receivedAt)),
          let value = try? JSONValue(parsing: Data(enriched))
    else { return chatlioSample(kind) }
    return value
}

/// A small, valid body of each shape, as Chatlio posts it.
func chatlioSample(_ kind: WebhookKind) -> JSONValue {
    let visitor: JSONValue = [
        "email": "jane@example.com", "UUID": "2d3f4260-2235-903b-0a82-a23d326cc257", "name": "Jane Doe", "identUserId": "user1234",
        "identTraits": #"{"plan":"king"}"#, "userAgent": "Mozilla/5.0", "handle": "united-states-27",
        "currentPage": "https://www.example.com/signup", "referrerURL": "https://www.google.com/",
        "createdAt": "2024-02-07T11:02:17.839766-08:00", "IPAddress": "203.0.113.7", "location": "Los Angeles, California, United States",
    ]
    switch kind.payloadShape {
    case .conversationEvent:
        return ["visitor": visitor, "message": "Hi, I am having trouble signing up", "conversationUUID": "e3d1800d-2d9e-4966-4500-9ff986cfa197",
                "channelId": "C1NABCDEF", "slackChannelName": "live-chat", "slackChannelId": "C1XPVTNKR"]
    case .offlineMessage:
        return ["name": "Jane Doe", "email": "jane@example.com", "emailPretty": "\"Jane Doe\" <jane@example.com>", "message": "Please call me back", "visitor": visitor]
    case .transcript:
        return ["agentEmail": "agent@example.com", "agentName": "Some One", "archiveUrl": "https://example.slack.com/archives/C03FVS2UR",
                "extraData": ["extra"], "channelId": "C03FVS2UR", "channelName": "los-angeles-california-us-27",
                "conversationUUID": "e3d1800d-2d9e-4966-4500-9ff986cfa197", "startedAt": "2024-05-19T18:13:15.560106+02:00",
                "endedAt": "2024-05-19T18:14:32.000026941+02:00", "htmlBody": "<p>Hi</p>", "textBody": "Hi",
                "messages": [["text": "Hi", "ts": "1716135209.000005", "sentAt": "2024-05-19T18:13:29.000005006+02:00", "userId": "", "username": "los-angeles-california-us", "isVisitorMsg": true]],
                "visitorEmail": "jane@example.com", "replyToEmail": "jane@example.com", "visitorName": "Jane Doe", "visitorTraits": ["current_page": "https://www.example.com/pricing"]]
    }
}

/// The ids a step's body or URL needs from earlier steps.
func needs(_ step: Step) -> [String] {
    let text = (step.request.body.map { $0.jsonString(sortedKeys: true) } ?? "") + step.request.path
    return ProvisioningStep.allCases.map(variable).filter { text.contains("__\($0)__") }
}

func curl(_ step: Step) -> String {
    var path = step.request.path
    for name in needs(step) { path = path.replacingOccurrences(of: "__\(name)__", with: "${\(name)}") }
    var lines = [
        "curl -sS -X \(step.request.method) \"\(platform)\(path)\"",
        "-H \"Authorization: Bearer $ACCESS_TOKEN\"", "-H \"x-api-key: $API_KEY\"", "-H \"x-gw-ims-org-id: $ORG_ID\"",
        "-H \"x-sandbox-name: $SANDBOX_NAME\"",
    ]
    // Each endpoint's own Accept: xed for the registry, xdm for descriptors (help/xdm/api/descriptors.md).
    if let accept = step.request.accept { lines.append("-H 'Accept: \(accept)'") }
    guard step.request.body != nil else { return lines.joined(separator: " \\\n  ") }
    lines.append("-H 'Content-Type: \(step.request.contentType)'")
    lines.append("--data @-")
    let substitutions = needs(step).map { "-e \"s|__\($0)__|${\($0)}|g\"" }
    let feed = substitutions.isEmpty ? "cat \(step.file).json" : "sed \(substitutions.joined(separator: " ")) \(step.file).json"
    return feed + " | " + lines.joined(separator: " \\\n  ")
}

func script(_ step: Step) -> String {
    let needed = needs(step)
    let check = needed.map { ": \"${\($0):?set \($0) to the id an earlier step returned}\"\n" }.joined()
    return "#!/bin/sh\n# \(step.title)\nset -eu\n\(check)\(curl(step))\n"
}

let samples = mode == .raw ? WebhookKind.allCases : []
if let outputDirectory = options.value("--out") {
    let directory = URL(fileURLWithPath: outputDirectory)
    do {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for step in steps {
            if let body = step.request.body {
                try Data(body.serialized(sortedKeys: true)).write(to: directory.appendingPathComponent(step.file + ".json"))
            }
            try Data(script(step).utf8).write(to: directory.appendingPathComponent(step.file + ".sh"))
        }
        for kind in samples {
            try Data(sourceSample(kind).serialized(sortedKeys: true)).write(to: directory.appendingPathComponent("source-sample-\(kind.rawValue).json"))
        }
        print("wrote \(steps.count) steps (request bodies with their curl scripts)\(samples.isEmpty ? "" : " and \(samples.count) source samples") to \(directory.path)")
    } catch {
        fail("could not write to \(directory.path): \(error.localizedDescription)")
    }
} else {
    for step in steps {
        let body = step.request.body.map { "\(step.file).json:\n\($0.jsonString(sortedKeys: true))\n" } ?? ""
        print("## \(step.file): \(step.title)\n\(curl(step))\n\(body)")
    }
    for kind in samples {
        print("## source-sample-\(kind.rawValue).json\n\(sourceSample(kind).jsonString(sortedKeys: true))\n")
    }
}
