import AEPStreamingClient
import BenchmarkSupport
import ChatlioJSON
import ChatlioWebhooks
import ChatlioXDMMapper
import Foundation
import MallocCounter
import XDMSchemaRegistry

/// The outbox, delivery and scaling scenarios, each in a child process of its own (`--scenario ID`), so the
/// peak RSS it reports is that scenario's, not the high-water mark of everything run before it in one process.
struct ChildScenario {
    /// The `--scenario` argument.
    let id: String
    /// The `--filter` section it belongs to.
    let section: String
    /// The id of the scenario it is compared with, when it has one.
    let baseline: String?
}

/// What a child prints as its last stdout line.
struct ChildScenarioReport: Codable {
    var scenario: String
    var median: Double
    var min: Double
    var max: Double
    var allocationsPerEvent: Double?
    var note: String?
    /// The child's peak RSS (getrusage RUSAGE_SELF ru_maxrss), start-up included.
    var peakRSSMiB: Double
    /// Its RSS when the scenario started (after loading the samples), so the scenario's own growth shows.
    var startRSSMiB: Double
}

func childScenarios(quick: Bool) -> [ChildScenario] {
    var list: [ChildScenario] = [
        .init(id: "outbox.raw", section: "outbox", baseline: nil),
        .init(id: "outbox.fsync-per-send", section: "outbox", baseline: "outbox.raw"),
        .init(id: "outbox.group-1", section: "outbox", baseline: "outbox.raw"),
        .init(id: "outbox.group-32", section: "outbox", baseline: "outbox.raw"),
        .init(id: "delivery.urlsession", section: "delivery", baseline: nil),
        .init(id: "delivery.file", section: "delivery", baseline: "delivery.urlsession"),
        .init(id: "delivery.memory", section: "delivery", baseline: "delivery.urlsession"),
    ]
    let sizes = quick ? [10_000] : [10_000, 100_000, 1_000_000]
    list += sizes.map { .init(id: "scaling.path.\($0)", section: "scaling", baseline: nil) }
    list += sizes.map { .init(id: "scaling.delivery.\($0)", section: "scaling", baseline: nil) }
    return list
}

/// Runs each wanted child scenario and records its figure with its own peak RSS.
@MainActor func runChildScenarios(bench: Bench, options: Options) throws {
    let executable = selfExecutablePath()
    var rates: [String: (name: String, rate: Rate)] = [:]
    for scenario in childScenarios(quick: options.quick) where bench.wanted(scenario.section) {
        let result = try runChild(executable, ["--scenario", scenario.id] + (options.quick ? ["--quick"] : []))
        guard result.status == 0, let line = result.standardOutput.split(separator: "\n").last,
            let report = try? JSONDecoder().decode(ChildScenarioReport.self, from: Data(line.utf8))
        else { throw BenchError("scenario \(scenario.id) failed (status \(result.status)): \(result.standardOutput)") }
        let rate = Rate(median: report.median, min: report.min, max: report.max, allocationsPerEvent: report.allocationsPerEvent)
        rates[scenario.id] = (report.scenario, rate)
        let memory = String(format: "peak RSS %.0f MiB (own process; %.0f MiB at start)", report.peakRSSMiB, report.startRSSMiB)
        let base = scenario.baseline.flatMap { rates[$0] }
        let note = [base?.name, report.note, memory].compactMap { $0 }.joined(separator: "; ")
        bench.record(Figure(
            scenario: report.scenario, eventsPerSecond: rate.median, minEventsPerSecond: rate.min, maxEventsPerSecond: rate.max,
            baseline: note, baselineEventsPerSecond: base?.rate.median, ratio: base.map { rate.median / $0.rate.median },
            allocationsPerEvent: rate.allocationsPerEvent))
    }
}

/// Several timed runs of an async measurement that returns events/s; the median, min and max.
func repeated(_ runs: Int, _ measure: () async throws -> Double) async rethrows -> Rate {
    var rates: [Double] = []
    for _ in 0..<runs { rates.append(try await measure()) }
    rates.sort()
    return Rate(median: rates[rates.count / 2], min: rates[0], max: rates[rates.count - 1], allocationsPerEvent: nil)
}

/// `--scenario ID`: runs one scenario and prints its `ChildScenarioReport` as the last stdout line.
func runChildScenario(_ id: String, quick: Bool, inputs: BenchInputs) async throws {
    let samples = inputs.samples
    let mapper = inputs.mapper
    let receivedAt = inputs.receivedAt
    let mappedPayloads: [[UInt8]] = try samples.map { try mapper.map(ChatlioWebhook.decode($0.bytes, kind: $0.kind), receivedAt: receivedAt).jsonBytes }
    guard let conversation = inputs.representative(.conversationStarted) else { throw BenchError("no conversation-started sample") }
    let conversationPayload = try mapper.map(ChatlioWebhook.decode(conversation.bytes, kind: .conversationStarted), receivedAt: receivedAt).jsonBytes
    let runs = quick ? 1 : 3
    let appends = quick ? 200 : 2_000
    let events = quick ? 5_000 : 50_000
    let startRSS = (ProcessUsage.currentRSSMiB() ?? .nan)
    var name = id
    var note: String?
    let rate: Rate
    switch id {
    case "outbox.raw":
        name = "raw write+fsync, \(conversationPayload.count) B"
        rate = try await repeated(runs) { try rawWriteAndSync(count: appends, payload: conversationPayload) }
    case "outbox.fsync-per-send":
        name = "outbox append, file, fsync per send"
        rate = try await repeated(runs) { try await appendToFileOutbox(count: appends, payload: conversationPayload, durability: .everyAppend, writers: 1) }
    case "outbox.group-1":
        name = "outbox append, file, group commit, 1 writer"
        rate = try await repeated(runs) { try await appendToFileOutbox(count: appends, payload: conversationPayload, durability: .groupCommit(), writers: 1) }
    case "outbox.group-32":
        name = "outbox append, file, group commit, 32 writers"
        rate = try await repeated(runs) { try await appendToFileOutbox(count: appends * 5, payload: conversationPayload, durability: .groupCommit(), writers: 32) }
    case "delivery.urlsession":
        name = "URLSession POST of prebuilt 500-event batches"
        rate = try await repeated(runs) { try await postPrebuiltBatches(count: events, payloads: mappedPayloads) }
    case "delivery.file", "delivery.memory":
        let kind: OutboxKind = id == "delivery.file" ? .file : .memory
        name = "delivery to emulator, \(kind.rawValue), 64 senders, \(events) events"
        var cpuPerEvent = 0.0
        rate = try await repeated(runs) {
            let result = try await deliver(count: events, payloads: mappedPayloads, outbox: kind)
            cpuPerEvent = result.cpu / Double(events)
            return Double(events) / result.seconds
        }
        note = String(format: "process CPU %.0f µs/event incl. the emulator", cpuPerEvent * 1e6)
    case _ where id.hasPrefix("scaling.path."):
        guard let size = Int(id.dropFirst("scaling.path.".count)) else { throw BenchError("unknown scenario \(id)") }
        name = "scaling: full path, mixed, \(size) events"
        let allocationsBefore = malloc_counter_allocations()
        let start = ContinuousClock.now
        for index in 0..<size {
            let sample = samples[index % samples.count]
            let event = try mapper.map(ChatlioWebhook.decode(sample.bytes, kind: sample.kind), receivedAt: receivedAt)
            precondition(inputs.validator.validate(event.value).isValid)
        }
        let elapsed = ContinuousClock.now - start
        let perSecond = Double(size) / (elapsed.seconds)
        let allocations = malloc_counter_is_active() != 0 ? Double(malloc_counter_allocations() - allocationsBefore) / Double(size) : nil
        rate = Rate(median: perSecond, min: perSecond, max: perSecond, allocationsPerEvent: allocations)
    case _ where id.hasPrefix("scaling.delivery."):
        guard let size = Int(id.dropFirst("scaling.delivery.".count)) else { throw BenchError("unknown scenario \(id)") }
        name = "scaling: delivery, file outbox, \(size) events"
        let result = try await deliver(count: size, payloads: mappedPayloads, outbox: .file)
        let perSecond = Double(size) / result.seconds
        rate = Rate(median: perSecond, min: perSecond, max: perSecond, allocationsPerEvent: nil)
    default:
        throw BenchError("unknown scenario \(id); known: \(childScenarios(quick: false).map(\.id).joined(separator: ", "))")
    }
    let report = ChildScenarioReport(
        scenario: name, median: rate.median, min: rate.min, max: rate.max, allocationsPerEvent: rate.allocationsPerEvent, note: note,
        peakRSSMiB: ProcessUsage.peakRSSMiB(), startRSSMiB: startRSS)
    print(String(decoding: try JSONEncoder().encode(report), as: UTF8.self))
}
