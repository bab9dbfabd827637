import AEPInletEmulator
import AEPStreamingClient
import ChatlioRelay
import ChatlioRelayServer
import ChatlioWebhooks
import Foundation
import Logging
import Testing

/// The components a server runs, built from settings as the executables build them: against the
/// in-process emulator, with the state on disk, and the same /health, /ready and /metrics answers.
@Suite struct RelayServerComponentsTests {
    static let token = "a-long-enough-url-token"

    @Test func settingsWithoutAnInletRunAgainstTheEmulatorAndDeliverAWebhook() async throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("relay-server-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: state) }
        let settings = try RelayServerSettings(environment: [
            "CHATLIO_URL_TOKEN": Self.token, "ADMIN_TOKEN": "an-admin-token-long-enough", "STATE_DIR": state.path,
        ])
        let components = try await RelayServerComponents.make(settings: settings, logger: Logger(label: "test"))
        defer { components.stop() }
        #expect(components.admin != nil)
        let emulator = try #require(components.emulator)
        #expect(FileManager.default.fileExists(atPath: components.state.outbox.path))

        let answer = await components.relay.handle(WebhookRequest(
            route: "conversation-started",
            body: Data(#"{"visitor":{"UUID":"v-1"},"message":"Hello","conversationUUID":"c-1"}"#.utf8),
            headers: [], query: ["token": Self.token], pathToken: nil))
        #expect(answer.status == 202)
        #expect(await components.client.flush(timeout: .seconds(20)))
        // The built-in schema validated it in the emulator (XDM mode).
        #expect(emulator.record.count == 1)

        let health = try JSONValue(parsing: RelayServerStatus.health(relay: components.relay.metrics(), client: components.client.metrics()).body)
        #expect(health.value(at: "/relay/accepted")?.int64Value == 1 && health["delivered"]?.int64Value == 1)
        #expect(RelayServerStatus.ready(stateDirectory: components.state.root, client: components.client.metrics()).status == 200)
        let exposition = components.metrics.exposition().split(separator: "\n").map(String.init)
        #expect(exposition.contains("chatlio_relay_accepted_total 1"), "\(exposition)")
        #expect(exposition.contains("aep_client_delivered_total 1"))

        #expect(await components.drain(timeout: .seconds(5)) == 0)
    }
}
