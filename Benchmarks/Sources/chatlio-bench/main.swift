// chatlio-bench: ChatlioAEP's hot paths next to baselines measured in the same run.
//
//   swift run -c release --package-path Benchmarks chatlio-bench [--quick] [--json FILE] [--filter TEXT]
//   swift run -c release --package-path Benchmarks chatlio-bench --instructions [--quick]   callgrind instruction counts
//
// Every figure is the median of several timed runs after a warm-up, with min and max, in events
// per second on one core. Ratios compare with a baseline measured in the same process, so a noisy
// shared machine moves both sides alike.
import AEPStreamingClient
import BenchmarkSupport
import ChatlioJSON
import ChatlioWebhooks
import ChatlioXDMMapper
import ExampleSupport
import Foundation
import MallocCounter
import XDMSchemaRegistry

// MARK: Options

struct Options {
    var quick = false
    var jsonPath: String?
    var filter: String?
    var instructions = false
    /// Hidden: run one child scenario (`--scenario ID`) or one counted loop (`--instruction-child …`) and exit.
    var scenario: String?
    var instructionChild: [String]?
}

let usage = """
    Usage: chatlio-bench [--quick] [--json FILE] [--filter TEXT]
           chatlio-bench --instructions [--quick] [--json FILE] [--filter TEXT]

      --quick         small counts, a few seconds in all (what CI runs)
      --json FILE     also write the figures as JSON
      --filter TEXT   only scenarios whose name contains TEXT
      --instructions  instructions per event of each intake stage and of the Python + orjson peer,
                      counted with valgrind --tool=callgrind (instead of the timings)
      --sha [--bytes N] [--iterations N] [--runs N]   only the SHA-256 micro-benchmark (SHABenchmark.swift)

    Environment: CHATLIO_BENCH_PYTHON (the peer's interpreter, default python3), CHATLIO_WAIT_PROBE
    (the CPU-while-waiting probe, default urlsession-wait next to chatlio-bench or on PATH).
    """

let tool = CommandLineTool(name: "chatlio-bench", usage: usage)

func parseOptions() -> Options {
    let parsed = tool.parse(
        flags: ["--quick", "--instructions", "--sha", "--instruction-child"],
        valued: ["--json", "--filter", "--scenario", "--bytes", "--iterations", "--runs"]
    )
    if parsed.has("--sha") {
        runSHABenchmark(
            bytes: tool.checked { try parsed.integer("--bytes", in: 0 ... Int.max, what: "a number of bytes") } ?? 676,
            iterations: tool.checked { try parsed.positiveInteger("--iterations") } ?? 200_000,
            runs: tool.checked { try parsed.positiveInteger("--runs") } ?? 7
        )
    }
    if let option = parsed.given.first(where: ["--bytes", "--iterations", "--runs"].contains) { tool.usageError("\(option) goes with --sha") }
    var options = Options()
    options.quick = parsed.has("--quick")
    options.instructions = parsed.has("--instructions")
    options.jsonPath = parsed.value("--json")
    options.filter = parsed.value("--filter")
    options.scenario = parsed.value("--scenario")
    // --instruction-child STAGE KIND COUNT MAXCOUNT: the four words are positional.
    if parsed.has("--instruction-child") {
        options.instructionChild = parsed.positional
    } else if let stray = parsed.positional.first {
        tool.usageError("unexpected argument '\(stray)' (see --help)")
    }
    return options
}

// MARK: Measurement

struct Figure: Encodable {
    var scenario: String
    var eventsPerSecond: Double
    var minEventsPerSecond: Double
    var maxEventsPerSecond: Double
    var baseline: String?
    var baselineEventsPerSecond: Double?
    var ratio: Double?
    var allocationsPerEvent: Double?
}

struct Rate {
    var median: Double
    var min: Double
    var max: Double
    var allocationsPerEvent: Double?
}

final class Bench {
    let options: Options
    var figures: [Figure] = []
    var baselines: [String: Rate] = [:]
    let runs: Int
    let eventsPerRun: Int

    init(options: Options) {
        self.options = options
        runs = options.quick ? 3 : 7
        eventsPerRun = options.quick ? 2_000 : 40_000
    }

    func wanted(_ name: String) -> Bool {
        options.filter.map { name.contains($0) } ?? true
    }

    /// Times `body` (which handles one event per call, `index` cycling) over several runs.
    func rate(_ body: (Int) throws -> Void) rethrows -> Rate {
        for index in 0..<max(eventsPerRun / 10, 100) { try body(index) }  // warm-up
        var rates: [Double] = []
        var allocations: Double?
        for _ in 0..<runs {
            let allocationsBefore = malloc_counter_allocations()
            let start = ContinuousClock.now
            for index in 0..<eventsPerRun { try body(index) }
            let elapsed = ContinuousClock.now - start
            let allocated = malloc_counter_allocations() - allocationsBefore
            rates.append(Double(eventsPerRun) / elapsed.seconds)
            if malloc_counter_is_active() != 0 { allocations = Double(allocated) / Double(eventsPerRun) }
        }
        rates.sort()
        return Rate(median: rates[rates.count / 2], min: rates[0], max: rates[rates.count - 1], allocationsPerEvent: allocations)
    }

    func baseline(_ name: String, _ body: (Int) throws -> Void) rethrows {
        guard baselines[name] == nil else { return }
        let measured = try rate(body)
        baselines[name] = measured
        record(Figure(scenario: name, eventsPerSecond: measured.median, minEventsPerSecond: measured.min, maxEventsPerSecond: measured.max, allocationsPerEvent: measured.allocationsPerEvent))
    }

    func scenario(_ name: String, against baselineName: String, _ body: (Int) throws -> Void) rethrows {
        guard wanted(name) else { return }
        let measured = try rate(body)
        let base = baselines[baselineName]
        record(Figure(
            scenario: name, eventsPerSecond: measured.median, minEventsPerSecond: measured.min, maxEventsPerSecond: measured.max,
            baseline: baselineName, baselineEventsPerSecond: base?.median, ratio: base.map { measured.median / $0.median },
            allocationsPerEvent: measured.allocationsPerEvent))
    }

    func record(_ figure: Figure) {
        figures.append(figure)
        func number(_ value: Double?) -> String { value.map { String(format: "%10.0f", $0) } ?? String(repeating: " ", count: 10) }
        let ratio = figure.ratio.map { String(format: "%6.2fx", $0) } ?? "       "
        let allocations = figure.allocationsPerEvent.map { String(format: "%8.1f", $0) } ?? "       -"
        print("\(figure.scenario.padding(toLength: 58, withPad: " ", startingAt: 0)) \(number(figure.eventsPerSecond)) \(number(figure.minEventsPerSecond)) \(number(figure.maxEventsPerSecond))  \(ratio) \(allocations)  \(figure.baseline ?? "")")
    }
}

// MARK: Inputs

struct Sample {
    let kind: WebhookKind
    let name: String
    let bytes: Data
}

func loadSamples() throws -> [Sample] {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Examples/Payloads")
    var samples: [Sample] = []
    for kind in WebhookKind.allCases {
        let folder = root.appendingPathComponent(kind.rawValue)
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() where name.hasSuffix(".json") {
            let pretty = try Data(contentsOf: folder.appendingPathComponent(name))
            // Webhooks arrive compact; measure the bytes a server would receive, members in
            // Chatlio's order (the sample's): a re-serialised tree would put them in hash order.
            let compact = try compactedKeepingOrder(pretty)
            samples.append(Sample(kind: kind, name: String(name.dropLast(5)), bytes: compact))
        }
    }
    return samples
}

/// `pretty` without the white space between tokens: the same members in the same order,
/// which the cursor of the models' readers and the canonical sort both depend on.
func compactedKeepingOrder(_ pretty: Data) throws -> Data {
    var compact = Data(capacity: pretty.count)
    var inString = false
    var escaped = false
    for byte in pretty {
        if inString {
            if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
        } else if byte == UInt8(ascii: "\"") {
            inString = true
        } else if byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 {
            continue
        }
        compact.append(byte)
    }
    guard try JSONValue(parsing: compact) == JSONValue(parsing: pretty) else { throw BenchError("compacting a sample changed its value") }
    return compact
}

// MARK: Run

let options = parseOptions()
let bench = Bench(options: options)
let samples = try loadSamples()
let receivedAt = Date(timeIntervalSince1970: 1_767_225_600)
let mapper = try XDMMapper(configuration: .init(tenantID: "acme"))
let validator = try ChatlioXDM(tenantID: "acme").experienceEventValidator()
let encoder = JSONEncoder()
let decoder = JSONDecoder()
let inputs = BenchInputs(samples: samples, mapper: mapper, validator: validator, receivedAt: receivedAt)
if let id = options.scenario {
    try await runChildScenario(id, quick: options.quick, inputs: inputs)
    exit(0)
}
if let arguments = options.instructionChild {
    try runInstructionChild(arguments, inputs: inputs)
    exit(0)
}
if options.instructions {
    do {
        exit(try await runInstructionCounts(options: options, inputs: inputs))
    } catch {
        FileHandle.standardError.write(Data("chatlio-bench --instructions: \(error)\n".utf8))
        exit(1)
    }
}

print("ChatlioAEP benchmarks (\(options.quick ? "quick" : "full"); \(bench.runs) runs × \(bench.eventsPerRun) events; release build expected)")
print("\("scenario".padding(toLength: 58, withPad: " ", startingAt: 0))   median/s      min/s      max/s   ratio  allocs/ev  baseline")

/// The representative sample of each kind: the documented example shape.
let representative: [WebhookKind: Sample] = Dictionary(uniqueKeysWithValues: WebhookKind.allCases.compactMap { kind in
    samples.first { $0.kind == kind && $0.name == "basic" }.map { (kind, $0) }
})

for kind in WebhookKind.allCases {
    guard let sample = representative[kind] else { continue }
    let bytes = sample.bytes
    let label = "\(kind.rawValue) (\(bytes.count) B)"
    let codableDecode = "codable decode, \(label)"
    let codableRoundTrip = "codable decode+encode, \(label)"
    if bench.wanted(kind.rawValue) {
        try bench.baseline(codableDecode) { _ in _ = try CodableBaseline.decode(bytes, kind: kind, decoder) }
        try bench.baseline(codableRoundTrip) { _ in try CodableBaseline.roundTrip(bytes, kind: kind, decoder, encoder) }
    }
    try bench.scenario("decode \(label)", against: codableDecode) { _ in _ = try ChatlioWebhook.decode(bytes, kind: kind) }
    let webhook = try ChatlioWebhook.decode(bytes, kind: kind)
    try bench.scenario("map \(label)", against: codableRoundTrip) { _ in _ = try mapper.map(webhook, receivedAt: receivedAt) }
    let event = try mapper.map(webhook, receivedAt: receivedAt)
    bench.scenario("validate \(label)", against: codableRoundTrip) { _ in precondition(validator.validate(event.value).isValid) }
    try bench.scenario("full path \(label)", against: codableRoundTrip) { _ in
        let event = try mapper.map(ChatlioWebhook.decode(bytes, kind: kind), receivedAt: receivedAt)
        precondition(validator.validate(event.value).isValid && !event.jsonBytes.isEmpty)
    }
}

let mixed = samples
if bench.wanted("mixed") {
    try bench.baseline("codable decode+encode, mixed \(mixed.count) samples") { index in
        let sample = mixed[index % mixed.count]
        try CodableBaseline.roundTrip(sample.bytes, kind: sample.kind, decoder, encoder)
    }
    try bench.scenario("full path, mixed \(mixed.count) samples", against: "codable decode+encode, mixed \(mixed.count) samples") { index in
        let sample = mixed[index % mixed.count]
        let event = try mapper.map(ChatlioWebhook.decode(sample.bytes, kind: sample.kind), receivedAt: receivedAt)
        precondition(validator.validate(event.value).isValid)
    }
}

try await measureIntakeAgainstPeer(bench: bench, inputs: inputs)

// MARK: Outbox, delivery, scaling: each in a child process, for its own peak RSS

try runChildScenarios(bench: bench, options: options)
await measureWaitingCPU(options: options)

if let path = options.jsonPath {
    let report: [String: JSONValue] = [
        "machine": .string(ProcessInfo.processInfo.hostName),
        "processors": .number(JSONNumber(ProcessInfo.processInfo.activeProcessorCount)),
        "quick": .bool(options.quick),
    ]
    let figures = try JSONValue(parsing: encoder.encode(bench.figures))
    var document = report
    document["figures"] = figures
    try Data(JSONValue.object(document).serialized(sortedKeys: true)).write(to: URL(fileURLWithPath: path))
    print("wrote \(path)")
}
