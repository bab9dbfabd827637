import AEPInletEmulator
import AEPStreamingClient
import BenchmarkSupport
import ChatlioWebhooks
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif

func temporaryDirectory(_ name: String) -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("chatlio-bench-\(name)-\(UUID().uuidString)")
}

enum OutboxKind: String {
    case file = "file outbox"
    case memory = "in-memory outbox"
}

/// Sends `count` distinct events from `senders` concurrent tasks through a
/// client into an in-process emulator and waits until all are delivered.
/// The emulator's record is cleared as it fills so memory reflects the client.
func deliver(count: Int, payloads: [[UInt8]], outbox kind: OutboxKind, senders: Int = 64) async throws -> (seconds: Double, cpu: Double, delivered: Int) {
    let emulator = try AEPInletEmulator(configuration: .init(inletId: "bench"))
    _ = try emulator.start()
    defer { emulator.stop() }
    let directory = temporaryDirectory("outbox")
    defer { try? FileManager.default.removeItem(at: directory) }
    var configuration = AEPStreamingClient.Configuration(
        inletURL: emulator.inletURL, format: .xdm(schemaID: "https://ns.adobe.com/acme/schemas/chatlio-experienceevent", datasetID: "bench"), flowID: "flow-1")
    configuration.batching.linger = .milliseconds(5)
    configuration.outboxLimits = OutboxLimits(maxEvents: 50_000, maxBytes: 256 << 20)
    let outbox: any Outbox = kind == .file ? try FileOutbox(directory: directory) : InMemoryOutbox()
    let client = try await AEPStreamingClient(configuration: configuration, outbox: outbox)
    let janitor = Task {
        while !Task.isCancelled {
            if emulator.record.count > 20_000 { emulator.record.removeAll() }
            try? await Task.sleep(for: .milliseconds(50))
        }
    }
    let cpuBefore = ProcessUsage.cpuSeconds()
    let start = ContinuousClock.now
    try await withThrowingTaskGroup(of: Void.self) { group in
        for sender in 0..<senders {
            group.addTask {
                var index = sender
                while index < count {
                    let payload = payloads[index % payloads.count]
                    try await client.send(StreamingEvent(id: "bench-\(index)", payload: payload))
                    index += senders
                }
            }
        }
        try await group.waitForAll()
    }
    let drained = await client.flush(timeout: .seconds(600))
    let elapsed = ContinuousClock.now - start
    let cpu = ProcessUsage.cpuSeconds() - cpuBefore
    janitor.cancel()
    let delivered = client.metrics().delivered
    _ = await client.shutdown(timeout: .seconds(5))
    precondition(drained && delivered == count, "delivery benchmark lost events: \(delivered) of \(count)")
    return (elapsed.seconds, cpu, delivered)
}

/// The transport's own limit: prebuilt batch bodies posted one after another
/// with URLSession to the same emulator.
func postPrebuiltBatches(count: Int, payloads: [[UInt8]], batchSize: Int = 500) async throws -> Double {
    let emulator = try AEPInletEmulator(configuration: .init(inletId: "bench"))
    _ = try emulator.start()
    defer { emulator.stop() }
    var bodies: [Data] = []
    var index = 0
    while index < count {
        var body = Data(#"{"messages":["#.utf8)
        for offset in 0..<min(batchSize, count - index) {
            if offset > 0 { body.append(UInt8(ascii: ",")) }
            body.append(contentsOf: Array(#"{"header":{"schemaRef":{"id":"https://ns.adobe.com/acme/schemas/chatlio-experienceevent","contentType":"application/vnd.adobe.xed-full+json;version=1"},"datasetId":"bench"},"body":{"xdmMeta":{"schemaRef":{"id":"https://ns.adobe.com/acme/schemas/chatlio-experienceevent","contentType":"application/vnd.adobe.xed-full+json;version=1"}},"xdmEntity":"#.utf8))
            body.append(contentsOf: payloads[(index + offset) % payloads.count])
            body.append(contentsOf: Array("}}".utf8))
        }
        body.append(contentsOf: Array("]}".utf8))
        bodies.append(body)
        index += batchSize
    }
    let start = ContinuousClock.now
    try await BatchPoster.post(bodies, to: emulator.batchURL) {
        if emulator.record.count > 20_000 { emulator.record.removeAll() }
    }
    let elapsed = ContinuousClock.now - start
    return Double(count) / (elapsed.seconds)
}

/// Outbox appends of `count` records, from `writers` concurrent tasks.
func appendToFileOutbox(count: Int, payload: [UInt8], durability: FileOutbox.Durability, writers: Int) async throws -> Double {
    let directory = temporaryDirectory("append")
    defer { try? FileManager.default.removeItem(at: directory) }
    let outbox = try FileOutbox(directory: directory, options: .init(durability: durability))
    let data = Data(payload)
    let start = ContinuousClock.now
    try await withThrowingTaskGroup(of: Void.self) { group in
        for writer in 0..<writers {
            group.addTask {
                var index = writer
                while index < count {
                    try await outbox.append(OutboxRecord(id: "append-\(index)", payload: data, enqueuedAt: Date()))
                    index += writers
                }
            }
        }
        try await group.waitForAll()
    }
    let elapsed = ContinuousClock.now - start
    await outbox.close()
    return Double(count) / (elapsed.seconds)
}

/// The baseline for appends: write + fsync of the same bytes, one record at a time.
func rawWriteAndSync(count: Int, payload: [UInt8]) throws -> Double {
    let directory = temporaryDirectory("raw")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent("raw.log")
    _ = FileManager.default.createFile(atPath: url.path, contents: nil)
    let handle = try FileHandle(forWritingTo: url)
    let data = Data(payload)
    let start = ContinuousClock.now
    for _ in 0..<count {
        try handle.write(contentsOf: data)
        try handle.synchronize()
    }
    let elapsed = ContinuousClock.now - start
    try handle.close()
    return Double(count) / (elapsed.seconds)
}
