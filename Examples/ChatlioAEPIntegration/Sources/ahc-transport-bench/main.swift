// ahc-transport-bench: AsyncHTTPClientTransport beside URLSessionTransport, in one process, against the
// project's in-process AEPInletEmulator on loopback.
//
//   swift run -c release --package-path Examples/ChatlioAEPIntegration ahc-transport-bench
//       [--requests 5] [--delay 1] [--rounds 3]    CPU while N requests await a `delay`-second answer
//       [--events 20000] [--single 2000]          throughput: XDM batches, then one message per request
//
// "CPU while waiting" is measured as Benchmarks' transport-wait does: the process's CPU time (getrusage,
// every thread) over the wall time while the requests wait; the emulator sleeps in blocking calls on
// threads of its own, so what is counted is the client waiting.
import AEPInletEmulator
import AEPStreamingClient
import ChatlioAEPAsyncHTTPClient
import ExampleSupport
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

let tool = CommandLineTool(
    name: "ahc-transport-bench",
    usage: "Usage: ahc-transport-bench [--requests N] [--delay SECONDS] [--rounds N] [--events N] [--single N]"
)
let options = tool.parse(valued: ["--requests", "--delay", "--rounds", "--events", "--single"])

func cpuSeconds() -> Double {
    var usage = rusage()
    #if canImport(Glibc)
    getrusage(RUSAGE_SELF.rawValue, &usage)
    #else
    getrusage(RUSAGE_SELF, &usage)
    #endif
    func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

struct Failure: Error, CustomStringConvertible { var description: String }

/// A transport to measure, made fresh for each round, and how to close it.
struct Contender {
    var name: String
    var make: @Sendable (_ connections: Int) -> any HTTPTransport
    var close: @Sendable (any HTTPTransport) async -> Void
}

let contenders = [
    Contender(name: "URLSessionTransport", make: { URLSessionTransport(maxConnections: $0) }, close: { _ in }),
    Contender(
        name: "AsyncHTTPClientTransport",
        make: { AsyncHTTPClientTransport(configuration: .init(maxConnectionsPerHost: $0)) },
        close: { try? await ($0 as? AsyncHTTPClientTransport)?.shutdown() }
    ),
]

let requests = tool.checked { try options.positiveInteger("--requests") } ?? 5
let delay = tool.checked { try options.number("--delay", in: 0 ... 3_600, what: "a number of seconds") } ?? 1
let rounds = tool.checked { try options.positiveInteger("--rounds") } ?? 3
let events = tool.checked { try options.positiveInteger("--events") } ?? 20_000
let singles = tool.checked { try options.positiveInteger("--single") } ?? 2_000

/// A batch of one valid XDM message, which the emulator accepts (200) after the injected delay.
let oneMessageBatch = Data((#"{"messages":[{"header":{"schemaRef":{"id":"https://ns.adobe.com/acme/schemas/chatlio-experienceevent","#
    + #""contentType":"application/vnd.adobe.xed-full+json;version=1"},"datasetId":"bench","flowId":"flow-1"},"body":{"xdmMeta":{"schemaRef":"#
    + #"{"id":"https://ns.adobe.com/acme/schemas/chatlio-experienceevent","contentType":"application/vnd.adobe.xed-full+json;version=1"}},"#
    + #""xdmEntity":{"_id":"wait-1","eventType":"chatlio.bench","timestamp":"2026-01-01T00:00:00Z"}}}]}"#).utf8)

/// CPU-seconds per second while `requests` POSTs at once await an answer `delay` seconds late, `rounds` times.
func cpuWhileWaiting(_ contender: Contender) async throws -> String {
    let emulator = try AEPInletEmulator(configuration: .init(inletId: "bench", maxConnections: max(64, requests * 2)))
    _ = try emulator.start()
    defer { emulator.stop() }
    _ = emulator.faults.add(FaultRule(.delay(.milliseconds(Int64(delay * 1000)))))
    var cpu = 0.0, wall = 0.0
    var statuses: [Int: Int] = [:]
    for _ in 0 ..< max(1, rounds) {
        let transport = contender.make(max(1, requests))
        let request = HTTPTransportRequest(
            url: emulator.batchURL, headers: [("Content-Type", "application/json")], body: oneMessageBatch,
            timeout: .seconds(delay + 30)
        )
        let cpu0 = cpuSeconds(), wall0 = ContinuousClock.now
        let answered = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0 ..< max(1, requests) { group.addTask { try await transport.send(request).status } }
            var all: [Int] = []
            for try await status in group { all.append(status) }
            return all
        }
        cpu += cpuSeconds() - cpu0
        wall += seconds(ContinuousClock.now - wall0)
        for status in answered { statuses[status, default: 0] += 1 }
        await contender.close(transport)
    }
    return String(
        format: "%@: CPU while waiting: %d requests awaiting a %.1f s answer, %d rounds: %.3f CPU-s in %.3f s = %.1f %% of a core (answers %@)",
        contender.name, requests, delay, rounds, cpu, wall, 100 * cpu / max(wall, 1e-9), "\(statuses.sorted { $0.key < $1.key })"
    )
}

/// Events per second through a client (in-memory outbox) into the emulator, all delivered.
func throughput(_ contender: Contender, count: Int, single: Bool) async throws -> String {
    let emulator = try AEPInletEmulator(configuration: .init(inletId: "bench"))
    _ = try emulator.start()
    defer { emulator.stop() }
    var configuration = AEPStreamingClient.Configuration(
        inletURL: emulator.inletURL, format: .xdm(schemaID: "https://ns.adobe.com/acme/schemas/chatlio-experienceevent", datasetID: "bench"),
        flowID: "flow-1"
    )
    configuration.batching.linger = .milliseconds(5)
    if single { configuration.batching.mode = .single() }
    configuration.outboxLimits = OutboxLimits(maxEvents: max(50_000, count), maxBytes: 256 << 20)
    let transport = contender.make(configuration.batching.maxConcurrentRequests + 1)
    let client = try await AEPStreamingClient(configuration: configuration, outbox: InMemoryOutbox(), transport: transport)
    let janitor = Task {
        while !Task.isCancelled {
            if emulator.record.count > 20_000 { emulator.record.removeAll() }
            try? await Task.sleep(for: .milliseconds(50))
        }
    }
    defer { janitor.cancel() }
    let cpu0 = cpuSeconds(), start = ContinuousClock.now
    try await withThrowingTaskGroup(of: Void.self) { group in
        let senders = 64
        for sender in 0 ..< senders {
            group.addTask {
                var index = sender
                while index < count {
                    let payload = Data(#"{"_id":"bench-\#(index)","eventType":"chatlio.bench","timestamp":"2026-01-01T00:00:00Z"}"#.utf8)
                    try await client.send(StreamingEvent(id: "bench-\(index)", payload: payload))
                    index += senders
                }
            }
        }
        try await group.waitForAll()
    }
    let drained = await client.flush(timeout: .seconds(600))
    let elapsed = seconds(ContinuousClock.now - start), cpu = cpuSeconds() - cpu0
    let metrics = client.metrics()
    _ = await client.shutdown(timeout: .seconds(5))
    await contender.close(transport)
    guard drained, metrics.delivered == count else { throw Failure(description: "\(contender.name): \(metrics.delivered) of \(count) delivered") }
    return String(
        format: "%@: %@ %d events in %.2f s = %.0f events/s, %d requests = %.0f requests/s, %.2f CPU-s",
        contender.name, single ? "one per request:" : "XDM batches:", count, elapsed, Double(count) / elapsed,
        metrics.requests, Double(metrics.requests) / elapsed, cpu
    )
}

do {
    for contender in contenders { print(try await cpuWhileWaiting(contender)) }
    for contender in contenders { print(try await throughput(contender, count: events, single: false)) }
    for contender in contenders { print(try await throughput(contender, count: singles, single: true)) }
} catch {
    print("ahc-transport-bench: \(error)")
    exit(1)
}
