import AEPStreamingClient
import ChatlioJSON
import ExampleSupport
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The SIGKILL child: sends `CrashWorkload` events through one `AEPStreamingClient` until it is killed,
/// announcing each event once its `send` returned (then it is promised: it must reach the inlet).
struct CrashChild {
    enum Durability: String, CaseIterable {
        case everyAppend = "every-append", groupCommit = "group-commit", osBuffered = "os-buffered"

        var outbox: FileOutbox.Durability {
            switch self {
            case .everyAppend: .everyAppend
            case .groupCommit: .groupCommit()
            case .osBuffered: .osBuffered
            }
        }
    }

    let directory: URL
    let inlet: URL
    let run: Int
    let senders: Int
    let durability: Durability
    /// Where the "ok" lines go: standard output, or a file opened for appending.
    let promises: Int32
    /// Self-check of crash-harness: an outbox that does not survive a kill must FAIL.
    let memoryOutbox: Bool
    /// Self-check of crash-harness: one event in 50 carries a payload other than its id says.
    let alters: Bool

    init(_ options: CommandLineOptions) {
        let tool = ClientHarness.tool
        guard let directory = options.value("--outbox"), let inlet = tool.checked({ try options.url("--inlet") }),
              let run = tool.checked({ try options.integer("--run", in: 0 ... Int.max) })
        else { tool.usageError("child needs --outbox DIR, --inlet URL and --run N") }
        self.directory = URL(fileURLWithPath: directory)
        self.inlet = inlet
        self.run = run
        senders = tool.checked { try options.positiveInteger("--senders") } ?? 1
        durability = tool.checked { try options.choice("--durability", of: Durability.self) } ?? .groupCommit
        if let path = options.value("--promises") {
            let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
            guard fd >= 0 else { tool.usageError("--promises: cannot open \(path): \(String(cString: strerror(errno)))") }
            promises = fd
        } else {
            promises = STDOUT_FILENO
        }
        memoryOutbox = options.has("--memory-outbox")
        alters = options.has("--alter-self-check")
    }

    func run() async -> Never {
        do {
            let outbox: any Outbox = memoryOutbox
                ? InMemoryOutbox()
                : try FileOutbox(directory: directory, options: .init(durability: durability.outbox, segmentBytes: CrashWorkload.segmentBytes))
            let client = try await AEPStreamingClient(configuration: CrashWorkload.configuration(inlet: inlet), outbox: outbox)
            // Each sender owns the numbers congruent to its index; the id carries the number.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for sender in 0 ..< senders {
                    group.addTask { try await send(through: client, from: sender) }
                }
                try await group.next()
            }
            exit(4)
        } catch {
            FileHandle.standardError.write(Data("child: \(error)\n".utf8))
            exit(3)
        }
    }

    private func send(through client: AEPStreamingClient, from sender: Int) async throws {
        var number = sender
        while true {
            let id = CrashWorkload.id(run: run, number: number)
            let before = Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
            let sent = CrashWorkload.payload(id: id, number: alters && number % 50 == 7 ? number + 1 : number)
            try await client.send(StreamingEvent(id: id, payload: sent.serialized(sortedKeys: true)))
            let after = Int64((Date().timeIntervalSince1970 * 1000).rounded(.up))
            // Only after send returned: this id is now promised. One write(2) per line, under PIPE_BUF, so
            // the senders' lines never interleave, and a kill leaves at most one partial last line.
            let line = Array("ok \(id) \(number) \(before) \(after)\n".utf8)
            _ = line.withUnsafeBytes { write(promises, $0.baseAddress, $0.count) }
            number += senders
        }
    }

    /// `drain`: reopens the outbox (as a restart after the last kill does), delivers what it holds and
    /// prints `remaining <count>`.
    static func drain(_ options: CommandLineOptions) async throws {
        let tool = ClientHarness.tool
        guard let directory = options.value("--outbox"), let inlet = tool.checked({ try options.url("--inlet") }) else {
            tool.usageError("drain needs --outbox DIR and --inlet URL")
        }
        let outbox = try FileOutbox(directory: URL(fileURLWithPath: directory), options: .init(segmentBytes: CrashWorkload.segmentBytes))
        let client = try await AEPStreamingClient(configuration: CrashWorkload.configuration(inlet: inlet), outbox: outbox)
        _ = await client.flush(timeout: .seconds(300))
        let remaining = await client.shutdown(timeout: .seconds(10)).remaining
        print("remaining \(remaining)")
    }
}
