import AEPStreamingClient
import ChatlioJSON
import Foundation

/// What the SIGKILL child sends: every payload is a function of its id's number, so whoever killed the
/// child can check any copy of any event (promised or in flight at the kill) without asking it.
/// CrashRecoveryTests and crash-harness hold their own copy of `payload(id:number:)` as their oracle.
enum CrashWorkload {
    static let maxEvents = 2_000
    static let maxBytes = 2 << 20
    static let segmentBytes = 256 << 10

    static func id(run: Int, number: Int) -> String { "r\(run)-\(number)" }

    /// The payload of event `number`: its id, its number and a pad of `number % 700` bytes.
    static func payload(id: String, number: Int) -> JSONValue {
        [
            "_id": .string(id), "timestamp": "2024-01-01T00:00:00.000Z", "eventType": "chat.crashTest",
            "n": .number(JSONNumber(number)), "pad": .string(String(repeating: "x", count: number % 700)),
        ]
    }

    static func configuration(inlet: URL) -> AEPStreamingClient.Configuration {
        var configuration = AEPStreamingClient.Configuration(
            inletURL: inlet, format: .xdm(schemaID: "https://ns.adobe.com/acme/schemas/crash", datasetID: "crash"), flowID: "flow-1"
        )
        configuration.batching.linger = .milliseconds(5)
        configuration.batching.maxMessages = 50
        configuration.outboxLimits = OutboxLimits(maxEvents: maxEvents, maxBytes: maxBytes)
        configuration.retry = RetryPolicy(
            initialBackoff: .milliseconds(20), maxBackoff: .milliseconds(200), maxAttempts: 1_000, maxRetryAfter: .milliseconds(200)
        )
        return configuration
    }
}
