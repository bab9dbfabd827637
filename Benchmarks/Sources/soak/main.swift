// soak: a steady stream of webhooks through ChatlioRelay → AEPStreamingClient (file outbox) → an
// in-process AEPInletEmulator that fails 20 % of requests (5xx, 429 with Retry-After, dropped
// connections, slow answers), for a configurable time. Every interval (30 s by default) it prints what
// was accepted, delivered and queued, RSS, outbox disk use, and the latency percentiles of that interval
// alone: webhook answer time (relay.handle) and end-to-end time (202 → arrival at the inlet). At the end
// it drains and checks that every accepted event arrived (zero loss), that the outbox's disk use stayed
// within its bound and that the library's heap stopped growing once in a steady state: after the relay's
// deduplication window has filled (100,000 ids: 200 s at 500/s), the floor (lowest sample) of the last
// third of the rest of the run may be at most 10 % above the middle third's, and the drained heap likewise.
// A run too short for 60 s of steady state reports the heap without judging it, and says so.
//
//   swift run -c release --package-path Benchmarks soak [--minutes 10] [--rate 500] [--seed 1]
import AEPInletEmulator
import AEPStreamingClient
import BenchmarkSupport
import ChatlioRelay
import ChatlioWebhooks
import ChatlioXDMMapper
import ExampleSupport
import Foundation
import MallocCounter
#if canImport(Glibc)
import Glibc
#endif

let tool = CommandLineTool(
    name: "soak",
    usage: "Usage: soak [--minutes M] [--seconds S] [--rate EVENTS_PER_SECOND] [--seed S] [--fault-rate R] [--interval SECONDS] [--no-keep-alive]"
)
let options = tool.parse(flags: ["--no-keep-alive"], valued: ["--minutes", "--seconds", "--rate", "--seed", "--fault-rate", "--interval"])
func positive(_ option: String) -> Double? {
    tool.checked { try options.number(option, in: Double.leastNonzeroMagnitude ... Double.greatestFiniteMagnitude, what: "a positive number") }
}
let seconds = positive("--seconds") ?? (positive("--minutes") ?? 10) * 60
let rate = positive("--rate") ?? 500
let seed = tool.checked { try options.unsignedInteger("--seed") } ?? 1
let faultRate = tool.checked { try options.number("--fault-rate", in: 0 ... 1, what: "a number between 0 and 1") } ?? 0.2
let interval = positive("--interval") ?? min(30, max(5, seconds / 10))

/// Heap in use (MallocCounter's `mallinfo2` reading): RSS minus what the allocator keeps after frees.
func heapInUseMiB() -> Double {
    Double(malloc_counter_heap_in_use_bytes()) / 1_048_576
}

func milliseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
}

func nowMilliseconds() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }

/// Nearest-rank percentile of sorted samples, "-" when there are none.
func percentile(_ sorted: [Double], _ p: Double) -> String {
    guard !sorted.isEmpty else { return "-" }
    let index = min(sorted.count - 1, max(0, Int((p * Double(sorted.count)).rounded(.up)) - 1))
    return String(format: sorted[index] < 10 ? "%.1f" : "%.0f", sorted[index])
}

/// 128 bits of an event's `_id` (the mapper's `_id` is 64 hex digits of SHA-256): 16 bytes per event
/// instead of a 64-character String, so the harness's own bookkeeping does not hide the library's
/// memory use; a collision among 10^6 ids has odds of about 10^-27.
struct IDKey: Hashable {
    var high: UInt64
    var low: UInt64

    init?(_ id: String) {
        let digits = Array(id.utf8.prefix(32))
        guard digits.count == 32 else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        for (index, digit) in digits.enumerated() {
            let nibble: UInt64
            switch digit {
            case UInt8(ascii: "0") ... UInt8(ascii: "9"): nibble = UInt64(digit - UInt8(ascii: "0"))
            case UInt8(ascii: "a") ... UInt8(ascii: "f"): nibble = UInt64(digit - UInt8(ascii: "a") + 10)
            default: return nil
            }
            if index < 16 { high = high << 4 | nibble } else { low = low << 4 | nibble }
        }
        self.high = high
        self.low = low
    }
}

/// What the relay accepted against what reached the inlet. An event can reach the inlet before the
/// harness has recorded its 202 (the client delivers as soon as the outbox has it), so early arrivals
/// wait in `early` for their 202.
final class Ledger: @unchecked Sendable {
    private let lock = NSLock()
    private var outstanding: [IDKey: Int64] = [:]   // accepted, not yet arrived: accepted-at, epoch ms
    private var early: [IDKey: Int64] = [:]         // arrived, 202 not yet recorded: arrived-at, epoch ms
    private var delivered: Set<IDKey> = []
    private var intervalEndToEnd: [Double] = []
    private(set) var accepted = 0
    private(set) var duplicates = 0
    private(set) var unreadableIDs = 0

    func accept(_ id: String, at milliseconds: Int64) {
        guard let key = IDKey(id) else { lock.withLock { unreadableIDs += 1 }; return }
        lock.withLock {
            accepted += 1
            if let arrivedAt = early.removeValue(forKey: key) {
                delivered.insert(key)
                intervalEndToEnd.append(Double(max(0, arrivedAt - milliseconds)))
            } else {
                outstanding[key] = milliseconds
            }
        }
    }

    func arrive(_ messages: [ReceivedMessage]) {
        lock.withLock {
            for message in messages {
                guard let id = message.id, let key = IDKey(id) else { unreadableIDs += 1; continue }
                if let acceptedAt = outstanding.removeValue(forKey: key) {
                    delivered.insert(key)
                    intervalEndToEnd.append(Double(max(0, message.receivedTimeMs - acceptedAt)))
                } else if delivered.contains(key) || early[key] != nil {
                    duplicates += 1
                } else {
                    early[key] = message.receivedTimeMs
                }
            }
        }
    }

    /// End-to-end latencies (ms) of the events that arrived since the last call, sorted.
    func takeInterval() -> [Double] {
        lock.withLock {
            defer { intervalEndToEnd.removeAll(keepingCapacity: true) }
            return intervalEndToEnd.sorted()
        }
    }

    /// (accepted but never arrived, arrived but never accepted).
    var unmatched: (lost: Int, unexpected: Int) { lock.withLock { (outstanding.count, early.count) } }
    var deliveredCount: Int { lock.withLock { delivered.count } }

    /// About what these tables take on the heap, so the library's heap can be told apart from the
    /// harness's: a hashed table allocates a power-of-two number of buckets with `capacity` at 3/4 of them
    /// (16-byte keys, 8-byte times).
    var bookkeepingBytes: Int {
        func buckets(_ capacity: Int) -> Int {
            capacity == 0 ? 0 : 1 << Int(log2((Double(capacity) / 0.75).rounded(.up)).rounded(.up))
        }
        return lock.withLock { buckets(delivered.capacity) * 16 + (buckets(outstanding.capacity) + buckets(early.capacity)) * 24 }
    }
}

// The samples, as templates: each event gets a unique message so every webhook is a distinct event.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Examples/Payloads")
var templates: [(WebhookKind, JSONObject)] = []
for kind in WebhookKind.allCases where kind != .chatTranscript {
    for name in (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(kind.rawValue).path))?.sorted() ?? [] where name.hasSuffix(".json") {
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
let outboxOptions = FileOutbox.Options()
let diskBound = outboxLimits.maxBytes + 2 * outboxOptions.segmentBytes

var emulatorConfiguration = AEPInletEmulator.Configuration(inletId: "soak")
emulatorConfiguration.faultRate = faultRate
emulatorConfiguration.faultSeed = seed
let emulator = try AEPInletEmulator(configuration: emulatorConfiguration)
_ = try emulator.start()
var clientConfiguration = AEPStreamingClient.Configuration(
    inletURL: emulator.inletURL, format: .xdm(schemaID: "https://ns.adobe.com/acme/schemas/chatlio-experienceevent", datasetID: "soak"), flowID: "flow-1")
clientConfiguration.outboxLimits = outboxLimits
if options.has("--no-keep-alive") { clientConfiguration.additionalHeaders = ["Connection": "close"] }
clientConfiguration.retry = RetryPolicy(initialBackoff: .milliseconds(50), maxBackoff: .seconds(2), maxAttempts: 10_000, maxRetryAfter: .seconds(2))
let outbox = try FileOutbox(directory: directory.appendingPathComponent("outbox"), options: outboxOptions)
let client = try await AEPStreamingClient(configuration: clientConfiguration, outbox: outbox)
let relay = try ChatlioRelay(mapper: XDMMapper(configuration: .init(tenantID: "acme")), sink: client, quarantine: InMemoryQuarantineStore())

let ledger = Ledger()
// Arrivals are drained often so the emulator's record stays small and arrival times stay exact.
let collector = Task {
    while !Task.isCancelled {
        ledger.arrive(emulator.record.drainMessages())
        try? await Task.sleep(for: .milliseconds(100))
    }
}

let deduplicationWindow = ChatlioRelay.Configuration().deduplicationWindow
let steadyStateNeeded = 60.0
print("soak: \(Int(seconds)) s at \(Int(rate)) webhooks/s, inlet fault rate \(faultRate), seed \(seed), \(Int(interval)) s intervals")
let expectedFill = Double(deduplicationWindow) / rate
print("the relay's deduplication window (\(deduplicationWindow) ids) fills after about \(Int(expectedFill.rounded())) s; the heap is judged on the "
    + "\(Int(steadyStateNeeded)) s or more after that" + (expectedFill + steadyStateNeeded > seconds ? " (this run is too short: the heap will be reported, not judged)" : ""))
print("percentiles are of each interval alone; webhook = relay.handle, end-to-end = 202 → arrival at the inlet")
print("heap = malloc's bytes in use less the harness's own id tables")
print("   time  accepted  delivered  queued  refused  RSS(MiB)  heap(MiB)  outbox(KiB)  webhook p50/p99/max ms  end-to-end p50/p99/max ms")
var refused = 0
var maxDisk = 0
var rssSamples: [(seconds: Double, mebibytes: Double)] = []
var heapSamples: [(seconds: Double, mebibytes: Double)] = []
/// One a second, for the steady-state judgement: the heap and how many events the relay had accepted.
var steadySamples: [(seconds: Double, mebibytes: Double, accepted: Int)] = []
var intervalWebhook: [Double] = []
let clock = ContinuousClock()
let start = clock.now
var next = start
var number = 0
var nextReport = start.advanced(by: .seconds(interval))
var nextHeapSample = start.advanced(by: .seconds(1))

/// The library's heap: heap in use less the harness's own id tables, which grow with the run.
func libraryHeapMiB() -> Double {
    heapInUseMiB() - Double(ledger.bookkeepingBytes) / 1_048_576
}

@MainActor func report() {
    let elapsed = milliseconds(clock.now - start) / 1000
    let metrics = client.metrics()
    let disk = DiskUse.bytes(in: directory.appendingPathComponent("outbox"))
    maxDisk = max(maxDisk, disk)
    let rss = ProcessUsage.currentRSSMiB() ?? 0
    rssSamples.append((elapsed, rss))
    let heap = libraryHeapMiB()
    heapSamples.append((elapsed, heap))
    let webhook = intervalWebhook.sorted()
    intervalWebhook.removeAll(keepingCapacity: true)
    let endToEnd = ledger.takeInterval()
    let webhookColumn = "\(percentile(webhook, 0.5))/\(percentile(webhook, 0.99))/\(percentile(webhook, 1))"
    let endToEndColumn = "\(percentile(endToEnd, 0.5))/\(percentile(endToEnd, 0.99))/\(percentile(endToEnd, 1))"
    print(String(format: "%6ds  %8d  %9d  %6d  %7d  %8.0f  %9.1f  %11d  %22@  %25@",
                 Int(elapsed), ledger.accepted, ledger.deliveredCount, metrics.queued, refused, rss, heap, disk / 1024,
                 webhookColumn as NSString, endToEndColumn as NSString))
    // Flushed at once, so progress shows as it happens when the output goes to a file or a pipe.
    fflush(nil)
}

while clock.now - start < .seconds(seconds) {
    let (kind, template) = templates[number % templates.count]
    var object = template
    object["message"] = .string("soak message \(number) from seed \(seed)")
    let body = Data(JSONValue.object(object).serialized())
    let handled = clock.now
    let response = await relay.handle(WebhookRequest(route: kind.rawValue, body: body))
    intervalWebhook.append(milliseconds(clock.now - handled))
    if response.status == 202, let id = (try? JSONValue(parsing: response.body))?["id"]?.stringValue {
        ledger.accept(id, at: nowMilliseconds())
    } else {
        refused += 1
    }
    number += 1
    next = next.advanced(by: .seconds(1 / rate))
    if next > clock.now { try? await Task.sleep(until: next, clock: clock) }
    if clock.now >= nextHeapSample {
        nextHeapSample = nextHeapSample.advanced(by: .seconds(1))
        steadySamples.append((milliseconds(clock.now - start) / 1000, libraryHeapMiB(), ledger.accepted))
    }
    if clock.now >= nextReport {
        nextReport = nextReport.advanced(by: .seconds(interval))
        report()
    }
}
let sendingEnded = clock.now
let drained = await client.flush(timeout: .seconds(300))
let shutdown = await client.shutdown(timeout: .seconds(10))
try? await Task.sleep(for: .milliseconds(500))
collector.cancel()
ledger.arrive(emulator.record.drainMessages())
emulator.stop()
report()
let (lost, unexpected) = ledger.unmatched
let metrics = client.metrics()

// Memory is bounded when the heap the library holds (heap in use less the harness's own id tables)
// stops growing once in a steady state. Until the relay's deduplication window is full it grows by design
// (over 200 bytes an id), so only the samples taken after the window filled are judged, split into thirds
// (the first third is a margin for the buffers around the window). Queued events raise the heap for a
// while (a burst of faults can add several MiB), so peaks measure the queue; the floor, the lowest
// sample, is what the library holds with the queue at its lowest, and a leak raises it. The last third's
// floor may be at most 10 % above the middle third's, and so may the heap after the final drain (nothing
// queued). RSS is reported, not judged: glibc keeps freed memory in per-thread arenas, so RSS only ever
// creeps towards its own plateau. A run with under 60 s of steady state reports the figures without
// judging them, and says so.
let sendingSeconds = milliseconds(sendingEnded - start) / 1000
let windowFullAt = steadySamples.first { $0.accepted >= deduplicationWindow }?.seconds
let steadySpan = windowFullAt.map { sendingSeconds - $0 } ?? 0
let judgesMemory = steadySpan >= steadyStateNeeded
/// The lowest and highest sample of one third (0, 1, 2) of the steady state.
@MainActor func steadyRange(third: Int) -> (floor: Double, peak: Double) {
    guard let windowFullAt else { return (0, 0) }
    let from = windowFullAt + steadySpan * Double(third) / 3
    let to = windowFullAt + steadySpan * Double(third + 1) / 3
    let values = steadySamples.filter { $0.seconds >= from && $0.seconds <= to }.map(\.mebibytes)
    return (values.min() ?? 0, values.max() ?? 0)
}
let middleThird = steadyRange(third: 1)
let lastThird = steadyRange(third: 2)
let half = sendingSeconds / 2
func peak(_ samples: [(seconds: Double, mebibytes: Double)], secondHalf: Bool) -> Double {
    samples.filter { ($0.seconds > half) == secondHalf }.map(\.mebibytes).max() ?? 0
}
let firstHalfRSS = peak(rssSamples, secondHalf: false)
let lastRSS = rssSamples.last?.mebibytes ?? 0
let drainedHeap = heapSamples.last?.mebibytes ?? 0
let peakHeap = steadySamples.map(\.mebibytes).max() ?? 0
let bound = middleThird.floor * 1.10
let memoryBounded = !judgesMemory || (lastThird.floor <= bound && drainedHeap <= bound)
let heapVerdict: String
if judgesMemory, let windowFullAt {
    heapVerdict = String(
        format: "window (\(deduplicationWindow) ids) full at %.0f s; steady state %.0f s: middle third %.1f–%.1f MiB, last third %.1f–%.1f MiB, drained %.1f MiB; bound for the last third's floor and the drained heap: middle third's floor + 10 %% (%.1f MiB) → %@",
        windowFullAt, steadySpan, middleThird.floor, middleThird.peak, lastThird.floor, lastThird.peak, drainedHeap, bound,
        (memoryBounded ? "bounded" : "GREW") as NSString)
} else {
    let fill = windowFullAt.map { String(format: "it filled at %.0f s, leaving %.0f s", $0, steadySpan) }
        ?? "it never filled (\(ledger.accepted) ids accepted)"
    heapVerdict = String(
        format: "peak %.1f MiB, drained %.1f MiB; NOT JUDGED: judging needs %.0f s of steady state after the deduplication window (\(deduplicationWindow) ids) is full, and %@ (at %.0f webhooks/s, run at least %.0f s)",
        peakHeap, drainedHeap, steadyStateNeeded, fill as NSString, rate, (Double(deduplicationWindow) / rate + steadyStateNeeded).rounded(.up))
}
print("""

    soak summary (seed \(seed))
      duration            \(Int((sendingEnded - start).components.seconds)) s sending, then \(Int((clock.now - sendingEnded).components.seconds)) s draining
      webhooks            \(number) posted, \(ledger.accepted) accepted (202), \(refused) refused
      delivered           \(ledger.accepted - lost) of \(ledger.accepted) accepted arrived at the inlet; lost \(lost); \(ledger.duplicates) duplicate arrivals; \(unexpected) arrivals never accepted; \(ledger.unreadableIDs) unreadable ids
      retries             \(metrics.retried) (requests by status: \(metrics.requestsByStatus.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")))
      inlet faults        \(emulator.faults.injectedCount)
      dead-lettered       \(metrics.deadLettered), dropped \(metrics.dropped.values.reduce(0, +))
      outbox disk use     max \(maxDisk / 1024) KiB (bound \(diskBound / 1024) KiB: maxBytes + 2 segments)
      library heap        \(heapVerdict) (heap in use less the harness's id tables)
      RSS                 peak \(String(format: "%.0f", ProcessUsage.peakRSSMiB())) MiB; first-half peak \(String(format: "%.0f", firstHalfRSS)) MiB, at the end \(String(format: "%.0f", lastRSS)) MiB (reported, not judged)
      left in outbox      \(shutdown.remaining)\(drained ? "" : " (drain timed out)")
    """)
let ok = lost == 0 && unexpected == 0 && ledger.unreadableIDs == 0 && shutdown.remaining == 0 && metrics.deadLettered == 0
    && ledger.accepted > 0 && maxDisk <= diskBound && memoryBounded
print(ok ? "PASS" : "FAIL")
exit(ok ? 0 : 1)
