// crash-harness: kill a writer process with SIGKILL at random points, restart it on the same file outbox,
// and prove that every event whose `send` returned reaches the inlet exactly as sent.
//
//   swift run -c release --package-path Benchmarks crash-harness [--kills 200] [--seed 42]
//
// The parent runs an in-process AEPInletEmulator (with a seeded 10 % fault rate: 5xx, 429 with Retry-After,
// dropped connections, slow answers) and starts `crash-harness child` again and again on one outbox
// directory. The child sends events one after another through AEPStreamingClient (file outbox, durability
// alternating between fsync-per-send and group commit) and prints "ok <id>" after each `send` returns. The
// parent kills it after a seeded random delay, checks the outbox's disk use stays within its bound, now and
// then tears the newest segment's tail on purpose, and finally drains the outbox itself and compares.
import AEPInletEmulator
import AEPStreamingClient
import ChatlioJSON
import Foundation
#if canImport(Glibc)
import Glibc
#endif

let maxEvents = 2_000
let maxBytes = 2 << 20
let segmentBytes = 256 << 10

/// The payload of an event: a function of its id and number, so the parent knows what must arrive.
func payload(id: String, number: Int) -> JSONValue {
    [
        "_id": .string(id), "timestamp": "2024-01-01T00:00:00.000Z", "eventType": "chat.crashTest",
        "n": .number(JSONNumber(number)), "pad": .string(String(repeating: "x", count: number % 700)),
    ]
}

func clientConfiguration(inlet: URL) -> AEPStreamingClient.Configuration {
    var configuration = AEPStreamingClient.Configuration(inletURL: inlet, format: .xdm(schemaID: "https://ns.adobe.com/acme/schemas/crash", datasetID: "crash"))
    configuration.batching.linger = .milliseconds(5)
    configuration.batching.maxMessages = 50
    configuration.outboxLimits = OutboxLimits(maxEvents: maxEvents, maxBytes: maxBytes)
    configuration.retry = RetryPolicy(initialBackoff: .milliseconds(20), maxBackoff: .milliseconds(200), maxAttempts: 1_000, maxRetryAfter: .milliseconds(200))
    return configuration
}

func value(_ name: String, in arguments: [String]) -> String? {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

// MARK: Child

func runChild(_ arguments: [String]) async -> Never {
    guard let directory = value("--outbox", in: arguments), let inlet = value("--inlet", in: arguments).flatMap(URL.init(string:)),
          let run = value("--run", in: arguments).flatMap(Int.init)
    else {
        FileHandle.standardError.write(Data("child: bad arguments\n".utf8))
        exit(2)
    }
    let durability: FileOutbox.Durability = run % 2 == 0 ? .everyAppend : .groupCommit()
    do {
        // --memory-outbox is the harness's self-check: an outbox that does not survive a kill must FAIL.
        let outbox: any Outbox = arguments.contains("--memory-outbox")
            ? InMemoryOutbox()
            : try FileOutbox(directory: URL(fileURLWithPath: directory), options: .init(durability: durability, segmentBytes: segmentBytes))
        let client = try await AEPStreamingClient(configuration: clientConfiguration(inlet: inlet), outbox: outbox)
        var number = 0
        while true {
            let id = "r\(run)-\(number)"
            try await client.send(StreamingEvent(id: id, payload: payload(id: id, number: number).serialized(sortedKeys: true)))
            // Only after send returned: this id is now promised.
            FileHandle.standardOutput.write(Data("ok \(id) \(number)\n".utf8))
            number += 1
        }
    } catch {
        FileHandle.standardError.write(Data("child: \(error)\n".utf8))
        exit(3)
    }
}

// MARK: Parent

struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Reads a child's stdout; complete "ok <id> <n>" lines are promises.
final class PromiseReader: @unchecked Sendable {
    private let lock = NSLock()
    private var buffer = Data()
    private(set) var promised: [(id: String, number: Int)] = []

    func consume(_ data: Data) {
        lock.lock()
        defer { lock.unlock() }
        buffer.append(data)
        while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
            let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
            buffer.removeSubrange(buffer.startIndex...newline)
            let parts = line.split(separator: " ")
            if parts.count == 3, parts[0] == "ok", let number = Int(parts[2]) { promised.append((String(parts[1]), number)) }
        }
    }

    func take() -> [(id: String, number: Int)] {
        lock.lock()
        defer { lock.unlock() }
        return promised
    }
}

func diskUse(of directory: URL) -> Int {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
    return names.reduce(0) { total, name in
        total + ((try? FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent(name).path)[.size] as? Int) ?? 0)
    }
}

/// Appends garbage to the newest segment, as a write cut short by a power loss would leave it.
func tearNewestSegment(in directory: URL, random: inout SplitMix64) -> Bool {
    let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { !$0.hasPrefix(".") && !$0.hasSuffix(".lock") }.sorted()
    guard let newest = names.last, let handle = FileHandle(forWritingAtPath: directory.appendingPathComponent(newest).path) else { return false }
    defer { try? handle.close() }
    let garbage = (0..<Int(random.next() % 40 + 1)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
    _ = try? handle.seekToEnd()
    return (try? handle.write(contentsOf: Data(garbage))) != nil
}

func runParent(_ arguments: [String]) async -> Int32 {
    let kills = value("--kills", in: arguments).flatMap(Int.init) ?? 200
    let seed = value("--seed", in: arguments).flatMap(UInt64.init) ?? 42
    var random = SplitMix64(state: seed)
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("crash-harness-\(seed)-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }

    var emulatorConfiguration = AEPInletEmulator.Configuration(inletId: "crash")
    emulatorConfiguration.faultRate = 0.1
    emulatorConfiguration.faultSeed = seed
    let emulator: AEPInletEmulator
    do {
        emulator = try AEPInletEmulator(configuration: emulatorConfiguration)
        _ = try emulator.start()
    } catch {
        print("could not start the emulator: \(error)")
        return 1
    }
    defer { emulator.stop() }

    let executable = URL(fileURLWithPath: CommandLine.arguments[0]).path
    var promised: [(id: String, number: Int)] = []
    var maxDisk = 0
    var tears = 0
    var unexpectedExits = 0
    let started = Date()
    for run in 0..<kills {
        let child = Process()
        child.executableURL = URL(fileURLWithPath: executable)
        child.arguments = ["child", "--outbox", directory.path, "--inlet", emulator.inletURL.absoluteString, "--run", String(run)]
            + (arguments.contains("--memory-outbox") ? ["--memory-outbox"] : [])
        let output = Pipe()
        child.standardOutput = output
        let reader = PromiseReader()
        output.fileHandleForReading.readabilityHandler = { handle in reader.consume(handle.availableData) }
        do { try child.run() } catch {
            print("could not start the child: \(error)")
            return 1
        }
        let delay = 30 + Int(random.next() % 400)
        try? await Task.sleep(for: .milliseconds(delay))
        if child.isRunning {
            kill(child.processIdentifier, SIGKILL)
        } else {
            unexpectedExits += 1
        }
        child.waitUntilExit()
        output.fileHandleForReading.readabilityHandler = nil
        reader.consume(output.fileHandleForReading.readDataToEndOfFile())
        promised += reader.take()
        maxDisk = max(maxDisk, diskUse(of: directory))
        if run % 25 == 24, tearNewestSegment(in: directory, random: &random) { tears += 1 }
        if run % 20 == 0 { print("kill \(run + 1)/\(kills): \(promised.count) events promised, outbox \(diskUse(of: directory)) bytes") }
    }

    // Drain what is left, in this process, on the same outbox.
    var remaining = -1
    do {
        let outbox = try FileOutbox(directory: directory, options: .init(segmentBytes: segmentBytes))
        let client = try await AEPStreamingClient(configuration: clientConfiguration(inlet: emulator.inletURL), outbox: outbox)
        _ = await client.flush(timeout: .seconds(300))
        remaining = await client.shutdown(timeout: .seconds(10)).remaining
    } catch {
        print("could not reopen the outbox for the final drain: \(error)")
        return 1
    }

    var lost: [String] = []
    var altered: [String] = []
    for (id, number) in promised {
        guard let message = emulator.record.message(withID: id) else {
            lost.append(id)
            continue
        }
        if message.xdmEntity != payload(id: id, number: number) { altered.append(id) }
    }
    let duplicates = emulator.record.duplicateIDs.values.reduce(0) { $0 + $1 - 1 }
    let bound = maxBytes + 2 * segmentBytes
    print("""

        crash-harness (seed \(seed))
          kills                  \(kills) SIGKILLs at random points (\(unexpectedExits) children had already exited)
          torn tails injected    \(tears)
          events promised        \(promised.count)   (send returned in a child that was later killed)
          delivered              \(promised.count - lost.count)
          lost                   \(lost.count)\(lost.prefix(5).map { " " + $0 }.joined())
          altered                \(altered.count)\(altered.prefix(5).map { " " + $0 }.joined())
          duplicates at inlet    \(duplicates)   (allowed: a kill between AEP's 200 and the outbox ack; _id dedups)
          left in outbox         \(remaining)
          outbox disk use        max \(maxDisk) bytes (bound \(bound): maxBytes + 2 segments)
          inlet faults injected  \(emulator.faults.injectedCount)
          time                   \(String(format: "%.0f", Date().timeIntervalSince(started))) s
        """)
    let ok = lost.isEmpty && altered.isEmpty && remaining == 0 && maxDisk <= bound && unexpectedExits == 0 && !promised.isEmpty
    print(ok ? "PASS" : "FAIL")
    return ok ? 0 : 1
}

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "child" {
    await runChild(arguments)
} else if arguments.contains("--help") {
    print("""
        Usage: crash-harness [--kills N] [--seed S] [--memory-outbox]
          --kills N          SIGKILLs of the writer (default 200)
          --seed S           seeds kill times, torn tails and inlet faults (default 42)
          --memory-outbox    self-check: writers use the in-memory outbox, so the harness must report FAIL
        """)
} else {
    exit(await runParent(arguments))
}
