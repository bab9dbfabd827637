import AEPStreamingClient
import ChatlioRelay
import Foundation
import Testing

@Suite struct ChatlioStateDirectoryTests {
    @Test func namesTheOneLayoutUnderTheRoot() {
        let state = ChatlioStateDirectory(path: "/var/lib/chatlio-relay/")
        #expect(state.root.path == "/var/lib/chatlio-relay")
        #expect(state.outbox.path == "/var/lib/chatlio-relay/outbox")
        #expect(state.deadLetters.path == "/var/lib/chatlio-relay/dead-letters")
        #expect(state.quarantine.path == "/var/lib/chatlio-relay/quarantine")
        #expect(state.identities.path == "/var/lib/chatlio-relay/identities.ndjson")
        #expect(state.deduplicationJournal.path == "/var/lib/chatlio-relay/dedup-journal")
        #expect(state.description == "/var/lib/chatlio-relay")
        #expect(ChatlioStateDirectory(URL(fileURLWithPath: "/var/lib/x/../chatlio-relay")) == state)
    }

    @Test func createsNothingUntilAStoreIsOpened() {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("state-\(UUID().uuidString)")
        let state = ChatlioStateDirectory(root)
        _ = (state.outbox, state.deadLetters, state.quarantine)
        #expect(!FileManager.default.fileExists(atPath: root.path))
    }

    /// The client keeps a FileOutbox's dead letters beside it by default: the layout must name that same directory.
    @Test func deadLettersAreWhereTheClientPutsThemByDefault() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("state-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let state = ChatlioStateDirectory(root)
        let configuration = AEPStreamingClient.Configuration(
            inletURL: try #require(URL(string: "http://127.0.0.1:9/collection/layout-test")), format: .xdm(schemaID: "s", datasetID: "d"), flowID: "flow-1"
        )
        let client = try await AEPStreamingClient(configuration: configuration, outbox: FileOutbox(directory: state.outbox))
        let store = try #require(client.deadLetters as? FileDeadLetterStore)
        #expect(store.directory.standardizedFileURL.path == state.deadLetters.path)
        _ = await client.shutdown(timeout: .seconds(2))
    }
}
