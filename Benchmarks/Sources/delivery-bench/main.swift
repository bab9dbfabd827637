// delivery-bench: the AEP streaming client delivering to the inlet emulator in a process of its own.
//
//   swift build -c release --package-path Benchmarks --product delivery-bench --product aep-inlet-emulator
//   Benchmarks/.build/release/delivery-bench [--events N] [--runs R] [--outbox file|memory|all] [--senders S]
//                                            [--linger MS] [--no-baseline] [--emulator PATH | --inlet URL]
//
// Each run starts `aep-inlet-emulator` as a child, enqueues N prebuilt events (distinct ids, the mapped
// Examples/Payloads cycling) from S concurrent senders and times until every one is acknowledged by the
// inlet and removed from the outbox. It reports events/s, the client process's CPU per second of wall time
// (getrusage RUSAGE_SELF; 1.00 = one core) and the emulator's CPU (RUSAGE_CHILDREN after it exited). The
// baseline, measured in the same run, POSTs the same events as prebuilt batches with a plain URLSession loop.
//
// --inlet URL uses an emulator already running (its "Inlet URL" line) instead of a child per run: under
// valgrind, whose reserved descriptors make Foundation's Process fail (EBADF); the inlet CPU column is then 0.
// The async work runs in a task while the main thread waits on a semaphore, so the process can run under
// valgrind (which dies once an async main parks its thread in dispatch_main).
import AEPStreamingClient
import BenchmarkSupport
import ChatlioJSON
import ChatlioWebhooks
import ChatlioXDMMapper
import DeliveryHarness
import ExampleSupport
import Foundation

struct Options {
    var events = 100_000
    var runs = 3
    var outboxes: [DeliveryOutbox] = DeliveryOutbox.allCases
    var senders = 64
    var linger = 5
    var baseline = true
    var emulator: String?
    var inlet: URL?
}

enum OutboxChoice: String, CaseIterable { case file, memory, all }

let tool = CommandLineTool(
    name: "delivery-bench",
    usage: "usage: delivery-bench [--events N] [--runs R] [--outbox file|memory|all] [--senders S] [--linger MS] [--no-baseline] [--emulator PATH | --inlet URL]"
)

func parseOptions() -> Options {
    let parsed = tool.parse(flags: ["--no-baseline"], valued: ["--events", "--runs", "--senders", "--linger", "--emulator", "--inlet", "--outbox"])
    if let stray = parsed.positional.first { tool.usageError("unexpected argument '\(stray)' (see --help)") }
    var options = Options()
    options.events = tool.checked { try parsed.positiveInteger("--events") } ?? options.events
    options.runs = tool.checked { try parsed.positiveInteger("--runs") } ?? options.runs
    options.senders = tool.checked { try parsed.positiveInteger("--senders") } ?? options.senders
    options.linger = tool.checked { try parsed.positiveInteger("--linger") } ?? options.linger
    options.baseline = !parsed.has("--no-baseline")
    options.emulator = parsed.value("--emulator")
    options.inlet = tool.checked { try parsed.url("--inlet") }
    switch tool.checked({ try parsed.choice("--outbox", of: OutboxChoice.self) }) {
    case .file?: options.outboxes = [.file]
    case .memory?: options.outboxes = [.memory]
    case .all?, nil: options.outboxes = DeliveryOutbox.allCases
    }
    return options
}

/// The mapped XDM entities of every example webhook.
func mappedPayloads() throws -> [[UInt8]] {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Examples/Payloads")
    let mapper = try XDMMapper(configuration: .init(tenantID: "acme"))
    let receivedAt = Date(timeIntervalSince1970: 1_767_225_600)
    var payloads: [[UInt8]] = []
    for kind in WebhookKind.allCases {
        let folder = root.appendingPathComponent(kind.rawValue)
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() where name.hasSuffix(".json") {
            let compact = try JSONValue(parsing: Data(contentsOf: folder.appendingPathComponent(name))).serialized()
            payloads.append(try mapper.map(ChatlioWebhook.decode(Data(compact), kind: kind), receivedAt: receivedAt).jsonBytes)
        }
    }
    return payloads
}

func row(_ name: String, _ results: [DeliveryResult], baseline: Double?) -> String {
    let sorted = results.sorted { $0.eventsPerSecond < $1.eventsPerSecond }
    let median = sorted[sorted.count / 2]
    let ratio = baseline.map { String(format: "%.2f×", median.eventsPerSecond / $0) } ?? ""
    return String(
        format: "| %@ | %.0f | %.0f | %.0f | %@ | %.2f | %.1f µs | %.2f s |", name, median.eventsPerSecond, sorted[0].eventsPerSecond,
        sorted[sorted.count - 1].eventsPerSecond, ratio, median.clientCores, median.clientCPUSeconds / Double(median.events) * 1e6,
        median.inletCPUSeconds)
}

func main(_ options: Options) async throws {
    let emulator: EmulatorLaunch
    if let inlet = options.inlet { emulator = .running(inletURL: inlet) } else { emulator = .child(executable: try EmulatorProcess.locate(options.emulator)) }
    let payloads = try mappedPayloads()
    let sizes = payloads.map(\.count)
    print("delivery-bench: \(options.events) events × \(options.runs) runs, \(payloads.count) payloads of \(sizes.min() ?? 0)…\(sizes.max() ?? 0) B, "
        + "\(options.senders) senders, linger \(options.linger) ms, emulator in its own process (\(emulator))")
    print("| scenario | events/s (median) | min | max | ratio to baseline | client cores (CPU-s per s) | client CPU/event | inlet CPU-s |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    var baseline: Double?
    if options.baseline {
        var results: [DeliveryResult] = []
        for _ in 0..<options.runs { results.append(try await postPrebuiltBatches(count: options.events, payloads: payloads, emulator: emulator)) }
        baseline = results.map(\.eventsPerSecond).sorted()[results.count / 2]
        print(row("baseline: URLSession loop POSTing prebuilt batches", results, baseline: nil))
    }
    for kind in options.outboxes {
        var results: [DeliveryResult] = []
        for run in 0..<options.runs {
            let events = prebuiltEvents(count: options.events, payloads: payloads, run: run)
            results.append(try await deliverThroughClient(
                events: events, outbox: kind, senders: options.senders, emulator: emulator, linger: .milliseconds(options.linger)))
        }
        print(row("client, \(kind.label)", results, baseline: baseline))
    }
}

let options = parseOptions()
let done = DispatchSemaphore(value: 0)
nonisolated(unsafe) var failure: (any Error)?
Task.detached {
    do { try await main(options) } catch { failure = error }
    done.signal()
}
done.wait()
if let failure {
    FileHandle.standardError.write(Data("delivery-bench: \(failure)\n".utf8))
    exit(1)
}
