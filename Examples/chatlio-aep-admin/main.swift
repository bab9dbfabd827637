// chatlio-aep-admin: look at and act on a stopped relay's state directory (ChatlioStateDirectory layout).
//
//   swift run chatlio-aep-admin --state /var/lib/chatlio-relay status [--json]
//   swift run chatlio-aep-admin --state DIR dead-letters list [--json]
//   swift run chatlio-aep-admin --state DIR dead-letters redrive --all
//   swift run chatlio-aep-admin --state DIR quarantine replay --all --tenant acme
import AEPStreamingClient
import ChatlioRelay
import ChatlioWebhooks
import ChatlioXDMMapper
import ExampleSupport
import Foundation

let usage = """
    Usage: chatlio-aep-admin --state DIR [--json] COMMAND

    Reads and changes the state a relay keeps under DIR (outbox/, dead-letters/, quarantine/,
    identities.ndjson). It takes the outbox's and the dead-letter store's locks, so it refuses while a
    relay or client runs on DIR: stop it, or use its admin endpoints (the Hummingbird relay's /admin/…).

    Commands:
      status                                  what the outbox, dead letters and quarantine hold
      dead-letters list                       every dead letter (--json: one object per line, payload included)
      dead-letters show ID                    one dead letter with its payload
      dead-letters redrive (--all | ID ...)   back into the outbox under the same _id, with a fresh enqueue time
      dead-letters purge (--all | ID ... | --older-than DURATION)
                                              delete for good (DURATION: 30s, 15m, 12h, 7d)
      quarantine list                         every refused webhook body
      quarantine show ID                      one item with its body
      quarantine replay (--all | ID ...)      decode, map and validate again with the current mapper; what
                                              passes goes into the outbox, what fails stays with its new reason
      quarantine purge (--all | ID ... | --older-than DURATION)

    Options:
      --state DIR          the state directory (required)
      --json               machine-readable output (status: one object; lists: one object per line)
      --tenant ID          the tenant id the mapper uses for quarantine replay (default: acme)
      --all                every item
      --older-than AGE     items older than AGE (purge only)
      -h, --help           show this help

    Exit status: 0 done; 1 failure (state in use, unknown id, an item still failing); 2 usage errors.
    """

let tool = CommandLineTool(name: "chatlio-aep-admin", usage: usage)

func usageError(_ message: String) -> Never {
    tool.usageError("\(message) (see --help)")
}

func failure(_ message: String) -> Never {
    FileHandle.standardError.write(Data("chatlio-aep-admin: \(message)\n".utf8))
    exit(1)
}

func say(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

let options = tool.parse(flags: ["--json", "--all"], valued: ["--state", "--tenant", "--older-than"])
guard let statePath = options.value("--state") else { usageError("--state DIR is required") }
let tenant = options.value("--tenant") ?? "acme"
// A tenant id the mapper refuses is the command line's fault, whatever the state holds.
do { _ = try XDMMapper(configuration: .init(tenantID: tenant)) } catch { usageError("--tenant: \(error)") }
let json = options.has("--json")
var words = options.positional[...]
guard let group = words.popFirst() else { usageError("no command; expected status, dead-letters or quarantine") }

// MARK: Arguments

/// `--all`, ids, or (purge only) `--older-than`: exactly one of them.
func selection(allowingAge: Bool, ids: ArraySlice<String>) -> ChatlioStateAdministration.Selection {
    let age = options.value("--older-than")
    let given = [options.has("--all"), !ids.isEmpty, age != nil].filter { $0 }.count
    let forms = allowingAge ? "--all, ids or --older-than DURATION" : "--all or ids"
    guard given == 1 else { usageError(given == 0 ? "say which items: \(forms)" : "give only one of \(forms)") }
    if options.has("--all") { return .all }
    if let age {
        guard allowingAge else { usageError("--older-than applies to purge only") }
        do { return .olderThan(try ChatlioStateAdministration.Age(parsing: age)) } catch { usageError("--older-than: \(error.reason)") }
    }
    return .ids(Array(ids))
}

func oneID(_ ids: ArraySlice<String>, for command: String) -> String {
    guard ids.count == 1, let id = ids.first else { usageError("\(command) takes one ID") }
    return id
}

func noSelectionOptions(_ command: String) {
    if options.has("--all") || options.value("--older-than") != nil { usageError("\(command) takes no --all or --older-than") }
}

// Decide everything the arguments say before touching the state.
enum Action {
    case status
    case listLetters, showLetter(String), redrive(ChatlioStateAdministration.Selection), purgeLetters(ChatlioStateAdministration.Selection)
    case listQuarantine, showQuarantine(String), replay(ChatlioStateAdministration.Selection), purgeQuarantine(ChatlioStateAdministration.Selection)
}

let action: Action
let verb = words.popFirst()
switch (group, verb) {
case ("status", nil):
    noSelectionOptions("status")
    action = .status
case ("status", let extra?):
    usageError("status takes no argument (got '\(extra)')")
case ("dead-letters", "list"?):
    noSelectionOptions("list")
    guard words.isEmpty else { usageError("dead-letters list takes no argument") }
    action = .listLetters
case ("dead-letters", "show"?):
    noSelectionOptions("show")
    action = .showLetter(oneID(words, for: "dead-letters show"))
case ("dead-letters", "redrive"?):
    action = .redrive(selection(allowingAge: false, ids: words))
case ("dead-letters", "purge"?):
    action = .purgeLetters(selection(allowingAge: true, ids: words))
case ("quarantine", "list"?):
    noSelectionOptions("list")
    guard words.isEmpty else { usageError("quarantine list takes no argument") }
    action = .listQuarantine
case ("quarantine", "show"?):
    noSelectionOptions("show")
    action = .showQuarantine(oneID(words, for: "quarantine show"))
case ("quarantine", "replay"?):
    action = .replay(selection(allowingAge: false, ids: words))
case ("quarantine", "purge"?):
    action = .purgeQuarantine(selection(allowingAge: true, ids: words))
case ("dead-letters", _), ("quarantine", _):
    usageError("\(group) needs one of list, show ID, \(group == "quarantine" ? "replay" : "redrive"), purge\(verb.map { " (got '\($0)')" } ?? "")")
default:
    usageError("unknown command '\(group)'; expected status, dead-letters or quarantine")
}

// MARK: Output

func line(_ value: JSONValue) {
    print(String(decoding: value.serialized(sortedKeys: true), as: UTF8.self))
}

/// Indented JSON, keys sorted; scalars written by the package's writer so numbers keep their text.
func pretty(_ value: JSONValue, indent: String = "") -> String {
    let inner = indent + "  "
    switch value {
    case .object(let object) where !object.isEmpty:
        let members = object.keys.sorted().map { key in
            "\(inner)\(String(decoding: JSONValue.string(key).serialized(), as: UTF8.self)): \(pretty(object[key] ?? .null, indent: inner))"
        }
        return "{\n" + members.joined(separator: ",\n") + "\n\(indent)}"
    case .array(let array) where !array.isEmpty:
        return "[\n" + array.map { inner + pretty($0, indent: inner) }.joined(separator: ",\n") + "\n\(indent)]"
    default:
        return String(decoding: value.serialized(sortedKeys: true), as: UTF8.self)
    }
}

func table(_ header: [String], _ rows: [[String]]) {
    var widths = header.map(\.count)
    for row in rows {
        for (column, cell) in row.enumerated() where column < widths.count { widths[column] = max(widths[column], cell.count) }
    }
    for row in [header] + rows {
        let cells = row.enumerated().map { column, cell in
            column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
        }
        print(cells.joined(separator: "  "))
    }
}

func shortened(_ text: String, _ limit: Int = 72) -> String {
    let flat = text.replacingOccurrences(of: "\n", with: " ")
    return flat.count <= limit ? flat : String(flat.prefix(limit - 1)) + "…"
}

func time(_ date: Date?) -> String {
    date.map(ChatlioStateAdministration.rfc3339) ?? "-"
}

func bytes(_ count: Int) -> String {
    count < 1024 ? "\(count) bytes" : count < 1 << 20 ? String(format: "%.1f KiB", Double(count) / 1024) : String(format: "%.1f MiB", Double(count) / 1_048_576)
}

func report(unknown: [String], kind: String) {
    if !unknown.isEmpty { say("no \(kind) has the id\(unknown.count == 1 ? "" : "s") \(unknown.joined(separator: ", "))") }
}

// MARK: Run

let state = ChatlioStateDirectory(path: statePath)
let admin: ChatlioStateAdministration
do {
    admin = try await ChatlioStateAdministration.open(state, mapperConfiguration: .init(tenantID: tenant))
} catch {
    failure(error.reason)
}

func run() async throws(ChatlioStateAdministrationError) -> Bool {
    switch action {
    case .status:
        let status = try await admin.status()
        if json {
            line(ChatlioStateAdministration.json(status))
        } else {
            print("""
                state         \(state.root.path)
                outbox        \(status.outbox.events) events, \(bytes(status.outbox.bytes)), oldest accepted \(time(status.outbox.oldest))
                dead letters  \(status.deadLetters.count), \(bytes(status.deadLetters.bytes)), oldest dead-lettered \(time(status.deadLetters.oldest))
                quarantine    \(status.quarantine.count) items, \(bytes(status.quarantine.bytes))
                """)
            if status.deadLetters.count > 0 {
                print("\nlist them:  chatlio-aep-admin --state \(state.root.path) dead-letters list\nsend again: chatlio-aep-admin --state \(state.root.path) dead-letters redrive --all")
            }
        }
        return true

    case .listLetters:
        let letters = try await admin.deadLettersWithPayloads()
        if json {
            letters.forEach { line(ChatlioStateAdministration.json($0)) }
        } else if letters.isEmpty {
            print("no dead letters in \(state.deadLetters.path)")
        } else {
            table(["ID", "STATUS", "ATTEMPTS", "KIND", "DEAD-LETTERED", "REASON"], letters.map { letter in
                let entry = letter.entry
                return [entry.id, entry.status.map(String.init) ?? "-", String(entry.attempts), entry.kind ?? "-", time(entry.deadLetteredAt), shortened(entry.reason)]
            })
        }
        return true

    case .showLetter(let id):
        guard let letter = try await admin.deadLetter(id: id) else { failure("no dead letter has the id \(id) in \(state.deadLetters.path)") }
        let value = ChatlioStateAdministration.json(letter)
        print(json ? String(decoding: value.serialized(sortedKeys: true), as: UTF8.self) : pretty(value))
        return true

    case .redrive(let selection):
        let outcome = try await admin.redriveDeadLetters(selection)
        if json { line(ChatlioStateAdministration.json(outcome)) } else { print("redrove \(outcome.done.count) dead letters into \(state.outbox.path)") }
        report(unknown: outcome.unknown, kind: "dead letter")
        if !outcome.done.isEmpty, !json { print("the relay sends them at its next start") }
        return outcome.unknown.isEmpty

    case .purgeLetters(let selection):
        let outcome = try await admin.purgeDeadLetters(selection)
        if json { line(ChatlioStateAdministration.json(outcome)) } else { print("purged \(outcome.done.count) dead letters") }
        report(unknown: outcome.unknown, kind: "dead letter")
        return outcome.unknown.isEmpty

    case .listQuarantine:
        let records = try admin.quarantineRecords()
        if json {
            records.forEach { line(ChatlioStateAdministration.json($0, body: true)) }
        } else if records.isEmpty {
            print("nothing quarantined in \(state.quarantine.path)")
        } else {
            table(["ID", "RECEIVED", "ROUTE", "CODE", "REASON"], records.map { record in
                [record.id, time(record.item.receivedAt), record.item.route, record.item.code, shortened(record.item.reason)]
            })
        }
        return true

    case .showQuarantine(let id):
        guard let record = try admin.quarantineRecord(id: id) else { failure("nothing quarantined has the id \(id) in \(state.quarantine.path)") }
        let value = ChatlioStateAdministration.json(record, body: true)
        print(json ? String(decoding: value.serialized(sortedKeys: true), as: UTF8.self) : pretty(value))
        return true

    case .replay(let selection):
        let outcome = try await admin.replayQuarantine(selection)
        if json {
            line(ChatlioStateAdministration.json(outcome))
        } else {
            print("replayed \(outcome.replayed.count) into \(state.outbox.path); \(outcome.stillFailing.count) still failing")
            for failed in outcome.stillFailing {
                print("  \(failed.id): \(failed.status) \(failed.reason)\(failed.requarantined ? " (kept with this reason under a new id)" : " (kept unchanged)")")
            }
        }
        report(unknown: outcome.unknown, kind: "quarantined item")
        return outcome.unknown.isEmpty && outcome.stillFailing.isEmpty

    case .purgeQuarantine(let selection):
        let outcome = try admin.purgeQuarantine(selection)
        if json { line(ChatlioStateAdministration.json(outcome)) } else { print("purged \(outcome.done.count) quarantined items") }
        report(unknown: outcome.unknown, kind: "quarantined item")
        return outcome.unknown.isEmpty
    }
}

let succeeded: Bool
do {
    succeeded = try await run()
} catch {
    await admin.close()
    failure(error.reason)
}
await admin.close()
exit(succeeded ? 0 : 1)
