public import AEPStreamingClient
import BenchmarkSupport
public import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Where a run's inlet comes from: a fresh child per run, or one already running.
public enum EmulatorLaunch: Sendable {
    case child(executable: String)
    case running(inletURL: URL)

    func start() throws -> EmulatorProcess {
        switch self {
        case .child(let executable): try EmulatorProcess.start(executable: executable)
        case .running(let url): EmulatorProcess.running(inletURL: url)
        }
    }
}

/// The outbox a delivery run uses.
public enum DeliveryOutbox: String, Sendable, CaseIterable {
    case file
    case memory

    public var label: String { self == .file ? "file outbox (group commit)" : "in-memory outbox" }
}

/// One timed delivery: N prebuilt events enqueued, until all are acknowledged and removed.
public struct DeliveryResult: Sendable {
    public var events: Int
    public var seconds: Double
    /// getrusage(RUSAGE_SELF) over the timed part: the client, its senders and its transport.
    public var clientCPUSeconds: Double
    /// The emulator child's CPU (RUSAGE_CHILDREN after it exited), its start-up included.
    public var inletCPUSeconds: Double

    public var eventsPerSecond: Double { Double(events) / seconds }
    /// Client CPU seconds per second of wall time (1.0 = one core).
    public var clientCores: Double { clientCPUSeconds / seconds }
}

/// The events of a run, built before the clock starts: distinct ids, payloads cycling through `payloads`.
public func prebuiltEvents(count: Int, payloads: [[UInt8]], run: Int) -> [StreamingEvent] {
    let data = payloads.map { Data($0) }
    return (0..<count).map { StreamingEvent(id: "bench-\(run)-\($0)", payload: data[$0 % data.count]) }
}

/// Sends `events` from `senders` concurrent tasks through one client to an emulator in its own process and
/// waits until every one is delivered (acknowledged by the inlet and removed from the outbox).
public func deliverThroughClient(
    events: [StreamingEvent], outbox kind: DeliveryOutbox, senders: Int, emulator launch: EmulatorLaunch, linger: Duration = .milliseconds(5),
    maxConcurrentRequests: Int = 2
) async throws -> DeliveryResult {
    let emulator = try launch.start()
    var emulatorStopped = false
    defer { if !emulatorStopped { _ = emulator.stop() } }
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("delivery-bench-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    var configuration = AEPStreamingClient.Configuration(
        inletURL: emulator.inletURL,
        format: .xdm(schemaID: "https://ns.adobe.com/acme/schemas/chatlio-experienceevent", datasetID: "bench"),
        flowID: "flow-1")
    configuration.batching.linger = linger
    configuration.batching.maxConcurrentRequests = maxConcurrentRequests
    configuration.outboxLimits = OutboxLimits(maxEvents: max(50_000, senders * 2), maxBytes: 512 << 20)
    let outbox: any Outbox = kind == .file ? try FileOutbox(directory: directory) : InMemoryOutbox()
    let client = try await AEPStreamingClient(configuration: configuration, outbox: outbox)
    let cpuBefore = ProcessUsage.cpuSeconds()
    let start = ContinuousClock.now
    try await withThrowingTaskGroup(of: Void.self) { group in
        for sender in 0..<senders {
            group.addTask {
                var index = sender
                while index < events.count {
                    try await client.send(events[index])
                    index += senders
                }
            }
        }
        try await group.waitForAll()
    }
    let drained = await client.flush(timeout: .seconds(600))
    let elapsed = (ContinuousClock.now - start).seconds
    let cpu = ProcessUsage.cpuSeconds() - cpuBefore
    let delivered = client.metrics().delivered
    _ = await client.shutdown(timeout: .seconds(5))
    emulatorStopped = true
    let inletCPU = emulator.stop()
    guard drained, delivered == events.count else {
        throw HarnessError("delivery lost events: \(delivered) of \(events.count) delivered (drained: \(drained))")
    }
    return DeliveryResult(events: events.count, seconds: elapsed, clientCPUSeconds: cpu, inletCPUSeconds: inletCPU)
}

/// The same events as prebuilt 500-message batch bodies, POSTed one after another by a plain URLSession loop
/// to an emulator in its own process: what the inlet and the loopback take without the client.
public func postPrebuiltBatches(count: Int, payloads: [[UInt8]], batchSize: Int = 500, emulator launch: EmulatorLaunch) async throws -> DeliveryResult {
    let emulator = try launch.start()
    var emulatorStopped = false
    defer { if !emulatorStopped { _ = emulator.stop() } }
    let envelopePrefix = Array(
        #"{"header":{"schemaRef":{"id":"https://ns.adobe.com/acme/schemas/chatlio-experienceevent","contentType":"application/vnd.adobe.xed-full+json;version=1"},"datasetId":"bench","flowId":"flow-1"},"body":{"xdmMeta":{"schemaRef":{"id":"https://ns.adobe.com/acme/schemas/chatlio-experienceevent","contentType":"application/vnd.adobe.xed-full+json;version=1"}},"xdmEntity":"#
            .utf8)
    var bodies: [Data] = []
    var index = 0
    while index < count {
        var body = Data(#"{"messages":["#.utf8)
        var bytes = 0
        var taken = 0
        // The client's own bound: at most 1,000,000 bytes per request.
        while taken < batchSize, index + taken < count {
            let payload = payloads[(index + taken) % payloads.count]
            if taken > 0, bytes + envelopePrefix.count + payload.count + 3 > 999_000 { break }
            if taken > 0 { body.append(UInt8(ascii: ",")) }
            body.append(contentsOf: envelopePrefix)
            body.append(contentsOf: payload)
            body.append(contentsOf: Array("}}".utf8))
            bytes += envelopePrefix.count + payload.count + 3
            taken += 1
        }
        body.append(contentsOf: Array("]}".utf8))
        bodies.append(body)
        index += taken
    }
    let cpuBefore = ProcessUsage.cpuSeconds()
    let start = ContinuousClock.now
    try await BatchPoster.post(bodies, to: emulator.batchURL)
    let elapsed = (ContinuousClock.now - start).seconds
    let cpu = ProcessUsage.cpuSeconds() - cpuBefore
    emulatorStopped = true
    let inletCPU = emulator.stop()
    return DeliveryResult(events: count, seconds: elapsed, clientCPUSeconds: cpu, inletCPUSeconds: inletCPU)
}
