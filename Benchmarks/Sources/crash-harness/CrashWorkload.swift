import ChatlioJSON

// What the parent expects of the child (`aep-client-harness child`, Sources/aep-client-harness/CrashWorkload.swift):
// its own copy of the workload, as the oracle every copy is checked against.

/// The child's outbox limits, for the disk bound the parent checks (maxBytes + 2 segments).
let maxBytes = 2 << 20
let segmentBytes = 256 << 10

/// The payload of an event: a function of its id and number, so the parent knows what must arrive.
func payload(id: String, number: Int) -> JSONValue {
    [
        "_id": .string(id), "timestamp": "2024-01-01T00:00:00.000Z", "eventType": "chat.crashTest",
        "n": .number(JSONNumber(number)), "pad": .string(String(repeating: "x", count: number % 700)),
    ]
}

/// The number an id `r<run>-<number>` carries, or `nil` for an id the harness never makes.
func number(inID id: String) -> Int? {
    guard id.hasPrefix("r"), let dash = id.firstIndex(of: "-"), Int(id[id.index(after: id.startIndex) ..< dash]) != nil else { return nil }
    return Int(id[id.index(after: dash)...])
}
