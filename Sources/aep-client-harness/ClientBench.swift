import AEPInletEmulator
import AEPStreamingClient
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `bench` and `transport`: the client's throughput, CPU and memory, measured from a process of its own.
extension ClientHarness {
    static func benchPayload(_ id: String) -> Data {
        Data(#"{"_id":"\#(id)","timestamp":"2024-05-01T12:34:56.789Z","eventType":"chat.message","_acme":{"chatlio":{"channelId":"C04J7M7LCMQ","message":"Hello from the harness, this is a typical short chat line."}}}"#.utf8)
    }

    static func benchConfiguration(_ inlet: URL) -> AEPStreamingClient.Configuration {
        var configuration = AEPStreamingClient.Configuration(
            inletURL: inlet, format: .xdm(schemaID: "https://ns.adobe.com/acme/schemas/chat", datasetID: "5f0000000000000000000001", sourceName: "harness"),
            flowID: "harness-flow"
        )
        configuration.retry = RetryPolicy(initialBackoff: .milliseconds(10), maxBackoff: .milliseconds(100), maxAttempts: 1000, maxRetryAfter: .seconds(1))
        configuration.batching.linger = .milliseconds(20)
        configuration.requestTimeout = .seconds(2)
        return configuration
    }

    static func bench(events: Int, fileOutbox: Bool, senders: Int, inlet: URL?) async throws {
        let emulator = try AEPInletEmulator(configuration: AEPInletEmulator.Configuration(inletId: "bench-inlet"))
        if inlet == nil { try emulator.start() }
        defer { emulator.stop() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("aep-bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let outbox: any Outbox = fileOutbox ? try FileOutbox(directory: directory, options: .init(durability: .groupCommit())) : InMemoryOutbox()
        var configuration = benchConfiguration(inlet ?? emulator.inletURL)
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
                        try await client.send(StreamingEvent(id: id, payload: benchPayload(id)))
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
