@testable import AEPProvisioning
import AEPInletEmulator
import AEPStreamingClient
import ChatlioJSON
import Foundation
import Testing

/// The plan against the strict Platform emulator: every body it sends must pass Adobe's documented checks.
@Suite("ChatlioProvisioningPlan against AEPPlatformEmulator")
struct ChatlioProvisioningPlanEmulatorTests {
    static let token = "emulator-token"
    static let org = "EMUORG000000000000000000@AdobeOrg"

    static func platform() throws -> AEPPlatformEmulator {
        let platform = try AEPPlatformEmulator(configuration: .init(
            tenantId: "acme", imsOrgId: org, sandboxName: "dev", requiredToken: token, apiKey: "client-1"))
        try platform.start()
        return platform
    }

    static func client(_ platform: AEPPlatformEmulator) throws -> AEPPlatformClient {
        var configuration = AEPPlatformClient.Configuration(
            apiKey: "client-1", authentication: .bearerToken(Secret(token)), orgID: org, sandbox: "dev", platformURL: platform.baseURL)
        configuration.maxAttempts = 2
        configuration.retryDelay = .milliseconds(1)
        return try AEPPlatformClient(configuration: configuration)
    }

    @Test("each mode: every object created and accepted, then all reused", arguments: ChatlioProvisioningPlan.Mode.allCases)
    func createsThenReuses(mode: ChatlioProvisioningPlan.Mode) async throws {
        let platform = try Self.platform()
        defer { platform.stop() }
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let stateURL = directory.appendingPathComponent("state.json")
        let client = try Self.client(platform)
        let first = try await plan(mode).run(client: client, stateFile: stateURL)
        #expect(first.outcomes.filter { $0.step != .inletURL }.allSatisfy { $0.action == .created }, "\(first.outcomes)")
        #expect(platform.inlet(forFlow: first.flowID) != nil)
        let second = try await plan(mode).run(client: client, stateFile: stateURL)
        #expect(second.outcomes.filter { $0.step != .inletURL }.allSatisfy { $0.action == .reused }, "\(second.outcomes)")
        #expect(second.inletURL == first.inletURL)
    }
}
