@testable import ChatlioXDMMapper
import Foundation
import Testing

@Suite struct ConversationIdentityStoreTests {
    @Test func mergesWithoutErasingWhatWasKnown() {
        let store = InMemoryConversationIdentityStore(capacity: 10)
        store.record(.init(visitorUUID: "v", email: nil), forConversation: "c")
        store.record(.init(visitorUUID: "other", email: "a@example.com"), forConversation: "c")
        #expect(store.identities(forConversation: "c") == .init(visitorUUID: "v", email: "a@example.com"))
        store.record(.init(), forConversation: "empty")
        #expect(store.identities(forConversation: "empty") == nil)
    }

    @Test func staysWithinCapacityForgettingTheLeastRecentlyRecorded() {
        let store = InMemoryConversationIdentityStore(capacity: 3)
        for index in 0..<5 { store.record(.init(visitorUUID: "v\(index)"), forConversation: "c\(index)") }
        #expect(store.count == 3 && store.evictionCount == 2)
        #expect(store.identities(forConversation: "c0") == nil && store.identities(forConversation: "c4") != nil)
        store.record(.init(email: "x@example.com"), forConversation: "c2")  // refreshes c2
        store.record(.init(visitorUUID: "v5"), forConversation: "c5")
        #expect(store.identities(forConversation: "c2") != nil && store.identities(forConversation: "c3") == nil)
        for index in 0..<5_000 { store.record(.init(visitorUUID: "w"), forConversation: "d\(index)") }
        #expect(store.count == 3)
    }

    @Test func fileStoreSurvivesReopenAndSkipsATornTail() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("identity-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("identities.ndjson")
        do {
            let store = try FileConversationIdentityStore(url: url, capacity: 100)
            store.record(.init(visitorUUID: "v1"), forConversation: "c1")
            store.record(.init(email: "a@example.com"), forConversation: "c1")
            store.record(.init(visitorUUID: "v2"), forConversation: "c2")
        }
        let permissions = try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int
        #expect(permissions == 0o600)
        let handle = try FileHandle(forWritingTo: url)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(#"{"conversation":"c3","identities":{"visitorUU"#.utf8))
        try handle.close()
        let reopened = try FileConversationIdentityStore(url: url, capacity: 100)
        #expect(reopened.identities(forConversation: "c1") == .init(visitorUUID: "v1", email: "a@example.com"))
        #expect(reopened.identities(forConversation: "c2") == .init(visitorUUID: "v2"))
        #expect(reopened.identities(forConversation: "c3") == nil)
    }

    @Test func fileStoreCompactsItsJournal() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("identity-compact-\(UUID().uuidString).ndjson")
        defer { try? FileManager.default.removeItem(at: url) }
        let store = try FileConversationIdentityStore(url: url, capacity: 5)
        for index in 0..<100 { store.record(.init(visitorUUID: "v\(index)"), forConversation: "c\(index)") }
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").count
        #expect(lines <= 11)
        let reopened = try FileConversationIdentityStore(url: url, capacity: 5)
        #expect(reopened.identities(forConversation: "c99") == .init(visitorUUID: "v99"))
        #expect(reopened.identities(forConversation: "c0") == nil)
    }
}
