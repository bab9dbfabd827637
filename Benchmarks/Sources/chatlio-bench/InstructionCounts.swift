import ChatlioJSON
import ChatlioWebhooks
import Foundation

/// `chatlio-bench --instructions`: instructions per event of each intake stage, counted by callgrind.
///
/// Each figure comes from two runs of a child (this executable with `--instruction-child`, or the Python peer)
/// under `valgrind --tool=callgrind`, one doing the stage K times and one 2K times, with the same set-up:
/// (I(2K) − I(K)) / K is the loop alone, without start-up, sample loading or schema compilation, and needs no
/// valgrind headers or symbol names. Instruction counts do not depend on the machine's load.
struct InstructionFigure: Encodable {
    var stage: String
    var kind: String
    var bodyBytes: Int
    var instructionsPerEvent: Double
    var target: Int?
    var loopCount: Int
}

@MainActor func runInstructionCounts(options: Options, inputs: BenchInputs) async throws -> Int32 {
    guard let valgrind = executableOnPath("valgrind") else {
        FileHandle.standardError.write(Data("chatlio-bench --instructions: valgrind is not on PATH (apt-get install valgrind); no instruction counts\n".utf8))
        return 1
    }
    let count = options.quick ? 100 : 400
    let peerCount = options.quick ? 50 : 200
    let directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("chatlio-bench-callgrind")
    try? FileManager.default.removeItem(at: directory)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let executable = try strippedCopy(of: selfExecutablePath(), in: directory)

    /// Total instructions of one child run under callgrind (the `Collected :` line of its log).
    /// Hashing is made deterministic: with a random seed per process, the probes of the
    /// relay's tables differed from run to run and the figures by ±2,000.
    func collected(_ label: String, _ program: String, _ arguments: [String]) throws -> Int {
        let log = directory.appendingPathComponent("\(label).log")
        let result = try runChild(valgrind, [
            "--tool=callgrind", "--callgrind-out-file=\(directory.appendingPathComponent("\(label).out").path)",
            "--log-file=\(log.path)", program,
        ] + arguments, environment: ["SWIFT_DETERMINISTIC_HASHING": "1"])
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        guard result.status == 0 else { throw BenchError("\(label) under callgrind exited with \(result.status); see \(log.path)") }
        guard let line = text.split(separator: "\n").last(where: { $0.contains("Collected :") }),
            let number = line.split(separator: " ").last.flatMap({ Int($0) })
        else { throw BenchError("no 'Collected :' line in \(log.path)") }
        return number
    }

    func perEvent(_ label: String, _ program: String, _ arguments: (Int) -> [String], loop: Int) throws -> Double {
        let once = try collected("\(label)-\(loop)", program, arguments(loop))
        let twice = try collected("\(label)-\(2 * loop)", program, arguments(2 * loop))
        return Double(twice - once) / Double(loop)
    }

    print("ChatlioAEP instruction counts (callgrind; (I(2K) − I(K)) / K with K = \(count) events; Swift \(options.quick ? "quick" : "full"); release build expected)")
    print("\("stage".padding(toLength: 24, withPad: " ", startingAt: 0)) \("kind".padding(toLength: 30, withPad: " ", startingAt: 0))  instructions/event  target")
    var figures: [InstructionFigure] = []
    func report(_ figure: InstructionFigure) {
        figures.append(figure)
        let target = figure.target.map { "≤ \(grouped($0)) (\(figure.instructionsPerEvent <= Double($0) ? "met" : "not met"))" } ?? ""
        let kind = "\(figure.kind) (\(figure.bodyBytes) B)"
        print("\(figure.stage.padding(toLength: 24, withPad: " ", startingAt: 0)) \(kind.padding(toLength: 30, withPad: " ", startingAt: 0))  \(String(format: "%18.0f", figure.instructionsPerEvent))  \(target)")
    }

    let peer: PythonPeer?
    switch PythonPeer.locate(inputs: inputs) {
    case .success(let found): peer = found
    case .failure(let reason):
        peer = nil
        print("peer skipped: Python + orjson not counted: \(reason)")
    }
    defer { peer?.remove() }
    for (kind, target) in intakeKinds {
        guard let sample = inputs.representative(kind) else { continue }
        for stage in IntakeStage.allCases where options.filter.map({ stage.rawValue.contains($0) || kind.rawValue.contains($0) }) ?? true {
            let instructions = try perEvent("\(stage)-\(kind.rawValue)", executable, { loop in
                ["--instruction-child", stage.rawValue, kind.rawValue, String(loop), String(2 * count)]
            }, loop: count)
            report(InstructionFigure(stage: stage.rawValue, kind: kind.rawValue, bodyBytes: sample.bytes.count, instructionsPerEvent: instructions,
                                     target: stage == .intake ? target : nil, loopCount: count))
        }
        if let peer {
            let instructions = try perEvent("peer-\(kind.rawValue)", peer.python, { peer.loopArguments(kind, count: $0) }, loop: peerCount)
            report(InstructionFigure(stage: "peer: Python + orjson", kind: kind.rawValue, bodyBytes: sample.bytes.count,
                                     instructionsPerEvent: instructions, target: nil, loopCount: peerCount))
        }
    }
    print("callgrind profiles of the 2K runs: \(directory.path)/*-\(2 * count).out (callgrind_annotate FILE)")
    if let path = options.jsonPath {
        let encoded = try JSONValue(parsing: JSONEncoder().encode(figures))
        let document: JSONValue = ["quick": .bool(options.quick), "instructions": encoded]
        try Data(document.serialized(sortedKeys: true)).write(to: URL(fileURLWithPath: path))
        print("wrote \(path)")
    }
    let missed = figures.filter { figure in figure.target.map { figure.instructionsPerEvent > Double($0) } ?? false }
    if !missed.isEmpty { print("targets not met: \(missed.map { "\($0.kind) intake" }.joined(separator: ", ")) (figures reported; the exit status stays 0)") }
    return 0
}

/// `--instruction-child STAGE KIND COUNT MAXCOUNT`: the loop `runInstructionCounts` counts.
///
/// Synchronous on purpose, and called before chatlio-bench's first top-level `await`: the stage runs in a
/// detached task while the main thread waits on a semaphore. Once an async main suspends, its main thread parks
/// in libdispatch's `dispatch_main` (`sigsuspend`), and valgrind 3.19 dies there with an internal SIGSEGV.
func runInstructionChild(_ arguments: [String], inputs: BenchInputs) throws {
    guard arguments.count == 4, let stage = IntakeStage(rawValue: arguments[0]), let kind = WebhookKind(rawValue: arguments[1]),
        let count = Int(arguments[2]), let maxCount = Int(arguments[3]), count <= maxCount
    else { throw BenchError("--instruction-child needs STAGE KIND COUNT MAXCOUNT, got \(arguments)") }
    let finished = DispatchSemaphore(value: 0)
    let failure = ChildFailure()
    Task.detached {
        do {
            try await runStage(stage, kind: kind, count: count, maxCount: maxCount, inputs: inputs)
        } catch {
            failure.set("\(error)")
        }
        finished.signal()
    }
    finished.wait()
    if let message = failure.message { throw BenchError(message) }
}

/// The error of a detached child loop, read after its semaphore.
final class ChildFailure: @unchecked Sendable {
    private let lock = NSLock()
    private var text: String?
    func set(_ message: String) { lock.withLock { text = message } }
    var message: String? { lock.withLock { text } }
}

/// 60000 → "60,000".
func grouped(_ value: Int) -> String {
    let digits = Array(String(value.magnitude))
    var text = ""
    for (index, digit) in digits.enumerated() {
        if index > 0, (digits.count - index) % 3 == 0 { text.append(",") }
        text.append(digit)
    }
    return value < 0 ? "-" + text : text
}

/// A copy of `path` without DWARF: valgrind 3.19 cannot read the DWARF 5 of Swift 6 release builds ("unhandled
/// dwarf2 abbrev form code 0x25 … Possibly corrupted debuginfo file … Giving up"). Symbols stay, so
/// callgrind_annotate still names functions. Without `strip` or `objcopy`, the original.
func strippedCopy(of path: String, in directory: URL) throws -> String {
    let copy = directory.appendingPathComponent("chatlio-bench-stripped").path
    for (tool, arguments) in [("strip", ["--strip-debug", "-o", copy, path]), ("objcopy", ["--strip-debug", path, copy])] {
        guard let program = executableOnPath(tool) else { continue }
        if try runChild(program, arguments).status == 0 { return copy }
    }
    print("note: neither strip nor objcopy worked; running callgrind on \(path) itself")
    return path
}
