// soak: a steady stream of webhooks through ChatlioRelay → AEPStreamingClient (file outbox) → an
// in-process AEPInletEmulator that fails 20 % of requests (5xx, 429 with Retry-After, dropped
// connections, slow answers), for a configurable time. Every 30 s it prints what was accepted, delivered
// and queued, peak RSS, outbox disk use and request latency; at the end it drains and checks that every
// accepted event arrived (zero loss) and that memory and disk stayed bounded.
//
//   swift run -c release --package-path Benchmarks soak [--minutes 10] [--rate 500] [--seed 1]
import AEPInletEmulator
import AEPStreamingClient
import ChatlioRelay
import ChatlioWebhooks
import ChatlioXDMMapper
import Foundation
#if canImport(Glibc)
import Glibc
#endif

func value(_ name: String) -> String? {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}
if CommandLine.arguments.contains("--help") {
    print("Usage: soak [--minutes M] [--seconds S] [--rate EVENTS_PER_SECOND] [--seed S] [--fault-rate R]")
    exit(0)
}
let seconds = value("--seconds").flatMap(Double.init) ?? (value("--minutes").flatMap(Double.init) ?? 10) * 60
let rate = value("--rate").flatMap(Double.init) ?? 500
let seed = value("--seed").flatMap(UInt64.init) ?? 1
let faultRate = value("--fault-rate").flatMap(Double.init) ?? 0.2

func peakRSSMiB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

func currentRSSMiB() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
          let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Double($0) })
    else { return 0 }
    return kilobytes / 1024
}

func diskUse(of directory: URL) -> Int {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
    return names.reduce(0) { $0 + ((try? FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent($1).path)[.size] as? Int) ?? 0) }
}

func milliseconds(_ duration: Duration?) -> String {
    guard let duration else { return "-" }
    return String(format: "%.1f", Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15)
}

// The samples, as templates: each event gets a unique message so every webhook is a distinct event.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Examples/Payloads")
var templates: [(WebhookKind, JSONObject)] = []
for kind in WebhookKind.allCases where kind != .chatTranscript {
    for name in (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(kind.rawValue).path)) ?? [] where name.hasSuffix(".json") {
        if let data = FileManager.default.contents(atPath: root.appendingPathComponent("\(kind.rawValue)/\(name)").path),
           let object = try? JSONValue(parsing: data).objectValue {
            templates.append((kind, object))
        }
    }
}
guard !templates.isEmpty else {
    print("no samples under \(root.path)")
    exit(1)
}

let directory = FileManager.default.temporaryDirectory.appendingPathComponent("soak-\(UUID().uuidString)")
defer { try? FileManager.default.removeItem(at: directory) }
let outboxLimits = OutboxLimits(maxEvents: 50_000, maxBytes: 64 << 20)

var emulatorConfiguration = AEPInletEmulator.Configuration(inletId: "soak")
emulatorConfiguration.faultRate = faultRate
emulatorConfiguration.faultSeed = seed
let emulator = try AEPInletEmulator(configuration: emulatorConfiguration)
_ = try emulator.start()
var clientConfiguration = AEPStreamingClient.Configuration(
    inletURL: emulator.inletURL, format: .xdm(schemaID: "https://ns.adobe.com/acme/schemas/chatlio-experienceevent", datasetID: "soak"))
clientConfiguration.outboxLimits = outboxLimits
if CommandLine.arguments.contains("--no-keep-alive") { clientConfiguration.additionalHeaders = ["Connection": "close"] }
clientConfiguration.retry = RetryPolicy(initialBackoff: .milliseconds(50), maxBackoff: .seconds(2), maxAttempts: 10_000, maxRetryAfter: .seconds(2))
let client = try await AEPStreamingClient(configuration: clientConfiguration, outbox: FileOutbox(directory: directory.appendingPathComponent("outbox")))
let relay = try ChatlioRelay(mapper: XDMMapper(configuration: .init(tenantID: "acme")), sink: client, quarantine: InMemoryQuarantineStore())

// Arrivals are checked batch by batch so the emulator's record stays small.
final class Arrivals: @unchecked Sendable {
    private let lock = NSLock()
    private var ids: Set<String> = []
    var count: Int { lock.lock(); defer { lock.unlock() }; return ids.count }
    func add(_ messages: [ReceivedMessage]) {
        lock.lock(); defer { lock.unlock() }
        for message in messages { if let id = message.id { ids.insert(id) } }
    }
    func missing(from accepted: [String]) -> [String] {
        lock.lock(); defer { lock.unlock() }
        return accepted.filter { !ids.contains($0) }
    }
}
let arrivals = Arrivals()
let collector = Task {
    while !Task.isCancelled {
        arrivals.add(emulator.record.drainMessages())
        try? await Task.sleep(for: .milliseconds(200))
    }
}

print("soak: \(Int(seconds)) s at \(Int(rate)) webhooks/s, inlet fault rate \(faultRate), seed \(seed)")
print("   time  accepted  delivered   queued  refused  peak-RSS  RSS(MiB)  outbox(KiB)  req p50/p99 ms  send p99 ms")
var accepted: [String] = []
var refused = 0
var maxDisk = 0
var maxRSS = 0.0
var minRSSAfterWarmup = Double.infinity
let clock = ContinuousClock()
let start = clock.now
var next = start
var number = 0
var nextReport = start.advanced(by: .seconds(30))
while clock.now - start < .seconds(seconds) {
    let (kind, template) = templates[number % templates.count]
    var object = template
    object["message"] = .string("soak message \(number) from seed \(seed)")
    let response = await relay.handle(WebhookRequest(route: kind.rawValue, body: Data(JSONValue.object(object).serialized())))
    if response.status == 202, let id = response.json?["id"]?.stringValue { accepted.append(id) } else { refused += 1 }
    number += 1
    next = next.advanced(by: .seconds(1 / rate))
    if next > clock.now { try? await Task.sleep(until: next, clock: clock) }
    if clock.now >= nextReport {
        nextReport = nextReport.advanced(by: .seconds(30))
        let metrics = client.metrics()
        let disk = diskUse(of: directory.appendingPathComponent("outbox"))
        maxDisk = max(maxDisk, disk)
        let rss = currentRSSMiB()
        maxRSS = max(maxRSS, rss)
        let elapsed = (clock.now - start).components.seconds
        if elapsed >= 60 { minRSSAfterWarmup = min(minRSSAfterWarmup, rss) }
        print(String(format: "%6ds  %8d  %9d  %7d  %7d  %8.0f  %8.0f  %11d  %6@/%-7@  %10@",
                     Int(elapsed), accepted.count, metrics.delivered, metrics.queued, refused, peakRSSMiB(), rss, disk / 1024,
                     milliseconds(metrics.requestLatency.p50) as NSString, milliseconds(metrics.requestLatency.p99) as NSString,
                     milliseconds(metrics.sendLatency.p99) as NSString))
    }
}
let sendingEnded = clock.now
let drained = await client.flush(timeout: .seconds(300))
let shutdown = await client.shutdown(timeout: .seconds(10))
try? await Task.sleep(for: .milliseconds(500))
collector.cancel()
arrivals.add(emulator.record.drainMessages())
emulator.stop()
let missing = arrivals.missing(from: accepted)
let metrics = client.metrics()
print("""

    soak summary (seed \(seed))
      duration            \(Int((sendingEnded - start).components.seconds)) s sending, then \(Int((clock.now - sendingEnded).components.seconds)) s draining
      webhooks            \(number) posted, \(accepted.count) accepted (202), \(refused) refused
      delivered           \(accepted.count - missing.count) of \(accepted.count) accepted arrived at the inlet; lost \(missing.count)
      retries             \(metrics.retried) (requests by status: \(metrics.requestsByStatus.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")))
      inlet faults        \(emulator.faults.injectedCount)
      dead-lettered       \(metrics.deadLettered), dropped \(metrics.dropped.values.reduce(0, +))
      outbox disk use     max \(maxDisk / 1024) KiB (bound \(outboxLimits.maxBytes / 1024) KiB of payload)
      RSS                 peak \(String(format: "%.0f", peakRSSMiB())) MiB, max sampled \(String(format: "%.0f", maxRSS)) MiB
      request latency     p50 \(milliseconds(metrics.requestLatency.p50)) ms, p99 \(milliseconds(metrics.requestLatency.p99)) ms
      left in outbox      \(shutdown.remaining)\(drained ? "" : " (drain timed out)")
    """)
let ok = missing.isEmpty && shutdown.remaining == 0 && metrics.deadLettered == 0 && accepted.count > 0
print(ok ? "PASS" : "FAIL")
exit(ok ? 0 : 1)
