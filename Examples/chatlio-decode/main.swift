// chatlio-decode: decodes Chatlio webhook bodies and prints what each holds.
//
//   swift run chatlio-decode                       # every sample in Examples/Payloads
//   swift run chatlio-decode --kind offline-message body.json
//   swift run chatlio-decode body.json             # infer the kind from the shape
import ChatlioWebhooks
import ExampleSupport
import Foundation

let usage = """
    Usage: chatlio-decode [--kind KIND] [FILE ...]

    Decodes Chatlio webhook bodies with ChatlioWebhooks and prints a summary of each.
    With no FILE, decodes every sample under Examples/Payloads/<kind>/.

    Options:
      --kind KIND   decode every FILE as KIND (\(WebhookKind.allCases.map(\.rawValue).joined(separator: ", ")));
                    without it the kind comes from the sample folder, or from the body's shape
      -h, --help    show this help

    Exit status: 0 when every body decoded; 1 when one did not; 2 for usage errors (an unknown option
    or kind, a FILE that cannot be read).
    """

let tool = CommandLineTool(name: "chatlio-decode", usage: usage)

func fail(_ message: String) -> Never {
    tool.usageError(message)
}

let options = tool.parse(valued: ["--kind"])
var kind: WebhookKind?
if let value = options.value("--kind") {
    guard let parsed = WebhookKind(rawValue: value) else {
        fail("unknown kind '\(value)'; expected one of \(WebhookKind.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    kind = parsed
}
let files = options.positional
// A FILE that cannot be read is a usage error, said before anything is decoded (as chatlio-replay does).
for path in files {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { fail("cannot read \(path): no such file") }
    if isDirectory.boolValue { fail("cannot read \(path): it is a directory") }
    guard FileManager.default.isReadableFile(atPath: path) else { fail("cannot read \(path): permission denied") }
}

var inputs: [(path: String, kind: WebhookKind?)] = files.map { ($0, kind) }
if inputs.isEmpty {
    let root = URL(fileURLWithPath: "Examples/Payloads")
    for sampleKind in WebhookKind.allCases where kind == nil || kind == sampleKind {
        let folder = root.appendingPathComponent(sampleKind.rawValue)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { continue }
        for name in names.sorted() where name.hasSuffix(".json") {
            inputs.append((folder.appendingPathComponent(name).path, sampleKind))
        }
    }
    if inputs.isEmpty { fail("no samples found under \(root.path); run from the package root or pass files") }
}

func summary(of webhook: ChatlioWebhook) -> String {
    switch webhook {
    case .chatTranscript(let transcript):
        return "conversation \(transcript.conversationUUID), \(transcript.messages.count) messages, ended \(transcript.endedAt?.text ?? "-")"
    case .offlineMessage(let offline):
        return "visitor \(offline.visitor.uuid), from \(offline.email ?? "-"), \(offline.message?.count ?? 0) characters"
    case .conversationStarted(let event as any ConversationEventPayload),
        .unansweredMessage(let event as any ConversationEventPayload),
        .visitorFeedback(let event as any ConversationEventPayload):
        return "visitor \(event.event.visitor.uuid), conversation \(event.event.conversationUUID ?? "-"), message \(event.event.message?.count ?? 0) characters"
    }
}

var failures = 0
for input in inputs {
    let name = URL(fileURLWithPath: input.path).lastPathComponent
    do {
        let data = try Data(contentsOf: URL(fileURLWithPath: input.path))
        let webhook = try input.kind.map { try ChatlioWebhook.decode(data, kind: $0) } ?? ChatlioWebhook.decode(data)
        let extra = webhook.payload.additionalFields.keys.sorted()
        print("ok    \(webhook.kind.rawValue.padding(toLength: 20, withPad: " ", startingAt: 0)) \(name): \(summary(of: webhook))\(extra.isEmpty ? "" : "; unknown keys kept: \(extra.joined(separator: ", "))")")
    } catch let error as ChatlioWebhookError {
        failures += 1
        print("error \(name): \(error)")
    } catch {
        failures += 1
        print("error \(name): \(error.localizedDescription)")
    }
}
print("\(inputs.count - failures) of \(inputs.count) decoded")
exit(failures == 0 ? 0 : 1)
