import AEPStreamingClient
import ChatlioJSON
import ExampleSupport
import Foundation

/// `crash-harness child`: sends events until killed, printing "ok <id> <n> <t0> <t1>" once each `send` returned.
func runChild(_ options: CommandLineOptions) async -> Never {
    guard let directory = options.value("--outbox"), let inlet = tool.checked({ try options.url("--inlet") }),
          let run = tool.checked({ try options.integer("--run", in: 0 ... Int.max) })
    else { tool.usageError("child needs --outbox DIR, --inlet URL and --run N") }
    let senders = tool.checked { try options.positiveInteger("--senders") } ?? 1
    // --alter-self-check: one event in 50 carries a payload other than its id says, so the copy checks must FAIL.
    let alters = options.has("--alter-self-check")
    // --unsynced is the power-loss self-check: without fsync a simulated power loss must lose events.
    let durability: FileOutbox.Durability = options.has("--unsynced") ? .osBuffered : run % 2 == 0 ? .everyAppend : .groupCommit()
    do {
        // --memory-outbox is the harness's self-check: an outbox that does not survive a kill must FAIL.
        let outbox: any Outbox = options.has("--memory-outbox")
            ? InMemoryOutbox()
            : try FileOutbox(directory: URL(fileURLWithPath: directory), options: .init(durability: durability, segmentBytes: segmentBytes))
        let client = try await AEPStreamingClient(configuration: clientConfiguration(inlet: inlet), outbox: outbox)
        // Each sender owns the numbers congruent to its index; the id carries the number, so any copy of
        // any event (promised or in flight at the kill) can be checked against the payload it must have.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for sender in 0 ..< senders {
                group.addTask {
                    var number = sender
                    while true {
                        let id = "r\(run)-\(number)"
                        let before = Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
                        let sent = alters && number % 50 == 7 ? payload(id: id, number: number + 1) : payload(id: id, number: number)
                        try await client.send(StreamingEvent(id: id, payload: sent.serialized(sortedKeys: true)))
                        let after = Int64((Date().timeIntervalSince1970 * 1000).rounded(.up))
                        // Only after send returned: this id is now promised. One write(2) per line, under
                        // PIPE_BUF, so the senders' lines never interleave.
                        FileHandle.standardOutput.write(Data("ok \(id) \(number) \(before) \(after)\n".utf8))
                        number += senders
                    }
                }
            }
            try await group.next()
        }
        exit(4)
    } catch {
        FileHandle.standardError.write(Data("child: \(error)\n".utf8))
        exit(3)
    }
}
