@testable import AEPProvisioning
import AEPInletEmulator
import AEPStreamingClient
import Foundation
import Testing

/// The real OAuth path (the streaming client's token provider, form-encoded client credentials)
/// against the platform emulator's `POST /ims/token/v3`: one loopback URL for `--platform-url`
/// and `--ims-url`.
@Suite("AEPPlatformClient: OAuth server-to-server against AEPPlatformEmulator's IMS endpoint")
struct AEPPlatformClientEmulatedIMSTests {
    static let org = "EMUORG000000000000000000@AdobeOrg"

    static func platform() throws -> AEPPlatformEmulator {
        // requiredToken is one no client has: only the tokens the IMS endpoint issues get through.
        let platform = try AEPPlatformEmulator(configuration: .init(
            tenantId: "acme", imsOrgId: org, sandboxName: "dev", requiredToken: "nobody-has-this", apiKey: "client-1",
            oauthClients: ["client-1": "s3cret"]
        ))
        try platform.start()
        return platform
    }

    static func client(_ platform: AEPPlatformEmulator, secret: String) throws -> AEPPlatformClient {
        var credentials = OAuthClientCredentials(clientID: "client-1", clientSecret: Secret(secret))
        credentials.tokenURL = platform.baseURL.appendingPathComponent("ims/token/v3")   // --ims-url + /ims/token/v3
        var configuration = AEPPlatformClient.Configuration(credentials: credentials, orgID: org, sandbox: "dev", platformURL: platform.baseURL)
        configuration.maxAttempts = 2
        configuration.retryDelay = .milliseconds(1)
        return try AEPPlatformClient(configuration: configuration)
    }

    @Test func aPlanRunsWithATokenTheEmulatorIssued() async throws {
        let platform = try Self.platform()
        defer { platform.stop() }
        let result = try await plan(.raw).run(client: try Self.client(platform, secret: "s3cret"), stateFile: nil)
        #expect(platform.inlet(forFlow: result.flowID) != nil)
        let tokenRequests = platform.requests.filter { $0.endpoint == .imsToken }
        #expect(tokenRequests.count == 1)
        #expect(tokenRequests.first?.status == 200)
        #expect(platform.requests.allSatisfy { ($0.status ?? 0) < 300 }, "\(platform.requests.map { "\($0.method) \($0.target) \($0.status ?? 0)" })")
    }

    /// Documentation/TestingWithAEPInletEmulator.md, "The IMS token endpoint": the snippet, verbatim, then a plan through it.
    @Test func theDocumentedSetupProvisions() async throws {
        let orgID = Self.org
        var configuration = AEPPlatformEmulator.Configuration(tenantId: "acme", imsOrgId: orgID, sandboxName: "dev", apiKey: "my-client")
        configuration.oauthClients = ["my-client": "my-secret"]   // empty: any non-empty id and secret get a token
        let platform = try AEPPlatformEmulator(configuration: configuration)
        try platform.start()
        defer { platform.stop() }

        var credentials = OAuthClientCredentials(clientID: "my-client", clientSecret: Secret("my-secret"))
        credentials.tokenURL = platform.imsTokenURL               // http://127.0.0.1:<port>/ims/token/v3
        let client = try AEPPlatformClient(configuration: .init(
            credentials: credentials, orgID: orgID, sandbox: "dev", platformURL: platform.baseURL
        ))

        let result = try await plan(.xdm).run(client: client, stateFile: nil)
        #expect(platform.inlet(forFlow: result.flowID) != nil)
        #expect(platform.issuedTokenCount == 1)
    }

    @Test func aWrongSecretFailsAuthenticationQuotingInvalidClient() async throws {
        let platform = try Self.platform()
        defer { platform.stop() }
        let error = await #expect(throws: AEPProvisioningError.self) {
            _ = try await plan(.raw).run(client: try Self.client(platform, secret: "guess"), stateFile: nil)
        }
        #expect(error?.code == .authenticationFailed)
        #expect(error?.reason.contains("invalid_client") == true, "\(String(describing: error))")
        #expect(platform.requests.allSatisfy { $0.endpoint == .imsToken })
    }
}
