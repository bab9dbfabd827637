import ChatlioRelayServerTesting
import Testing

/// The built `chatlio-hummingbird-relay`, as an operator starts it (the checks are every relay's: ChatlioRelayServerTesting).
@Suite struct RelayExecutableTests {
    let executable = RelayExecutable(name: "chatlio-hummingbird-relay")

    @Test(arguments: RelayExecutable.badSettings)
    func aBadSettingStopsItWithStatus2NamingTheVariable(_ environment: [String: String], _ message: String) async throws {
        try await executable.checkRefuses(environment, naming: message)
    }

    @Test func theListeningLineArrivesWhileItRunsAndSIGTERMStopsItCleanly() async throws {
        try await executable.checkServesUntilSIGTERM()
    }
}
