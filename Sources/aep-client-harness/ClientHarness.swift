import ExampleSupport
import Foundation

/// Drives `AEPStreamingClient` from a separate process: the one SIGKILL child of the crash tests
/// (`CrashRecoveryTests`) and of Benchmarks' `crash-harness`, and two measurements.
///
/// `aep-client-harness child --outbox DIR --inlet URL --run N [--senders N] [--durability D]
///                            [--promises FILE] [--memory-outbox] [--alter-self-check]`
///   sends events `r<N>-<number>` (payload: `CrashWorkload.payload`) until it is killed, and writes
///   `ok <id> <number> <t0> <t1>` to standard output (or FILE) once each `send` returned. FsyncLedger
///   is linked in: with `$FSYNC_LEDGER` set, every fsync it makes is logged there (crash-harness --power-loss).
///
/// `aep-client-harness drain --outbox DIR --inlet URL`
///   reopens the outbox, delivers what it holds and prints `remaining <count>`.
///
/// `aep-client-harness transport <requests> <inlet-url>`
///   posts 330 KB bodies through `URLSessionTransport` and prints the peak RSS
///   every 250 requests (flat when the transport keeps nothing).
///
/// `aep-client-harness bench <events> <file|memory> [senders] [inlet-url]`
///   sends that many events to an in-process emulator (or to `inlet-url`, for
///   example an `aep-inlet-emulator` process, so the figures are the client's
///   alone) and prints throughput, CPU time, peak RSS and `send` latency.
@main
enum ClientHarness {
    static let tool = CommandLineTool(
        name: "aep-client-harness",
        usage: """
            usage: aep-client-harness child --outbox DIR --inlet URL --run N [--senders N] [--durability every-append|group-commit|os-buffered]
                                            [--promises FILE] [--memory-outbox] [--alter-self-check]
                   aep-client-harness drain --outbox DIR --inlet URL
                   aep-client-harness transport <requests> <inlet-url>
                   aep-client-harness bench <events> <file|memory> [senders] [inlet-url]
            """
    )

    static func main() async {
        let options = tool.parse(
            flags: ["--memory-outbox", "--alter-self-check"],
            valued: ["--outbox", "--inlet", "--run", "--senders", "--durability", "--promises"]
        )
        let words = options.positional
        func count(_ index: Int, _ name: String) -> Int {
            guard let number = Int(words[index]), number >= 0 else { tool.usageError("\(name): \"\(words[index])\" is not a whole number") }
            return number
        }
        func url(_ index: Int) -> URL {
            guard let url = URL(string: words[index]) else { tool.usageError("\"\(words[index])\" is not a URL") }
            return url
        }
        do {
            switch words.first {
            case "child" where words.count == 1:
                await CrashChild(options).run()
            case "drain" where words.count == 1:
                try await CrashChild.drain(options)
            case "transport" where words.count == 3:
                try await transportMemory(requests: count(1, "requests"), inlet: url(2))
            case "bench" where (3 ... 5).contains(words.count):
                guard ["file", "memory"].contains(words[2]) else { tool.usageError("the outbox is file or memory, not \"\(words[2])\"") }
                try await bench(
                    events: count(1, "events"), fileOutbox: words[2] == "file", senders: words.count > 3 ? max(1, count(3, "senders")) : 8,
                    inlet: words.count > 4 ? url(4) : nil
                )
            default:
                tool.usageError(tool.usage)
            }
        } catch {
            FileHandle.standardError.write(Data("aep-client-harness: \(error)\n".utf8))
            exit(1)
        }
    }
}
