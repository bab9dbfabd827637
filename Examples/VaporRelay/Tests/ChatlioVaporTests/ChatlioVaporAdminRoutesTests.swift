import ChatlioRelayServerTesting
import Testing

/// The admin endpoints over real loopback TCP, through the live client: a kept dead letter is
/// listed and redriven and a quarantined body replayed, both arriving in the inlet, with no restart
/// (the scenario is every relay's: ChatlioRelayServerTesting).
@Suite struct ChatlioVaporAdminRoutesTests {
    @Test func adminEndpointsRedriveAndReplayThroughTheLiveClient() async throws {
        try await RelayAdminScenario.check(name: "vapor") { relay, client, admin, requests in
            try await LoopbackRelay.with(relay: relay, client: client, admin: admin) { try await requests($0.port) }
        }
    }
}
