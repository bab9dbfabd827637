@testable import AEPInletEmulator
import ChatlioJSON
import Foundation
import Testing

@Suite("Platform emulator: the gateway's header checks over loopback HTTP")
struct PlatformGatewayTests {
    static let path = "/data/foundation/schemaregistry/tenant/schemas"
    static let accept = "application/vnd.adobe.xed-id+json"

    @Test func everyHeaderPresentIsAnswered() async throws {
        let platform = try PlatformFixture.started()
        defer { platform.stop() }
        let reply = try await PlatformClient(platform: platform).get(Self.path, accept: Self.accept)
        #expect(reply.status == 200)
        #expect(reply.json?["results"]?.arrayValue == [])
    }

    @Test func aMissingTokenIs403010AndAWrongOne401013() async throws {
        let platform = try PlatformFixture.started()
        defer { platform.stop() }
        let client = PlatformClient(platform: platform)
        let missing = try await client.send("GET", Self.path, accept: Self.accept, omitting: ["Authorization"])
        #expect(missing.status == 403)
        #expect(missing.json?["error_code"] == "403010")
        #expect(missing.json?["message"] == "Oauth token is missing.")
        let basic = try await client.send("GET", Self.path, accept: Self.accept, headers: ["Authorization": "Basic abc"])
        #expect(basic.json?["error_code"] == "403010")
        let wrong = try await client.send("GET", Self.path, accept: Self.accept, headers: ["Authorization": "Bearer not-the-token"])
        #expect(wrong.status == 401)
        #expect(wrong.json?["error_code"] == "401013")
        #expect(wrong.json?["message"] == "Oauth token is not valid")
        #expect(!String(decoding: wrong.body, as: UTF8.self).contains(PlatformFixture.token))
    }

    @Test func anyTokenPassesWhenNoneIsConfigured() async throws {
        let platform = try PlatformFixture.started { $0.requiredToken = nil }
        defer { platform.stop() }
        let reply = try await PlatformClient(platform: platform).send("GET", Self.path, accept: Self.accept, headers: ["Authorization": "Bearer whatever"])
        #expect(reply.status == 200)
    }

    @Test func apiKeyOrganisationAndSandboxAreRequired() async throws {
        let platform = try PlatformFixture.started()
        defer { platform.stop() }
        let client = PlatformClient(platform: platform)
        let cases: [(omit: String?, header: [String: String], status: Int, code: String, detail: String)] = [
            ("x-api-key", [:], 403, "403000", "x-api-key"),
            (nil, ["x-api-key": "another"], 403, "403003", "x-api-key another"),
            ("x-gw-ims-org-id", [:], 400, "400003", "x-gw-ims-org-id is required"),
            (nil, ["x-gw-ims-org-id": "OTHER@AdobeOrg"], 403, "403025", "OTHER@AdobeOrg"),
            ("x-sandbox-name", [:], 400, "400003", "x-sandbox-name is required"),
            (nil, ["x-sandbox-name": "prod"], 403, "403025", "sandbox prod"),
        ]
        for item in cases {
            let reply = try await client.send("GET", Self.path, accept: Self.accept, headers: item.header, omitting: item.omit.map { [$0] } ?? [])
            #expect(reply.status == item.status, "\(item)")
            #expect(reply.json?["error_code"]?.stringValue == item.code, "\(item)")
            #expect(reply.detail.contains(item.detail), "\(reply.detail)")
        }
        #expect(platform.requests.count == cases.count)
        #expect(platform.requests.allSatisfy { $0.endpoint == .schemas })
    }

    @Test func aBodyNeedsApplicationJSONAndValidJSON() async throws {
        let platform = try PlatformFixture.started()
        defer { platform.stop() }
        let client = PlatformClient(platform: platform)
        let wrongType = try await client.send("POST", Self.path, json: PlatformFixture.fieldGroup(), headers: ["Content-Type": "text/plain"])
        #expect(wrongType.status == 400)
        #expect(wrongType.json?["title"] == "BadRequestError")
        #expect(wrongType.detail.hasPrefix("A valid content-type must be specified"))
        #expect(wrongType.detail.contains("\"text/plain\""))
        let url = try #require(URL(string: platform.baseURL.absoluteString + Self.path))
        var headers = PlatformFixture.headers
        headers["Content-Type"] = "application/json"
        let broken = try await client.client.post(url, body: Data("{\"title\":".utf8), headers: headers)
        #expect(broken.status == 400)
        #expect(broken.detail.hasPrefix("The request body is not valid JSON"))
    }

    @Test func anUnknownPathIs404() async throws {
        let platform = try PlatformFixture.started()
        defer { platform.stop() }
        // http.md's Data Prep example leaves out /conversion; the real path has it.
        let reply = try await PlatformClient(platform: platform).post("/data/foundation/mappingSets", ["mappings": []])
        #expect(reply.status == 404)
        #expect(reply.json?["title"] == "NotFoundError")
        #expect(reply.detail.contains("/data/foundation/mappingSets"))
    }

    @Test func configurationProblemsAreRefused() {
        #expect(throws: AEPInletEmulatorError.self) { try AEPPlatformEmulator(configuration: .init(tenantId: "Bad-Tenant")) }
        #expect(throws: AEPInletEmulatorError.self) { try AEPPlatformEmulator(configuration: .init(requiredToken: "")) }
        #expect(!AEPPlatformEmulator.Configuration(requiredToken: "secret").description.contains("secret"))
    }
}
