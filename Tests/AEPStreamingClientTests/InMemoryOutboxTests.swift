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
}
