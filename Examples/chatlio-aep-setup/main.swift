// chatlio-aep-setup: everything AEP needs for Chatlio events, for one tenant, as request bodies with the
// curl lines that send them.
//
//   swift run chatlio-aep-setup --tenant acme                 # print to stdout
//   swift run chatlio-aep-setup --tenant acme --out aep-setup # write NN-name.json + NN-name.sh files
import ChatlioWebhooks
import ChatlioXDMMapper
import ExampleSupport
import Foundation
import XDMSchemaRegistry

let usage = """
    Usage: chatlio-aep-setup --tenant ID [--out DIR] [--profile] [--field-group-id ID] [--schema-id ID]
                             [--visitor-namespace CODE] [--email-namespace CODE]

    Prints (or writes to DIR) the bodies that set up AEP for Chatlio events, each with the curl line that
    sends it, in the order to send them:
      01 the Chatlio tenant field group          POST /data/foundation/schemaregistry/tenant/fieldgroups
      02 the Chatlio ExperienceEvent schema      POST /data/foundation/schemaregistry/tenant/schemas
      03 the identity descriptors: the visitor   POST /data/foundation/schemaregistry/tenant/descriptors
         UUID primary, the email secondary
      04 the dataset                             POST /data/foundation/catalog/dataSets
      05 the Data Prep mapping set for the one   POST /data/foundation/conversion/mappingSets
         raw dataflow all five webhooks reach
      06 a source sample JSON per webhook kind, as the relay sends it in raw mode
    The curl lines read ACCESS_TOKEN, API_KEY, ORG_ID and SANDBOX_NAME from the environment.

    Options:
      --tenant ID            the tenant id, without the leading underscore (GET /schemaregistry/stats)
      --out DIR              write files to DIR instead of printing
      --profile              enable the schema and dataset for Real-Time Customer Profile
      --field-group-id ID    the $id AEP returned for the field group (step 02 refers to it)
      --schema-id ID         the $id AEP returned for the schema (steps 03–05 refer to it)
      --visitor-namespace CODE the primary identity's namespace, for visitor UUIDs (default ChatlioVisitor)
      --email-namespace CODE   the second identity's namespace, for emails (default Email)
      -h, --help             show this help
    """

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("chatlio-aep-setup: \(message)\n".utf8))
    exit(2)
}

let options: CommandLineOptions
do {
    options = try CommandLineOptions(
        parsing: CommandLine.arguments.dropFirst(), flags: ["--help", "--profile"],
        valued: ["--tenant", "--out", "--field-group-id", "--schema-id", "--visitor-namespace", "--email-namespace"])
} catch {
    fail("\(error) (see --help)")
}
if options.has("--help") {
    print(usage)
    exit(0)
}
if let stray = options.positional.first { fail("unexpected argument '\(stray)' (see --help)") }
let tenant = options.value("--tenant")
let outputDirectory = options.value("--out")
let profileEnabled = options.has("--profile")
let fieldGroupID = options.value("--field-group-id")
let schemaID = options.value("--schema-id")
let emailNamespace = options.value("--email-namespace") ?? "Email"
let visitorNamespace = options.value("--visitor-namespace") ?? "ChatlioVisitor"
guard let tenant else { fail("--tenant is required (see --help)") }

let chatlio: ChatlioXDM
let mapper: XDMMapper
do {
    chatlio = try ChatlioXDM(tenantID: tenant)
    mapper = try XDMMapper(configuration: .init(tenantID: tenant))
} catch {
    fail("\(error)")
}

struct Step {
    var file: String
    var title: String
    var method: String
    var url: String
    var body: JSONValue
    var extraHeaders: [String] = []
}

let platform = "https://platform.adobe.io"
let effectiveSchemaID = schemaID ?? chatlio.experienceEventSchemaID
var steps: [Step] = []
let descriptors = chatlio.identityDescriptorRequests(schemaID: effectiveSchemaID, visitorNamespace: visitorNamespace, emailNamespace: emailNamespace)
for (file, title, request) in [
    ("01-field-group", "the Chatlio tenant field group", chatlio.fieldGroupRequest()),
    ("02-schema", "the Chatlio ExperienceEvent schema", chatlio.schemaRequest(fieldGroupID: fieldGroupID, profileEnabled: profileEnabled)),
    ("03-identity-descriptor-visitor", "the primary identity descriptor (\(chatlio.visitorUUIDIdentityPath) as \(visitorNamespace))", descriptors[0]),
    ("03-identity-descriptor-email", "the second identity descriptor (personalEmail.address as \(emailNamespace), not primary)", descriptors[1]),
    ("04-dataset", "the dataset", chatlio.datasetRequest(schemaID: effectiveSchemaID, profileEnabled: profileEnabled)),
] {
    // Each endpoint's own Accept: xed for the registry, xdm for descriptors (help/xdm/api/descriptors.md).
    let accept = request.accept.map { ["-H 'Accept: \($0)'"] } ?? []
    steps.append(Step(file: file, title: title, method: request.method, url: platform + request.path, body: request.body, extraHeaders: accept))
}
steps.append(Step(
    file: "05-mapping-set", title: "the Data Prep mapping set for the one raw Chatlio dataflow (all five webhook kinds)", method: "POST",
    url: platform + "/data/foundation/conversion/mappingSets", body: mapper.dataPrepMappingSet(schemaID: effectiveSchemaID)))

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

func curl(_ step: Step) -> String {
    ([
        "curl -sS -X \(step.method) '\(step.url)'",
        "-H \"Authorization: Bearer $ACCESS_TOKEN\"", "-H \"x-api-key: $API_KEY\"", "-H \"x-gw-ims-org-id: $ORG_ID\"",
        "-H \"x-sandbox-name: $SANDBOX_NAME\"", "-H 'Content-Type: application/json'",
    ] + step.extraHeaders + ["--data @\(step.file).json"]).joined(separator: " \\\n  ")
}

if let outputDirectory {
    let directory = URL(fileURLWithPath: outputDirectory)
    do {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for step in steps {
            try Data(step.body.serialized(sortedKeys: true)).write(to: directory.appendingPathComponent(step.file + ".json"))
            try Data("#!/bin/sh\n# \(step.title)\n\(curl(step))\n".utf8).write(to: directory.appendingPathComponent(step.file + ".sh"))
        }
        for kind in WebhookKind.allCases {
            try Data(sourceSample(kind).serialized(sortedKeys: true)).write(to: directory.appendingPathComponent("06-source-sample-\(kind.rawValue).json"))
        }
        print("wrote \(steps.count) request bodies with their curl scripts and \(WebhookKind.allCases.count) source samples to \(directory.path)")
    } catch {
        fail("could not write to \(directory.path): \(error.localizedDescription)")
    }
} else {
    for step in steps {
        print("## \(step.file): \(step.title)\n\(curl(step))\n\(step.file).json:\n\(step.body.jsonString(sortedKeys: true))\n")
    }
    for kind in WebhookKind.allCases {
        print("## 06-source-sample-\(kind.rawValue).json\n\(sourceSample(kind).jsonString(sortedKeys: true))\n")
    }
}
