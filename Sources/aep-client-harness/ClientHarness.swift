import AEPInletEmulator
import AEPStreamingClient
import ExampleSupport
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Drives `AEPStreamingClient` from a separate process.
///
/// `aep-client-harness child <outbox-dir> <inlet-url> <first> <count> <acked-file>`
///   sends `evt-<first>` … on a `FileOutbox` (group commit) and appends each id
///   to `<acked-file>` once its `send` returned; the crash test kills it with
///   SIGKILL and checks that every listed id reaches the inlet after a restart.
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
        usage: "usage: aep-client-harness child <dir> <inlet-url> <first> <count> <acked-file> | transport <requests> <inlet-url> | bench <events> <file|memory> [senders] [inlet-url]"
    )

    static func main() async {
        let words = tool.parse().positional
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
            case "child" where words.count == 6:
                try await child(
                    directory: URL(fileURLWithPath: words[1]), inlet: url(2), first: count(3, "first"), count: count(4, "count"), ackedFile: words[5]
                )
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

    static func payload(_ id: String) -> Data {
        Data(#"{"_id":"\#(id)","timestamp":"2024-05-01T12:34:56.789Z","eventType":"chat.message","_acme":{"chatlio":{"channelId":"C04J7M7LCMQ","message":"Hello from the harness, this is a typical short chat line."}}}"#.utf8)
    }

    static func configuration(_ inlet: URL) -> AEPStreamingClient.Configuration {
        var configuration = AEPStreamingClient.Configuration(
            inletURL: inlet, format: .xdm(schemaID: "https://ns.adobe.com/acme/schemas/chat", datasetID: "5f0000000000000000000001", sourceName: "harness"),
            flowID: "harness-flow"
        )
        configuration.retry = RetryPolicy(initialBackoff: .milliseconds(10), maxBackoff: .milliseconds(100), maxAttempts: 1000, maxRetryAfter: .seconds(1))
        configuration.batching.linger = .milliseconds(20)
        configuration.requestTimeout = .seconds(2)
        return configuration
    }

    static func child(directory: URL, inlet: URL, first: Int, count: Int, ackedFile: String) async throws {
        let outbox = try FileOutbox(directory: directory, options: .init(durability: .groupCommit()))
        let client = try await AEPStreamingClient(configuration: configuration(inlet), outbox: outbox)
        let fd = open(ackedFile, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw AEPStreamingClientError(.outboxIO, "cannot open \(ackedFile)") }
        for index in first ..< first + count {
            let id = "evt-\(index)"
            try await client.send(StreamingEvent(id: id, payload: payload(id)))
            // One write per id: after a SIGKILL the file holds whole lines for every returned send
            // (and at most a partial last line, which the test ignores).
            let line = Array("\(id)\n".utf8)
            _ = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        }
        close(fd)
        _ = await client.flush(timeout: .seconds(30))
        await client.shutdown(timeout: .seconds(5))
    }

    static func bench(events: Int, fileOutbox: Bool, senders: Int, inlet: URL?) async throws {
        let emulator = try AEPInletEmulator(configuration: AEPInletEmulator.Configuration(inletId: "bench-inlet"))
        if inlet == nil { try emulator.start() }
        defer { emulator.stop() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("aep-bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let outbox: any Outbox = fileOutbox ? try FileOutbox(directory: directory, options: .init(durability: .groupCommit())) : InMemoryOutbox()
        var configuration = configuration(inlet ?? emulator.inletURL)
        configuration.outboxLimits.maxEvents = 50_000
        let client = try await AEPStreamingClient(configuration: configuration, outbox: outbox)
        let perSender = events / senders
        let total = perSender * senders
        let reader = Task { () -> Int in
            var count = 0
            for await _ in client.deliveryReports {
                count += 1
                if count == total { break }
            }
            return count
        }
        let clock = ContinuousClock()
        let cpuBefore = cpuSeconds()
        let started = clock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for sender in 0 ..< senders {
                group.addTask {
                    for index in 0 ..< perSender {
                        let id = "b\(sender)-\(index)"
                        try await client.send(StreamingEvent(id: id, payload: payload(id)))
                    }
                }
            }
            try await group.waitForAll()
        }
        let sendPhase = started.duration(to: clock.now)
        let delivered = await reader.value
        let elapsed = started.duration(to: clock.now)
        let cpu = cpuSeconds() - cpuBefore
        let metrics = client.metrics()
        await client.shutdown(timeout: .seconds(5))
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("""
        outbox: \(fileOutbox ? "file (group commit)" : "memory"), senders: \(senders); all sends returned after \(sendPhase)
        delivered \(delivered) of \(total) events in \(String(format: "%.2f", seconds)) s: \(String(format: "%.0f", Double(delivered) / seconds)) events/s
        process CPU (client\(inlet == nil ? " + in-process emulator" : "")): \(String(format: "%.2f", cpu)) s = \(String(format: "%.2f", cpu / seconds)) cores
        peak RSS: \(peakRSSMegabytes()) MB; requests: \(metrics.requests); send latency p50 \(metrics.sendLatency.p50.map { "\($0)" } ?? "-") p99 \(metrics.sendLatency.p99.map { "\($0)" } ?? "-")
        """)
    }

    #if canImport(Glibc)
    static let rusageSelf = RUSAGE_SELF.rawValue
    #else
    static let rusageSelf = RUSAGE_SELF
    #endif

    /// Posts `requests` bodies of 330 KB through `URLSessionTransport` and
    /// prints the peak RSS as it goes: a flat figure means the transport keeps nothing.
    static func transportMemory(requests: Int, inlet: URL) async throws {
        let transport = URLSessionTransport()
        let body = Data(repeating: UInt8(ascii: "x"), count: 330_000)
        for index in 1 ... requests {
            _ = try? await transport.send(HTTPTransportRequest(url: inlet, headers: [("Content-Type", "application/json")], body: body, timeout: .seconds(10)))
            if index % 250 == 0 { print("\(index) requests: peak RSS \(peakRSSMegabytes()) MB") }
        }
    }

    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(rusageSelf, &usage)
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    }

    static func peakRSSMegabytes() -> Int {
        var usage = rusage()
        getrusage(rusageSelf, &usage)
        return Int(usage.ru_maxrss) / 1024
    }
}
