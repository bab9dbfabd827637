import ChatlioAEPSupport
@testable import AEPStreamingClient
import Foundation
import Testing

@Suite("InMemoryOutbox")
struct InMemoryOutboxTests {
    @Test("append, read, remove exactly by id, in order")
    func basics() async throws {
        let outbox = InMemoryOutbox()
        for index in 0 ..< 5 {
            try await outbox.append(OutboxRecord(id: "e\(index)", payload: Data("{\(index)}".utf8), enqueuedAt: Date()))
        }
        try await outbox.append(OutboxRecord(id: "e1", payload: Data("{x}".utf8), enqueuedAt: Date()))
        try await outbox.remove(["e0", "e3"])
        #expect(try await outbox.storedEntries().map(\.id) == ["e1", "e2", "e4"])
        #expect(try await outbox.payloads(for: ["e1", "e0"]) == [Data("{1}".utf8), nil])
        try await outbox.remove(["e1"])
        try await outbox.append(OutboxRecord(id: "e1", payload: Data("{y}".utf8), enqueuedAt: Date()))
        #expect(try await outbox.storedEntries().map(\.id) == ["e2", "e4", "e1"])
        await outbox.close()
        await #expect(throws: AEPStreamingClientError.self) { try await outbox.storedEntries() }
    }
    @Test("past the head's compaction: removals in any order, ids appended again, order and payloads kept")
    func compactionKeepsOrderAndPayloads() async throws {
        let outbox = InMemoryOutbox()
        func record(_ index: Int, _ tag: String = "") -> OutboxRecord {
            OutboxRecord(id: "e\(index)", payload: Data("{\(index)\(tag)}".utf8), enqueuedAt: Date(timeIntervalSince1970: Double(index)))
        }
        var expected: [Int] = []
        var generator = SplitMix64(seed: 9)
        for round in 0 ..< 6 {
            let fresh = (round * 1000) ..< (round * 1000 + 1000)
            for index in fresh { try await outbox.append(record(index)) }
            expected += fresh
            // Remove most of the oldest, in shuffled batches, leaving a few stragglers.
            var doomed = expected.filter { $0 % 97 != 0 }.prefix(900 + round * 10).map { $0 }
            doomed.shuffle(using: &generator)
            for batch in stride(from: 0, to: doomed.count, by: 50) {
                try await outbox.remove(doomed[batch ..< min(batch + 50, doomed.count)].map { "e\($0)" })
            }
            let gone = Set(doomed)
            expected.removeAll { gone.contains($0) }
            // One removed id comes back (a redriven dead letter): at the end, with its new payload.
            if let back = doomed.first {
                try await outbox.append(record(back, "again"))
                expected.append(back)
            }
        }
        #expect(try await outbox.storedEntries().map(\.id) == expected.map { "e\($0)" })
        #expect(outbox.count == expected.count)
        let asked = expected.map { "e\($0)" } + ["e999999"]
        let payloads = try await outbox.payloads(for: asked)
        #expect(payloads.last == .some(nil))
        for (index, payload) in zip(expected, payloads) {
            #expect(payload == record(index).payload || payload == record(index, "again").payload, "e\(index)")
        }
        // Appending a stored id changes nothing.
        if let first = expected.first {
            try await outbox.append(record(first, "dup"))
            #expect(try await outbox.payloads(for: ["e\(first)"]) != [record(first, "dup").payload])
            #expect(outbox.count == expected.count)
        }
        await outbox.close()
    }
}
