import ChatlioRelay
import Foundation
import Testing

@Suite struct FileQuarantineStoreTests {
    @Test func keepsEveryBodyByteForByteWithOwnerOnlyPermissions() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("quarantine-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try FileQuarantineStore(directory: directory)
        let bodies = [Data([0xFF, 0x00, 0x7B]), Data(#"{"visitor":{}}"#.utf8)]
        for (index, body) in bodies.enumerated() {
            try await store.quarantine(QuarantinedWebhook(receivedAt: Date(timeIntervalSince1970: Double(1_700_000_000 + index)), route: "offline-message", code: "invalid JSON", pointer: nil, reason: "r\(index)", body: body))
        }
        let items = try store.items()
        #expect(items.map(\.body) == bodies)
        #expect(items.map(\.reason) == ["r0", "r1"])
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
            let permissions = try FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent(name).path)[.posixPermissions] as? Int
            #expect(permissions == 0o600, "\(name)")
        }
        let directoryPermissions = try FileManager.default.attributesOfItem(atPath: directory.path)[.posixPermissions] as? Int
        #expect(directoryPermissions == 0o700)
    }

    @Test func relayQuarantinesToDisk() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("quarantine-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try FileQuarantineStore(directory: directory)
        let relay = try RelayFixtures.relay(quarantine: store)
        let response = await relay.handle(WebhookRequest(route: "chat-transcript", body: Data(#"{"messages":"nope"}"#.utf8)))
        #expect(response.status == 400)
        #expect(try store.items().first?.code == "missing field")
    }
}
