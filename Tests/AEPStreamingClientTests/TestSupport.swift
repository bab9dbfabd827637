@testable import AEPStreamingClient
import AEPInletEmulator
import ChatlioJSON
import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A value shared between tasks in tests.
final class Box<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) {
        self.value = value
    }

    func get() -> Value {
        lock.lock()
        defer { lock.unlock() }
        return value
    }

    func mutate<Result>(_ body: (inout Value) -> Result) -> Result {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }
}

/// A generator that always returns the same value: 0 gives the lower bound
/// of `Double.random(in:)`, `.max` the upper one.
struct ConstantRandom: RandomNumberGenerator {
    var value: UInt64
    mutating func next() -> UInt64 { value }
}

/// A wall clock the test moves by hand.
final class ManualClock: Sendable {
    private let current: Box<Date>

    init(_ start: Date = Date(timeIntervalSince1970: 1_700_000_000)) {
        current = Box(start)
    }

    var now: Date { current.get() }

    func advance(by seconds: TimeInterval) {
        current.mutate { $0 = $0.addingTimeInterval(seconds) }
    }
}

enum Fixture {
    static let schemaID = "https://ns.adobe.com/acme/schemas/chat"
    static let datasetID = "5f0000000000000000000001"
    static let flowID = "flow-tests"

    static func payload(_ id: String, padding: Int = 0) -> Data {
        var entity: JSONObject = [
            "_id": .string(id), "timestamp": "2024-05-01T12:34:56.789Z", "eventType": "chat.message",
        ]
        if padding > 0 { entity["_acme"] = ["note": .string(String(repeating: "x", count: padding))] }
        return Data(JSONValue.object(entity).serialized(sortedKeys: true))
    }

    static func event(_ id: String, padding: Int = 0) -> StreamingEvent {
        StreamingEvent(id: id, payload: payload(id, padding: padding))
    }

    static func emulator(_ configure: (inout AEPInletEmulator.Configuration) -> Void = { _ in }) throws -> AEPInletEmulator {
        var configuration = AEPInletEmulator.Configuration(inletId: "test-inlet")
        configure(&configuration)
        let emulator = try AEPInletEmulator(configuration: configuration)
        try emulator.start()
        return emulator
    }

    /// A configuration aimed at the emulator with fast retries.
    static func configuration(for emulator: AEPInletEmulator, _ configure: (inout AEPStreamingClient.Configuration) -> Void = { _ in }) -> AEPStreamingClient.Configuration {
        var configuration = AEPStreamingClient.Configuration(
            inletURL: emulator.inletURL,
            format: .xdm(schemaID: schemaID, datasetID: datasetID, sourceName: "tests"),
            flowID: flowID
        )
        configuration.retry = RetryPolicy(initialBackoff: .milliseconds(10), maxBackoff: .milliseconds(50), maxAttempts: 10, maxRetryAfter: .seconds(5))
        configuration.batching.linger = .milliseconds(20)
        configuration.requestTimeout = .seconds(10)
        configuration.randomSeed = 7
        configure(&configuration)
        return configuration
    }

    static func temporaryDirectory(_ name: String = "outbox") -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("aep-client-tests-\(UUID().uuidString)").appendingPathComponent(name)
    }

    static func removeDirectory(_ url: URL) {
        try? FileManager.default.removeItem(at: url.deletingLastPathComponent())
    }
}

/// Reads a client's delivery reports into a list the test can wait on.
final class ReportCollector: Sendable {
    private let reports = Box<[DeliveryReport]>([])
    private let task: Task<Void, Never>

    init(_ client: AEPStreamingClient) {
        let reports = reports
        task = Task {
            for await report in client.deliveryReports {
                reports.mutate { $0.append(report) }
            }
        }
    }

    deinit {
        task.cancel()
    }

    var all: [DeliveryReport] { reports.get() }

    func report(for id: String) -> DeliveryReport? {
        all.first { $0.eventID == id }
    }

    var delivered: [DeliveryReport] {
        all.filter { if case .delivered = $0.outcome { true } else { false } }
    }

    var deadLettered: [DeliveryReport] {
        all.filter { if case .deadLettered = $0.outcome { true } else { false } }
    }

    var dropped: [DeliveryReport] {
        all.filter { if case .dropped = $0.outcome { true } else { false } }
    }

    /// Waits until at least `count` reports arrived or `timeout` passes.
    func waitFor(_ count: Int, timeout: Duration = .seconds(15)) async -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while reports.get().count < count {
            if clock.now >= deadline { return false }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return true
    }
}

/// Wraps a transport and records what went through it.
final class RecordingTransport: HTTPTransport {
    struct Exchange: Sendable {
        var url: URL
        var headers: [String: String]
        var bodyBytes: Int
        /// Messages in the body: the batch's `messages`, or 1.
        var messages: Int
        var status: Int?
        var sentAt: ContinuousClock.Instant
    }

    private let inner: any HTTPTransport
    private let exchanges = Box<[Exchange]>([])

    init(_ inner: any HTTPTransport = URLSessionTransport()) {
        self.inner = inner
    }

    var all: [Exchange] { exchanges.get() }

    func send(_ request: HTTPTransportRequest) async throws(AEPStreamingClientError) -> HTTPTransportResponse {
        let sentAt = ContinuousClock().now
        var headers: [String: String] = [:]
        for header in request.headers { headers[header.name.lowercased()] = header.value }
        let messages = (try? JSONValue(parsing: request.body))?["messages"]?.arrayValue?.count ?? 1
        do {
            let response = try await inner.send(request)
            exchanges.mutate { $0.append(Exchange(url: request.url, headers: headers, bodyBytes: request.body.count, messages: messages, status: response.status, sentAt: sentAt)) }
            return response
        } catch {
            exchanges.mutate { $0.append(Exchange(url: request.url, headers: headers, bodyBytes: request.body.count, messages: messages, status: nil, sentAt: sentAt)) }
            throw error
        }
    }
}

/// Collects log events.
final class LogCollector: Sendable {
    private let events = Box<[ChatlioLogRecord]>([])

    var handler: @Sendable (ChatlioLogRecord) -> Void {
        let events = events
        return { event in events.mutate { $0.append(event) } }
    }

    var all: [ChatlioLogRecord] { events.get() }
}

/// A bound on every loopback test, so a hang fails the test with a message
/// instead of stalling the whole run (CI's limit is the only other bound).
let loopbackTimeLimit: any SuiteTrait = .timeLimit(.minutes(2))
