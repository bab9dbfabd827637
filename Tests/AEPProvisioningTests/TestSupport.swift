import ChatlioAEPSupport
@testable import AEPProvisioning
import AEPStreamingClient
import Foundation

/// The waits a client asked for, recorded instead of slept.
final class SleepRecorder: Sendable {
    private let delays = Locked<[Duration]>([])
    var all: [Duration] { delays.withLock { $0 } }
    var sleep: @Sendable (Duration) async throws -> Void {
        { [delays] delay in delays.withLock { $0.append(delay) } }
    }
}

/// A client over `platform`, OAuth against its token endpoint, waits recorded.
func makeClient(
    _ platform: ScriptedPlatform, sleeps: SleepRecorder = SleepRecorder(), maxAttempts: Int = 4, log: @escaping @Sendable (ChatlioLogRecord) -> Void = { _ in }
) throws -> AEPPlatformClient {
    let credentials = OAuthClientCredentials(
        clientID: "client-1", clientSecret: Secret(platform.clientSecret), tokenURL: URL(string: "https://ims.test/ims/token/v3")!
    )
    var configuration = AEPPlatformClient.Configuration(
        credentials: credentials, orgID: platform.orgID, sandbox: platform.sandbox, platformURL: URL(string: "https://platform.test")!
    )
    configuration.maxAttempts = maxAttempts
    configuration.log = log
    return try AEPPlatformClient(configuration: configuration, transport: platform, now: { Date() }, sleep: sleeps.sleep)
}

/// A fresh temporary directory, removed by the caller.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("aep-provisioning-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

func plan(_ mode: ChatlioProvisioningPlan.Mode, tenant: String = "acme") throws -> ChatlioProvisioningPlan {
    try ChatlioProvisioningPlan(configuration: .init(tenantID: tenant, mode: mode))
}
