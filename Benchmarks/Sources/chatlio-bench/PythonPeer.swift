import BenchmarkSupport
import ChatlioRelay
import ChatlioWebhooks
import ChatlioXDMMapper
import Foundation
import MallocCounter

/// The Python + orjson peer (`Benchmarks/peers/orjson_peer.py`), run as a subprocess in the same run.
///
/// `$CHATLIO_BENCH_PYTHON` names the interpreter (default: `python3` on `PATH`).
struct PythonPeer {
    let python: String
    let script: String
    /// The compact body of each intake kind, written where the peer can read it.
    let bodies: [WebhookKind: String]
    let directory: URL
    /// `python 3.11.7, orjson 3.8.3`.
    var versions = ""

    static var scriptPath: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("peers/orjson_peer.py").path
    }

    /// The peer, checked to run and to map each intake kind to exactly the entity `XDMMapper.map` writes;
    /// or why it cannot be measured (the caller prints that as its skip line).
    static func locate(inputs: BenchInputs) -> Result<PythonPeer, BenchError> {
        let environment = ProcessInfo.processInfo.environment
        guard let launcher = environment["CHATLIO_BENCH_PYTHON"] ?? executableOnPath("python3") else {
            return .failure(BenchError("no python3 on PATH (or $CHATLIO_BENCH_PYTHON)"))
        }
        // The interpreter itself, not a launcher script (pyenv's shims): valgrind must run Python, not a shell.
        let resolved = (try? runChild(launcher, ["-c", "import sys; print(sys.executable)"]))?.standardOutput
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let python = resolved.flatMap { FileManager.default.isExecutableFile(atPath: $0) ? $0 : nil } ?? launcher
        guard FileManager.default.fileExists(atPath: scriptPath) else { return .failure(BenchError("\(scriptPath) is missing")) }
        let directory = temporaryDirectory("peer")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            var bodies: [WebhookKind: String] = [:]
            for (kind, _) in intakeKinds {
                guard let sample = inputs.representative(kind) else { return .failure(BenchError("no basic.json sample of \(kind)")) }
                let file = directory.appendingPathComponent("\(kind.rawValue).json")
                try sample.bytes.write(to: file)
                bodies[kind] = file.path
            }
            var peer = PythonPeer(python: python, script: scriptPath, bodies: bodies, directory: directory)
            for (kind, _) in intakeKinds {
                let (status, output, errors) = try peer.run(["emit", kind.rawValue, bodies[kind] ?? ""])
                if status == 3 { return .failure(BenchError(errors.trimmingCharacters(in: .whitespacesAndNewlines))) }
                guard status == 0 else { return .failure(BenchError("the peer failed (status \(status)): \(errors)")) }
                let mapped = try JSONValue(parsing: Data(output.utf8))
                let expected = try inputs.mapper.map(ChatlioWebhook.decode(Data(contentsOf: URL(fileURLWithPath: bodies[kind] ?? "")), kind: kind), receivedAt: inputs.receivedAt)
                if let difference = firstDifference(mapped, expected.value, at: "") {
                    return .failure(BenchError("the peer's \(kind) entity differs from XDMMapper.map's at \(difference); fix the peer before comparing speeds"))
                }
            }
            let probe = try peer.time(.conversationStarted, events: 1, runs: 1)
            peer.versions = probe.versions
            return .success(peer)
        } catch {
            return .failure(BenchError("the peer could not be run: \(error)"))
        }
    }

    func run(_ arguments: [String]) throws -> (Int32, String, String) {
        let errorsURL = directory.appendingPathComponent("stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: errorsURL.path, contents: nil)
        let errors = try FileHandle(forWritingTo: errorsURL)
        defer { try? FileManager.default.removeItem(at: errorsURL) }
        let result = try runChild(python, [script] + arguments, standardError: errors)
        try errors.close()
        return (result.status, result.standardOutput, (try? String(contentsOf: errorsURL, encoding: .utf8)) ?? "")
    }

    /// The peer's own in-process timing: `runs` runs of `events` events after a warm-up, as `Bench.rate`.
    func time(_ kind: WebhookKind, events: Int, runs: Int) throws -> (rate: Rate, versions: String) {
        let (status, output, errors) = try run(["time", kind.rawValue, bodies[kind] ?? "", String(events), String(runs)])
        guard status == 0, case .object(let figures)? = try? JSONValue(parsing: Data(output.utf8)),
            case .number(let median)? = figures["median"], case .number(let low)? = figures["min"], case .number(let high)? = figures["max"]
        else { throw BenchError("the peer's timing failed (status \(status)): \(errors)\(output)") }
        func double(_ number: JSONNumber) -> Double { Double(number.description) ?? .nan }
        var versions = ""
        if case .string(let python)? = figures["python"], case .string(let orjson)? = figures["orjson"] { versions = "python \(python), orjson \(orjson)" }
        return (Rate(median: double(median), min: double(low), max: double(high), allocationsPerEvent: nil), versions)
    }

    /// Arguments that map `count` events and exit: what the instruction counts run under callgrind.
    func loopArguments(_ kind: WebhookKind, count: Int) -> [String] {
        [script, "loop", kind.rawValue, bodies[kind] ?? "", String(count)]
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}

/// The JSON pointer of the first place two values differ, or nil when they are equal.
func firstDifference(_ left: JSONValue, _ right: JSONValue, at pointer: String) -> String? {
    switch (left, right) {
    case (.object(let a), .object(let b)):
        for key in Set(a.keys).union(b.keys).sorted() {
            guard let x = a[key] else { return "\(pointer)/\(key) (only in XDMMapper.map's)" }
            guard let y = b[key] else { return "\(pointer)/\(key) (only in the peer's)" }
            if let found = firstDifference(x, y, at: "\(pointer)/\(key)") { return found }
        }
        return nil
    case (.array(let a), .array(let b)):
        guard a.count == b.count else { return "\(pointer) (\(a.count) items against \(b.count))" }
        for (index, pair) in zip(a, b).enumerated() {
            if let found = firstDifference(pair.0, pair.1, at: "\(pointer)/\(index)") { return found }
        }
        return nil
    default:
        return left == right ? nil : "\(pointer) (\(left.jsonString(sortedKeys: true)) against \(right.jsonString(sortedKeys: true)))"
    }
}

/// The intake timed next to the peer: `ChatlioRelay.handle` (in-memory sink) events/s ÷ the peer's events/s,
/// both measured here, one after the other, over the same counts.
@MainActor func measureIntakeAgainstPeer(bench: Bench, inputs: BenchInputs) async throws {
    guard bench.wanted("intake") || bench.wanted("peer") else { return }
    let peer: PythonPeer
    switch PythonPeer.locate(inputs: inputs) {
    case .failure(let reason):
        print("peer skipped: Python + orjson not measured: \(reason)")
        for (kind, _) in intakeKinds { try await timeIntake(bench: bench, inputs: inputs, kind: kind, peerName: nil) }
        return
    case .success(let found):
        peer = found
    }
    defer { peer.remove() }
    for (kind, _) in intakeKinds {
        guard let sample = inputs.representative(kind) else { continue }
        let name = "peer: Python + orjson, \(kind.rawValue) (\(sample.bytes.count) B)"
        let measured = try peer.time(kind, events: bench.eventsPerRun, runs: bench.runs)
        bench.baselines[name] = measured.rate
        bench.record(Figure(
            scenario: name, eventsPerSecond: measured.rate.median, minEventsPerSecond: measured.rate.min, maxEventsPerSecond: measured.rate.max,
            baseline: peer.versions))
        try await timeIntake(bench: bench, inputs: inputs, kind: kind, peerName: name)
    }
}

@MainActor private func timeIntake(bench: Bench, inputs: BenchInputs, kind: WebhookKind, peerName: String?) async throws {
    guard let sample = inputs.representative(kind) else { return }
    let distinct = try DistinctBodies(sample.bytes)
    let relay = try ChatlioRelay(mapper: inputs.mapper, sink: CountingSink(), quarantine: InMemoryQuarantineStore())
    let route = kind.rawValue
    // Distinct bodies are made per event (a 0.7–1.2 KB copy), so every one is accepted rather than a duplicate.
    let measured = try await bench.asyncRate { index in
        let response = await relay.handle(WebhookRequest(route: route, body: distinct.body(index)))
        if response.status != 202 { throw BenchError("the relay answered \(response.status) to a distinct \(kind) body") }
    }
    let base = peerName.flatMap { bench.baselines[$0] }
    bench.record(Figure(
        scenario: "intake ChatlioRelay.handle, \(kind.rawValue) (\(sample.bytes.count) B)", eventsPerSecond: measured.median,
        minEventsPerSecond: measured.min, maxEventsPerSecond: measured.max, baseline: peerName, baselineEventsPerSecond: base?.median,
        ratio: base.map { measured.median / $0.median }, allocationsPerEvent: measured.allocationsPerEvent))
}

extension Bench {
    /// `rate(_:)` for an async body, timed off the main actor. A server calls
    /// `ChatlioRelay.handle` from a nonisolated task (Hummingbird's and Vapor's
    /// handlers do); from a main-actor loop every call would hop to the global
    /// executor and back, two thread hand-offs an event that no server pays.
    @MainActor func asyncRate(_ body: @escaping @Sendable (Int) async throws -> Void) async throws -> Rate {
        try await Self.offMainActorRate(eventsPerRun: eventsPerRun, runs: runs, body)
    }

    private nonisolated static func offMainActorRate(
        eventsPerRun: Int, runs: Int, _ body: @Sendable (Int) async throws -> Void
    ) async throws -> Rate {
        var next = 0
        for _ in 0..<max(eventsPerRun / 10, 100) {
            try await body(next)
            next += 1
        }
        var rates: [Double] = []
        var allocations: Double?
        for _ in 0..<runs {
            let allocationsBefore = malloc_counter_allocations()
            let start = ContinuousClock.now
            for _ in 0..<eventsPerRun {
                try await body(next)
                next += 1
            }
            let elapsed = ContinuousClock.now - start
            let allocated = malloc_counter_allocations() - allocationsBefore
            rates.append(Double(eventsPerRun) / (elapsed.seconds))
            if malloc_counter_is_active() != 0 { allocations = Double(allocated) / Double(eventsPerRun) }
        }
        rates.sort()
        return Rate(median: rates[rates.count / 2], min: rates[0], max: rates[rates.count - 1], allocationsPerEvent: allocations)
    }
}
