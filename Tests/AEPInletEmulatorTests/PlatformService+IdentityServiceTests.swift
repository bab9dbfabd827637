@testable import AEPInletEmulator
import ChatlioJSON
import Foundation
import Testing

@Suite("Platform emulator: identity namespaces")
struct PlatformIdentityServiceTests {
    @Test func aCustomNamespaceIsCreatedAndListed() async throws {
        let platform = try PlatformFixture.started()
        defer { platform.stop() }
        let client = PlatformClient(platform: platform)
        let created = try await client.post("/data/core/idnamespace/identities", PlatformFixture.namespace)
        #expect(created.status == 200)
        #expect(created.json?["code"] == "ChatlioVisitor")
        #expect(created.json?["custom"] == true)
        #expect(created.json?["status"] == "ACTIVE")
        let id = try #require(created.json?["id"]?.int64Value)
        let listed = try await client.get("/data/core/idnamespace/identities")
        let codes = listed.json?.arrayValue?.compactMap { $0["code"]?.stringValue } ?? []
        #expect(codes.contains("ChatlioVisitor") && codes.contains("Email"))
        let byCode = try await client.get("/data/core/idnamespace/identities?property=code==ChatlioVisitor")
        #expect(byCode.json?.arrayValue?.count == 1)
        #expect(try await client.get("/data/core/idnamespace/identities/\(id)").json?["name"] == "Chatlio Visitor")
    }

    @Test func aNamespaceIsRefusedWithPreciseReasons() async throws {
        let platform = try PlatformFixture.started()
        defer { platform.stop() }
        let client = PlatformClient(platform: platform)
        #expect(try await client.post("/data/core/idnamespace/identities", PlatformFixture.namespace).status == 200)
        let again = try await client.post("/data/core/idnamespace/identities", PlatformFixture.namespace)
        #expect(again.status == 400)
        #expect(again.detail.hasPrefix("A namespace with the code ChatlioVisitor already exists"))
        let standard = try await client.post("/data/core/idnamespace/identities", ["name": "Mail", "code": "email", "idType": "EMAIL"])
        #expect(standard.detail.hasPrefix("A namespace with the code Email already exists"))
        let badType = try await client.post("/data/core/idnamespace/identities", ["name": "X", "code": "X", "idType": "PERSON"])
        #expect(badType.detail.hasPrefix("idType \"PERSON\" is not one of"))
        let noCode = try await client.post("/data/core/idnamespace/identities", ["name": "X", "idType": "COOKIE"])
        #expect(noCode.detail == "code is required: a non-empty string (got nothing)")
    }
}
