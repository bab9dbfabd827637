import ChatlioAEPSupport
import ChatlioXDMMapper
import Foundation
import Testing

/// The identity journal on a disk that fills up and frees again: nothing
/// recorded after space returns is lost, and failures are reported.
@Suite struct FileConversationIdentityStoreTests {
    private static func temporaryJournal() throws -> (directory: URL, url: URL) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("identity-journal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return (directory, directory.appendingPathComponent("identities.ndjson"))
    }

    @Test func anEntryAppendedAfterATornTailSurvivesTheNextReopen() throws {
        let (directory, url) = try Self.temporaryJournal()
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            let store = try FileConversationIdentityStore(url: url, capacity: 100)
            store.record(.init(visitorUUID: "v1"), forConversation: "c1")
        }
        // What a write cut short by a full disk leaves: half a line, no newline.
        let handle = try FileHandle(forWritingTo: url)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(#"{"conversation":"c2","identities":{"visitorUU"#.utf8))
        try handle.close()
        do {
            let reopened = try FileConversationIdentityStore(url: url, capacity: 100)
            reopened.record(.init(visitorUUID: "v3"), forConversation: "c3")
        }
        let again = try FileConversationIdentityStore(url: url, capacity: 100)
        #expect(again.identities(forConversation: "c1") == .init(visitorUUID: "v1"))
        #expect(again.identities(forConversation: "c3") == .init(visitorUUID: "v3"))
        let text = try String(contentsOf: url, encoding: .utf8)
        #expect(text.hasSuffix("\n"))
        #expect(!text.contains("\"c2\""), "the torn tail is gone")
    }

    /// A disk with `space` bytes left (`nil`: unlimited): a write that does not
    /// fit puts down what fits and fails with ENOSPC, as write(2) does.
    private final class Disk: Sendable {
        let space = Locked<Int?>(nil)
        let events = Locked<[ChatlioLogRecord]>([])

        func write(_ handle: FileHandle, _ data: Data) throws {
            let fits = space.withLock { space -> Int in
                guard let left = space else { return data.count }
                let fits = min(left, data.count)
                space = left - fits
                return fits
            }
            try handle.write(contentsOf: data.prefix(fits))
            if fits < data.count { throw POSIXError(.ENOSPC) }
        }

        func store(_ url: URL, capacity: Int = 100) throws -> FileConversationIdentityStore {
            try FileConversationIdentityStore(
                url: url, capacity: capacity, log: { [events] event in events.withLock { $0.append(event) } },
                writeJournal: { [self] in try write($0, $1) }
            )
        }
    }

    @Test func writesOnAFullDiskAreReportedAndEverythingIsJournalledOnceSpaceReturns() throws {
        let (directory, url) = try Self.temporaryJournal()
        defer { try? FileManager.default.removeItem(at: directory) }
        let disk = Disk()
        do {
            let store = try disk.store(url)
            store.record(.init(visitorUUID: "v1"), forConversation: "c1")
            disk.space.withLock { $0 = 20 }  // half a line fits
            store.record(.init(visitorUUID: "v2"), forConversation: "c2")
            store.record(.init(email: "c3@example.com"), forConversation: "c3")
            #expect(store.journalWriteFailures == 2)
            let errors = disk.events.withLock { $0 }.filter { $0.level == .error }
            #expect(errors.count == 1, "one error for the run of failures, not one per entry")
            #expect(errors.first?.message.contains("appending an entry failed") == true)
            #expect(errors.first?.message.contains("\(POSIXError(.ENOSPC))") == true)
            // Still served from memory while the disk is full.
            #expect(store.identities(forConversation: "c2") == .init(visitorUUID: "v2"))
            disk.space.withLock { $0 = nil }
            store.record(.init(visitorUUID: "v4"), forConversation: "c4")
            #expect(store.journalWriteFailures == 2)
            #expect(disk.events.withLock { $0 }.contains { $0.level == .info && $0.message.contains("writes work again") })
        }
        let reopened = try FileConversationIdentityStore(url: url, capacity: 100)
        #expect(reopened.identities(forConversation: "c1") == .init(visitorUUID: "v1"))
        #expect(reopened.identities(forConversation: "c2") == .init(visitorUUID: "v2"))
        #expect(reopened.identities(forConversation: "c3") == .init(email: "c3@example.com"))
        #expect(reopened.identities(forConversation: "c4") == .init(visitorUUID: "v4"))
        let text = try String(contentsOf: url, encoding: .utf8)
        #expect(text.split(separator: "\n").count == 4)
        #expect(text.hasSuffix("\n"))
        let permissions = try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int
        #expect(permissions == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["identities.ndjson"])
    }

    @Test func aProcessThatDiesWhileTheDiskIsFullLeavesAJournalTheNextOneAppendsTo() throws {
        let (directory, url) = try Self.temporaryJournal()
        defer { try? FileManager.default.removeItem(at: directory) }
        let disk = Disk()
        do {
            let store = try disk.store(url)
            store.record(.init(visitorUUID: "v1"), forConversation: "c1")
            disk.space.withLock { $0 = 20 }
            store.record(.init(visitorUUID: "v2"), forConversation: "c2")
        }
        // The torn half line is still there: the process ended before space returned.
        #expect(try !String(contentsOf: url, encoding: .utf8).hasSuffix("\n"))
        let events = Locked<[ChatlioLogRecord]>([])
        do {
            let store = try FileConversationIdentityStore(url: url, capacity: 100, log: { event in events.withLock { $0.append(event) } })
            #expect(events.withLock { $0 }.contains { $0.level == .warning && $0.message.contains("removed a torn last line") })
            store.record(.init(visitorUUID: "v3"), forConversation: "c3")
            #expect(store.journalWriteFailures == 0)
        }
        let reopened = try FileConversationIdentityStore(url: url, capacity: 100)
        #expect(reopened.identities(forConversation: "c1") == .init(visitorUUID: "v1"))
        #expect(reopened.identities(forConversation: "c2") == nil, "never written whole, so not replayable")
        #expect(reopened.identities(forConversation: "c3") == .init(visitorUUID: "v3"))
    }

    @Test func aWholeLastEntryWithoutItsNewlineIsKeptAndEnded() throws {
        let (directory, url) = try Self.temporaryJournal()
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            let store = try FileConversationIdentityStore(url: url, capacity: 100)
            store.record(.init(visitorUUID: "v1"), forConversation: "c1")
        }
        let handle = try FileHandle(forWritingTo: url)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(#"{"conversation":"c2","identities":{"visitorUUID":"v2"}}"#.utf8))
        try handle.close()
        do {
            let reopened = try FileConversationIdentityStore(url: url, capacity: 100)
            #expect(reopened.identities(forConversation: "c2") == .init(visitorUUID: "v2"))
            reopened.record(.init(visitorUUID: "v3"), forConversation: "c3")
        }
        let again = try FileConversationIdentityStore(url: url, capacity: 100)
        #expect(again.identities(forConversation: "c1") == .init(visitorUUID: "v1"))
        #expect(again.identities(forConversation: "c2") == .init(visitorUUID: "v2"))
        #expect(again.identities(forConversation: "c3") == .init(visitorUUID: "v3"))
    }

    @Test func aFullDiskDuringCompactionLeavesTheOldJournalAndNoTemporaryFile() throws {
        let (directory, url) = try Self.temporaryJournal()
        defer { try? FileManager.default.removeItem(at: directory) }
        let disk = Disk()
        do {
            let store = try disk.store(url, capacity: 2)
            for index in 0 ..< 4 { store.record(.init(visitorUUID: "v\(index)"), forConversation: "c\(index)") }
            // Room for the fifth line but not for the rewrite it triggers.
            disk.space.withLock { $0 = 60 }
            store.record(.init(visitorUUID: "v4"), forConversation: "c4")
            #expect(store.journalWriteFailures == 1)
            #expect(disk.events.withLock { $0 }.contains { $0.level == .error && $0.message.contains("rewriting the journal failed") })
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["identities.ndjson"])
            #expect(try FileConversationIdentityStore(url: url, capacity: 2).identities(forConversation: "c4") == .init(visitorUUID: "v4"))
            disk.space.withLock { $0 = nil }
            store.record(.init(visitorUUID: "v5"), forConversation: "c5")
            #expect(store.journalWriteFailures == 1)
            #expect(try String(contentsOf: url, encoding: .utf8).split(separator: "\n").count == 2, "rewritten once writes work")
        }
        let reopened = try FileConversationIdentityStore(url: url, capacity: 2)
        #expect(reopened.identities(forConversation: "c4") == .init(visitorUUID: "v4"))
        #expect(reopened.identities(forConversation: "c5") == .init(visitorUUID: "v5"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["identities.ndjson"])
    }
}
