@testable import AEPStreamingClient
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("FileDeadLetterStore and InMemoryDeadLetterStore")
struct FileDeadLetterStoreTests {
    static func letter(_ id: String, payload: String? = nil, status: Int? = 400, reason: String = "Message has unknown xdm format") -> DeadLetter {
        DeadLetter(
            entry: DeadLetterEntry(
                id: id, kind: "chat.conversationStarted", status: status, reason: reason, attempts: 3,
                enqueuedAt: Date(timeIntervalSince1970: 1_800_000_000.125), firstSentAt: Date(timeIntervalSince1970: 1_800_000_001),
                deadLetteredAt: Date(timeIntervalSince1970: 1_800_000_100)
            ),
            payload: Data((payload ?? #"{"_id":"\#(id)","eventType":"chat.conversationStarted","line":"a\nb"}"#).utf8)
        )
    }

    func letterFiles(_ directory: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasPrefix("letter-") }.sorted()
    }

    @Test("letters come back after reopening with every field and the payload's exact bytes; remove is exact")
    func reopen() async throws {
        let directory = Fixture.temporaryDirectory("dead-letters")
        defer { Fixture.removeDirectory(directory) }
        do {
            let store = try FileDeadLetterStore(directory: directory)
            for index in 0 ..< 5 { try await store.add(Self.letter("evt-\(index)")) }
            try await store.add(Self.letter("no-status", status: nil, reason: "not delivered within outboxLimits.maxAge"))
            try await store.remove(["evt-1", "unknown"])
        }
        let store = try FileDeadLetterStore(directory: directory)
        let entries = try await store.entries()
        #expect(entries.map(\.id) == ["evt-0", "evt-2", "evt-3", "evt-4", "no-status"])
        let expected = Self.letter("evt-3")
        let read = try #require(try await store.letter(id: "evt-3"))
        #expect(read == expected)
        #expect(read.entry.payloadBytes == expected.payload.count)
        #expect(try await store.letter(id: "no-status")?.entry.status == nil)
        #expect(try await store.letter(id: "evt-1") == nil)
        #expect(store.count == 5)
        #expect(store.payloadBytes == entries.reduce(0) { $0 + $1.payloadBytes })
        #expect(letterFiles(directory).count == 5)
    }

    @Test("a letter with a stored id replaces it, on disk too")
    func replace() async throws {
        let directory = Fixture.temporaryDirectory("dead-letters")
        defer { Fixture.removeDirectory(directory) }
        let store = try FileDeadLetterStore(directory: directory)
        try await store.add(Self.letter("evt-1", reason: "first"))
        try await store.add(Self.letter("evt-1", reason: "second"))
        #expect(try await store.entries().map(\.reason) == ["second"])
        #expect(letterFiles(directory).count == 1)
    }

    @Test("the bounds are kept: a letter past maxLetters or maxBytes is refused with deadLetterStoreFull and nothing is written")
    func bounds() async throws {
        let directory = Fixture.temporaryDirectory("dead-letters")
        defer { Fixture.removeDirectory(directory) }
        let store = try FileDeadLetterStore(directory: directory, limits: DeadLetterLimits(maxLetters: 2, maxBytes: 1_000))
        try await store.add(Self.letter("a"))
        try await store.add(Self.letter("b"))
        await #expect(throws: AEPStreamingClientError.self) { try await store.add(Self.letter("c")) }
        do {
            try await store.add(Self.letter("c"))
        } catch {
            #expect(error.code == .deadLetterStoreFull)
            #expect(error.reason.contains("maxLetters 2") && error.reason.contains("stays in the outbox"))
        }
        try await store.add(Self.letter("a", reason: "replacing fits"))
        let big = try FileDeadLetterStore(directory: Fixture.temporaryDirectory("big"), limits: DeadLetterLimits(maxLetters: 10, maxBytes: 100))
        defer { Fixture.removeDirectory(big.directory) }
        await #expect(throws: AEPStreamingClientError.self) { try await big.add(Self.letter("huge", payload: "{\"pad\":\"" + String(repeating: "x", count: 200) + "\"}")) }
        #expect(letterFiles(directory).count == 2)
        let memory = InMemoryDeadLetterStore(limits: DeadLetterLimits(maxLetters: 1))
        try await memory.add(Self.letter("a"))
        await #expect(throws: AEPStreamingClientError.self) { try await memory.add(Self.letter("b")) }
    }

    @Test("a write that never got renamed into place is removed at open; a damaged letter is kept for a person and reported")
    func recovery() async throws {
        let directory = Fixture.temporaryDirectory("dead-letters")
        defer { Fixture.removeDirectory(directory) }
        do {
            let store = try FileDeadLetterStore(directory: directory)
            try await store.add(Self.letter("kept"))
        }
        let temporary = directory.appendingPathComponent("tmp-letter-00000000000000ff.dl")
        try Data("{\"version\":1,\"id\":\"half".utf8).write(to: temporary)
        let damaged = directory.appendingPathComponent(FileDeadLetterStore.fileName(order: 0x100))
        try Data("not a letter".utf8).write(to: damaged)
        let store = try FileDeadLetterStore(directory: directory)
        #expect(try await store.entries().map(\.id) == ["kept"])
        #expect(store.unreadableFiles == [damaged.lastPathComponent])
        #expect(!FileManager.default.fileExists(atPath: temporary.path))
        #expect(FileManager.default.fileExists(atPath: damaged.path), "data is never deleted because it cannot be read")
        try await store.add(Self.letter("next"))
        #expect(letterFiles(directory).contains(FileDeadLetterStore.fileName(order: 0x101)), "new letters do not overwrite the damaged file")
    }

    @Test("files are 0600, the directory 0700; a second open is refused while the first holds the lock")
    func permissionsAndLock() async throws {
        let directory = Fixture.temporaryDirectory("dead-letters")
        defer { Fixture.removeDirectory(directory) }
        let store = try FileDeadLetterStore(directory: directory)
        try await store.add(Self.letter("a"))
        var info = stat()
        #expect(stat(directory.path, &info) == 0 && info.st_mode & 0o777 == 0o700)
        let file = try #require(letterFiles(directory).first)
        #expect(stat(directory.appendingPathComponent(file).path, &info) == 0 && info.st_mode & 0o777 == 0o600)
        do {
            _ = try FileDeadLetterStore(directory: directory)
            Issue.record("a second store opened the same directory")
        } catch {
            #expect(error.code == .deadLetterStoreIO)
            #expect(error.reason.contains("another process holds"), "\(error.reason)")
        }
    }

    @Test("a path whose parent is a file is refused at open with deadLetterStoreIO naming it")
    func unusableDirectory() throws {
        let parent = Fixture.temporaryDirectory("plain-file")
        defer { Fixture.removeDirectory(parent) }
        try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        let file = parent.appendingPathComponent("file")
        try Data("x".utf8).write(to: file)
        do {
            _ = try FileDeadLetterStore(directory: file.appendingPathComponent("dead-letters"))
            Issue.record("opened a store under a regular file")
        } catch {
            #expect(error.code == .deadLetterStoreIO)
            #expect(error.reason.contains(file.path), "\(error.reason)")
        }
    }
}
