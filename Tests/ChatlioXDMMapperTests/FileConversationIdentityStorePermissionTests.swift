import ChatlioXDMMapper
import Foundation
import Testing

/// The identity journal holds visitors' emails and user ids: owner-only,
/// including after compaction rewrites it.
@Suite struct FileConversationIdentityStorePermissionTests {
    @Test func theJournalStaysOwnerOnlyAcrossCompactions() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("identity-perm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("identities.ndjson")
        let store = try FileConversationIdentityStore(url: url, capacity: 4)
        // Past twice the capacity several times over: several compactions.
        for index in 0..<40 {
            store.record(.init(visitorUUID: "v\(index)", email: "person\(index)@example.com"), forConversation: "c\(index)")
        }
        let permissions = try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int
        #expect(permissions == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["identities.ndjson"])
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").count
        #expect(lines <= 9)
        let reopened = try FileConversationIdentityStore(url: url, capacity: 4)
        #expect(reopened.identities(forConversation: "c39") == .init(visitorUUID: "v39", email: "person39@example.com"))
    }
}
