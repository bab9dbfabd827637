public import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ChatlioAEPSupport

/// A ``ConversationIdentityStore`` that survives restarts: an in-memory
/// bounded store plus an append-only NDJSON journal, replayed on open and
/// rewritten compactly when it grows past twice the capacity.
///
/// A torn last line (a crash mid-write) is skipped on replay. The file is
/// created with owner-only permissions.
///
/// ```swift
/// let store = try FileConversationIdentityStore(url: stateDirectory.appendingPathComponent("identities.ndjson"))
/// let mapper = try XDMMapper(configuration: configuration, identityStore: store)
/// ```
public final class FileConversationIdentityStore: ConversationIdentityStore {
    private let memory: InMemoryConversationIdentityStore
    private let journal: Locked<Journal>

    /// The journal file.
    public let url: URL

    struct Journal {
        var handle: FileHandle?
        var lines: Int
    }

    /// Opens (or creates) the journal at `url` and replays it.
    public init(url: URL, capacity: Int = 100_000) throws {
        self.url = url
        memory = InMemoryConversationIdentityStore(capacity: capacity)
        var lines = 0
        if let data = try? Data(contentsOf: url) {
            for line in data.split(separator: UInt8(ascii: "\n")) {
                guard let entry = try? JSONDecoder().decode(JournalEntry.self, from: Data(line)) else { continue }
                memory.record(entry.identities, forConversation: entry.conversation)
                lines += 1
            }
        } else {
            guard FileManager.default.createFile(atPath: url.path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
            }
        }
        let handle = try FileHandle(forWritingTo: url)
        try handle.seekToEnd()
        journal = Locked(Journal(handle: handle, lines: lines))
    }

    deinit {
        journal.withLock { try? $0.handle?.close() }
    }

    struct JournalEntry: Codable {
        var conversation: String
        var identities: ConversationIdentities
    }

    public func identities(forConversation conversationID: String) -> ConversationIdentities? {
        memory.identities(forConversation: conversationID)
    }

    public func record(_ identities: ConversationIdentities, forConversation conversationID: String) {
        guard !identities.isEmpty else { return }
        let known = memory.identities(forConversation: conversationID)
        if let known, known.filling(from: identities) == known { return }  // nothing new
        memory.record(identities, forConversation: conversationID)
        guard let line = try? JSONEncoder().encode(JournalEntry(conversation: conversationID, identities: identities)) else { return }
        journal.withLock { journal in
            try? journal.handle?.write(contentsOf: line + Data([UInt8(ascii: "\n")]))
            journal.lines += 1
            if journal.lines > memory.capacity * 2 { compact(&journal) }
        }
    }

    /// Rewrites the journal with one line per remembered conversation.
    private func compact(_ journal: inout Journal) {
        let snapshot = memory.state.withLock { state in
            state.order[state.orderStart...].compactMap { record -> JournalEntry? in
                guard let entry = state.entries[record.conversationID], entry.stamp == record.stamp else { return nil }
                return JournalEntry(conversation: record.conversationID, identities: entry.identities)
            }
        }
        var data = Data()
        for entry in snapshot {
            guard let line = try? JSONEncoder().encode(entry) else { continue }
            data.append(line)
            data.append(UInt8(ascii: "\n"))
        }
        let temporary = url.appendingPathExtension("compacting")
        // Create the file empty and owner-only first, then write: createFile with
        // contents writes them under the default mode (0644 with the usual umask)
        // and only then applies the permissions, so others could read them.
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil, attributes: [.posixPermissions: 0o600]),
            let writer = try? FileHandle(forWritingTo: temporary)
        else { return }
        do {
            try writer.write(contentsOf: data)
            try writer.synchronize()
            try writer.close()
        } catch {
            try? writer.close()
            return
        }
        try? journal.handle?.close()
        // rename(2) replaces the journal atomically: a crash leaves the old or the new file, never neither.
        _ = rename(temporary.path, url.path)
        journal.handle = try? FileHandle(forWritingTo: url)
        _ = try? journal.handle?.seekToEnd()
        journal.lines = snapshot.count
    }
}
