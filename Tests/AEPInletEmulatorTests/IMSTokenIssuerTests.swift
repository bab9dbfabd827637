import ChatlioAEPSupport
@testable import AEPInletEmulator
import ChatlioJSON
import Foundation
import Testing

/// `POST /ims/token/v3` on the platform emulator, after the Developer Console's "OAuth
/// Server-to-Server credential API Reference": four mandatory parameters, in the form body or the
/// query, and `{"access_token", "token_type": "bearer", "expires_in": 86399}`.
@Suite("Platform emulator: the IMS token endpoint over loopback HTTP")
struct IMSTokenIssuerTests {
    static let clientID = "ims-client"
    static let secret = "p8e-s3cret+/="
    static let schemas = "/data/foundation/schemaregistry/tenant/schemas"
    static let xedID = "application/vnd.adobe.xed-id+json"

    /// `application/x-www-form-urlencoded`, each value percent-encoded as the streaming client's token provider does.
    static func form(_ pairs: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        func encode(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text }
        return pairs.map { "\(encode($0.0))=\(encode($0.1))" }.joined(separator: "&")
    }

    static let complete: [(String, String)] = [
        ("grant_type", "client_credentials"), ("client_id", clientID), ("client_secret", secret), ("scope", "openid,AdobeID,read_organizations"),
    ]

    static func requestToken(
        _ platform: AEPPlatformEmulator, body: String, query: String? = nil,
        contentType: String = "application/x-www-form-urlencoded", method: String = "POST", client: Client = Client()
    ) async throws -> Reply {
        let text = platform.imsTokenURL.absoluteString + (query.map { "?\($0)" } ?? "")
        let url = try #require(URL(string: text))
        return try await client.post(url, body: Data(body.utf8), headers: ["Content-Type": contentType], method: method)
    }

    static func started(clients: [String: String] = [clientID: secret], now: @escaping @Sendable () -> Date = { Date() }) throws -> AEPPlatformEmulator {
        try PlatformFixture.started {
            $0.oauthClients = clients
            $0.now = now
        }
    }

    @Test func clientCredentialsGetABearerTokenThePlatformAPIsTake() async throws {
        let platform = try Self.started()
        defer { platform.stop() }
        #expect(platform.imsTokenURL.absoluteString == platform.baseURL.absoluteString + "/ims/token/v3")
        let reply = try await Self.requestToken(platform, body: Self.form(Self.complete))
        #expect(reply.status == 200)
        #expect(reply.header("Content-Type")?.hasPrefix("application/json") == true)
        #expect(reply.header("Cache-Control") == "no-store")
        let json = try #require(reply.json)
        #expect(json["token_type"] == "bearer")
        #expect(json["expires_in"]?.int64Value == 86_399)
        let token = try #require(json["access_token"]?.stringValue)
        #expect(!token.isEmpty && token != PlatformFixture.token)
        #expect(Set(json.objectValue?.keys.map { $0 } ?? []) == ["access_token", "token_type", "expires_in"])

        // Accepted in place of the configured requiredToken, which stays accepted too.
        let client = PlatformClient(platform: platform)
        let issued = try await client.send("GET", Self.schemas, accept: Self.xedID, headers: ["Authorization": "Bearer \(token)"])
        #expect(issued.status == 200, "\(issued.detail)")
        #expect(try await client.get(Self.schemas, accept: Self.xedID).status == 200)
        let forged = try await client.send("GET", Self.schemas, accept: Self.xedID, headers: ["Authorization": "Bearer \(token)x"])
        #expect(forged.status == 401)
        #expect(forged.json?["error_code"] == "401013")

        let second = try await Self.requestToken(platform, body: Self.form(Self.complete))
        #expect(second.json?["access_token"]?.stringValue != token)
        #expect(platform.issuedTokenCount == 2)
    }

    @Test func parametersMayComeInTheQueryWhichIsNeverLogged() async throws {
        let platform = try Self.started()
        defer { platform.stop() }
        // Adobe's older example puts client_id in the query and the rest in the body.
        let split = try await Self.requestToken(platform, body: Self.form(Array(Self.complete.filter { $0.0 != "client_id" })), query: Self.form([("client_id", Self.clientID)]))
        #expect(split.status == 200)
        let query = try await Self.requestToken(platform, body: "", query: Self.form(Self.complete))
        #expect(query.status == 200)
        let logged = platform.requests.filter { $0.endpoint == .imsToken }
        #expect(logged.map(\.target) == ["/ims/token/v3", "/ims/token/v3"])
        #expect(logged.map(\.status) == [200, 200])
    }

    @Test func aMissingRepeatedOrMalformedParameterIsInvalidRequest() async throws {
        let platform = try Self.started()
        defer { platform.stop() }
        for name in ["grant_type", "client_id", "client_secret", "scope"] {
            let reply = try await Self.requestToken(platform, body: Self.form(Self.complete.filter { $0.0 != name }))
            #expect(reply.status == 400, "\(name)")
            #expect(reply.json?["error"] == "invalid_request", "\(name)")
            #expect(reply.json?["error_description"]?.stringValue?.hasPrefix("\(name) is required") == true, "\(name)")
        }
        let emptyScope = try await Self.requestToken(platform, body: Self.form(Self.complete.map { $0.0 == "scope" ? ("scope", "") : $0 }))
        #expect(emptyScope.json?["error_description"]?.stringValue?.hasPrefix("scope is required") == true)
        let repeated = try await Self.requestToken(platform, body: Self.form(Self.complete + [("client_id", "another")]))
        #expect(repeated.status == 400)
        #expect(repeated.json?["error_description"] == "client_id is sent more than once")
        let badEncoding = try await Self.requestToken(platform, body: Self.form(Self.complete) + "&note=%zz")
        #expect(badEncoding.json?["error"] == "invalid_request")
        let json = try await Self.requestToken(platform, body: #"{"grant_type":"client_credentials"}"#, contentType: "application/json")
        #expect(json.status == 400)
        #expect(json.json?["error_description"]?.stringValue?.contains("application/x-www-form-urlencoded (got \"application/json\")") == true)

        let grant = try await Self.requestToken(platform, body: Self.form(Self.complete.map { $0.0 == "grant_type" ? ("grant_type", "password") : $0 }))
        #expect(grant.status == 400)
        #expect(grant.json?["error"] == "unsupported_grant_type")
        let get = try await Self.requestToken(platform, body: "", query: Self.form(Self.complete), method: "GET")
        #expect(get.status == 405)
        #expect(get.header("Allow") == "POST")
        #expect(platform.issuedTokenCount == 0)
    }

    @Test func unknownClientsAndWrongSecretsAre401InvalidClient() async throws {
        let platform = try Self.started()
        defer { platform.stop() }
        let wrongSecret = try await Self.requestToken(platform, body: Self.form(Self.complete.map { $0.0 == "client_secret" ? ("client_secret", "guess") : $0 }))
        #expect(wrongSecret.status == 401)
        #expect(wrongSecret.json?["error"] == "invalid_client")
        #expect(wrongSecret.json?["error_description"]?.stringValue?.contains(Self.clientID) == true)
        let body = String(decoding: wrongSecret.body, as: UTF8.self)
        #expect(!body.contains("guess") && !body.contains(Self.secret))
        let unknown = try await Self.requestToken(platform, body: Self.form(Self.complete.map { $0.0 == "client_id" ? ("client_id", "stranger") : $0 }))
        #expect(unknown.status == 401)
        #expect(unknown.json?["error"] == "invalid_client")
        #expect(platform.issuedTokenCount == 0)
    }

    @Test func withoutConfiguredClientsAnyNonEmptyPairGetsAToken() async throws {
        let platform = try Self.started(clients: [:])
        defer { platform.stop() }
        let reply = try await Self.requestToken(platform, body: Self.form(Self.complete.map { $0.0 == "client_secret" ? ("client_secret", "anything") : $0 }))
        #expect(reply.status == 200)
        let empty = try await Self.requestToken(platform, body: Self.form(Self.complete.map { $0.0 == "client_secret" ? ("client_secret", "") : $0 }))
        #expect(empty.status == 400)
    }

    @Test func anIssuedTokenExpiresAfter86399Seconds() async throws {
        let clock = Locked(Date(timeIntervalSince1970: 1_800_000_000))
        let platform = try Self.started(now: { clock.withLock { $0 } })
        defer { platform.stop() }
        let token = try #require(try await Self.requestToken(platform, body: Self.form(Self.complete)).json?["access_token"]?.stringValue)
        let client = PlatformClient(platform: platform)
        clock.withLock { $0 += 86_398 }
        #expect(try await client.send("GET", Self.schemas, accept: Self.xedID, headers: ["Authorization": "Bearer \(token)"]).status == 200)
        clock.withLock { $0 += 1 }
        #expect(try await client.send("GET", Self.schemas, accept: Self.xedID, headers: ["Authorization": "Bearer \(token)"]).status == 401)
        #expect(platform.issuedTokenCount == 0)
    }

    @Test func faultsCanBeAimedAtTheTokenEndpoint() async throws {
        let platform = try Self.started()
        defer { platform.stop() }
        platform.faults.failNext(1, status: 503, endpoint: .imsToken, method: "POST")
        #expect(try await Self.requestToken(platform, body: Self.form(Self.complete)).status == 503)
        #expect(try await Self.requestToken(platform, body: Self.form(Self.complete)).status == 200)
    }

    @Test func aClientWithAnEmptySecretIsAConfigurationError() {
        #expect(throws: AEPInletEmulatorError.self) {
            _ = try AEPPlatformEmulator(configuration: .init(oauthClients: ["id": ""]))
        }
        let configuration = AEPPlatformEmulator.Configuration(oauthClients: [Self.clientID: Self.secret])
        #expect(!configuration.description.contains(Self.secret))
        #expect(configuration.description.contains("oauthClients: [ims-client: <redacted>]"))
    }
}

/// The inlets the flows get take the issued tokens wherever they require a token.
@Suite("Platform emulator: issued IMS tokens at the inlets")
struct IMSTokenInletTests {
    static func token(_ platform: AEPPlatformEmulator) async throws -> String {
        let reply = try await IMSTokenIssuerTests.requestToken(platform, body: IMSTokenIssuerTests.form(IMSTokenIssuerTests.complete))
        return try #require(reply.json?["access_token"]?.stringValue)
    }

    @Test func anAuthenticatedConnectionNeedsNoConfiguredTokenAndTakesAnIssuedOne() async throws {
        // No requiredToken anywhere: before the IMS endpoint this connection was refused (nothing to check).
        let platform = try PlatformFixture.started {
            $0.requiredToken = nil
            $0.oauthClients = [IMSTokenIssuerTests.clientID: IMSTokenIssuerTests.secret]
        }
        defer { platform.stop() }
        let client = PlatformClient(platform: platform)
        var body = PlatformFixture.httpBaseConnection().objectValue ?? [:]
        body["auth"] = ["specName": "Streaming Connection", "params": ["dataType": "xdm", "authenticationRequired": true]]
        let base = try await client.created("/data/foundation/flowservice/connections", .object(body), key: "id")
        let inlet = try #require(platform.inlet(forBaseConnection: base))
        let flowID = try #require(inlet.configuration.flowId)
        let envelope = Fixture.envelope(id: "issued-1")
        func post(_ authorization: String?) async throws -> Int {
            var headers = ["Content-Type": "application/json", "x-adobe-flow-id": flowID]
            headers["Authorization"] = authorization
            return try await client.client.post(inlet.inletURL, json: envelope, headers: headers).status
        }
        #expect(try await post(nil) == 401)
        #expect(try await post("Bearer made-up") == 403)
        let token = try await Self.token(platform)
        #expect(try await post("Bearer \(token)") == 200)
        #expect(inlet.record.messages.map(\.id) == ["issued-1"])
    }

    @Test func inletsWithTheTemplatesTokenTakeItAndIssuedOnesButNoOther() async throws {
        let platform = try PlatformFixture.started { $0.inlet.requiredToken = "dcs-token" }
        defer { platform.stop() }
        let client = PlatformClient(platform: platform)
        let ids = try await client.provisionChatlio()
        let inlet = try #require(platform.inlet(forFlow: ids.flow))
        let url = inlet.inletURL(flowId: ids.flow)
        let payload: JSONValue = ["visitor": ["UUID": "2d3f4260"], "message": "Hi"]
        func post(_ token: String) async throws -> Int {
            try await client.client.post(url, json: payload, headers: ["Content-Type": "application/json", "Authorization": "Bearer \(token)"]).status
        }
        #expect(try await post("dcs-token") == 200)
        #expect(try await post(try await Self.token(platform)) == 200)
        #expect(try await post(PlatformFixture.token) == 403)
        #expect(inlet.record.count == 2)
    }

    @Test func inletsThatNeedNoTokenStillNeedNone() async throws {
        let platform = try PlatformFixture.started()
        defer { platform.stop() }
        let client = PlatformClient(platform: platform)
        let ids = try await client.provisionChatlio()
        let inlet = try #require(platform.inlet(forFlow: ids.flow))
        let payload: JSONValue = ["visitor": ["UUID": "2d3f4260"], "message": "Hi"]
        #expect(try await client.client.post(inlet.inletURL(flowId: ids.flow), json: payload).status == 200)
    }
}
