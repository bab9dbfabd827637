import ChatlioRelay
import ChatlioRelayServer
import Foundation
import Logging
import Testing

@Suite struct RelayServerSettingsTests {
    static let token = "a-long-enough-url-token"

    func refusal(_ environment: [String: String]) -> RelayServerSettingsError? {
        do {
            _ = try RelayServerSettings(environment: environment)
            return nil
        } catch {
            return error
        }
    }

    @Test func defaultsWithATokenStartAgainstTheEmulatorAndSaySo() throws {
        let settings = try RelayServerSettings(environment: ["CHATLIO_URL_TOKEN": Self.token])
        #expect(settings.port == 8080 && settings.host == "127.0.0.1" && settings.urlToken == Self.token && settings.inlet == .emulator)
        #expect(settings.warnings.contains { $0.contains("AEP_INLET_URL is not set") })
        #expect(settings.warnings.contains { $0.contains("ADMIN_TOKEN is not set") })
        #expect(!settings.warnings.contains { $0.contains("anyone") })
    }

    @Test func noTokenIsRefusedUnlessUnauthenticatedIsAllowedWithAWarning() throws {
        let error = try #require(refusal([:]))
        #expect(error.variable == "CHATLIO_URL_TOKEN" && error.reason.contains("ALLOW_UNAUTHENTICATED=1"))
        let open = try RelayServerSettings(environment: ["ALLOW_UNAUTHENTICATED": "1"])
        #expect(open.urlToken == nil && open.warnings.contains { $0.contains("anyone who can reach this port") })
        #expect(refusal(["ALLOW_UNAUTHENTICATED": "0"])?.variable == "CHATLIO_URL_TOKEN")
        #expect(refusal(["ALLOW_UNAUTHENTICATED": "yes"])?.variable == "ALLOW_UNAUTHENTICATED")
        #expect(refusal(["CHATLIO_URL_TOKEN": "short"])?.reason.contains("at least 16 bytes") == true)
        #expect(refusal(["CHATLIO_URL_TOKEN": Self.token, "ADMIN_TOKEN": "short"])?.variable == "ADMIN_TOKEN")
    }

    @Test(arguments: ["notaport", "-1", "65536", "80.5", "8080x"])
    func aBadPortIsRefusedNotReplaced(_ port: String) throws {
        let error = try #require(refusal(["CHATLIO_URL_TOKEN": Self.token, "PORT": port]))
        #expect(error.variable == "PORT" && error.description.contains("'\(port)'"))
    }

    @Test func portZeroPicksAFreePort() throws {
        #expect(try RelayServerSettings(environment: ["CHATLIO_URL_TOKEN": Self.token, "PORT": "0"]).port == 0)
    }

    @Test func anAEPInletNeedsItsFlowAndInXDMModeItsDataset() throws {
        var environment = ["CHATLIO_URL_TOKEN": Self.token, "AEP_INLET_URL": "https://dcs.adobedc.net/collection/abc"]
        #expect(refusal(environment)?.variable == "AEP_FLOW_ID")
        environment["AEP_FLOW_ID"] = "flow-1"
        #expect(refusal(environment)?.variable == "AEP_DATASET_ID")
        environment["AEP_FORMAT"] = "raw"
        let raw = try RelayServerSettings(environment: environment)
        let inlet = try #require(URL(string: "https://dcs.adobedc.net/collection/abc"))
        #expect(raw.mode == .raw && raw.inlet == .aep(url: inlet, flowID: "flow-1", datasetID: nil, schemaID: nil))
        environment["AEP_FORMAT"] = "json"
        #expect(refusal(environment)?.variable == "AEP_FORMAT")
        #expect(refusal(["CHATLIO_URL_TOKEN": Self.token, "AEP_INLET_URL": "dcs.adobedc.net"])?.variable == "AEP_INLET_URL")
        #expect(refusal(["CHATLIO_URL_TOKEN": Self.token, "LOG_LEVEL": "loud"])?.variable == "LOG_LEVEL")
        #expect(try RelayServerSettings(environment: ["CHATLIO_URL_TOKEN": Self.token, "LOG_LEVEL": "DEBUG"]).logLevel == .debug)
    }
}
