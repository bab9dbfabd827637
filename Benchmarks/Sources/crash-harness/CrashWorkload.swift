import AEPStreamingClient
import ChatlioJSON
import Foundation

// What the children send and the parent expects: one workload, so every copy can be checked.

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
    var configuration = AEPStreamingClient.Configuration(inletURL: inlet, format: .xdm(schemaID: "https://ns.adobe.com/acme/schemas/crash", datasetID: "crash"), flowID: "flow-1")
    configuration.batching.linger = .milliseconds(5)
    configuration.batching.maxMessages = 50
    configuration.outboxLimits = OutboxLimits(maxEvents: maxEvents, maxBytes: maxBytes)
    configuration.retry = RetryPolicy(initialBackoff: .milliseconds(20), maxBackoff: .milliseconds(200), maxAttempts: 1_000, maxRetryAfter: .milliseconds(200))
    return configuration
}

/// The number an id `r<run>-<number>` carries, or `nil` for an id the harness never makes.
func number(inID id: String) -> Int? {
    guard id.hasPrefix("r"), let dash = id.firstIndex(of: "-"), Int(id[id.index(after: id.startIndex) ..< dash]) != nil else { return nil }
    return Int(id[id.index(after: dash)...])
}
