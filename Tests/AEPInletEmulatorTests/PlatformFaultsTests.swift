@testable import AEPInletEmulator
import ChatlioJSON
import Foundation
import Testing

@Suite("Platform emulator: scripted faults")
struct PlatformFaultsTests {
    static let fieldGroups = "/data/foundation/schemaregistry/tenant/fieldgroups"

    @Test func throttledWithRetryAfterThenServedAndNothingCreated() async throws {
        let platform = try PlatformFixture.started()
        defer { platform.stop() }
        let client = PlatformClient(platform: platform)
        platform.faults.failNext(1, status: 429, retryAfter: .seconds(2))
        let throttled = try await client.post(Self.fieldGroups, PlatformFixture.fieldGroup())
        #expect(throttled.status == 429)
        #expect(throttled.header("Retry-After") == "2")
        #expect(throttled.json?["status"] == 429)
        let created = try await client.post(Self.fieldGroups, PlatformFixture.fieldGroup())
        #expect(created.status == 201)
        let listed = try await client.get(Self.fieldGroups, accept: "application/vnd.adobe.xed-id+json")
        #expect(listed.json?["results"]?.arrayValue?.count == 1)
        #expect(platform.requests.map(\.status) == [429, 201, 200])
        #expect(platform.requests.first?.fault != nil)
    }

    @Test func aFaultAimedAtAnEndpointAndMethodWaitsForIt() async throws {
        let platform = try PlatformFixture.started()
        defer { platform.stop() }
        let client = PlatformClient(platform: platform)
        platform.faults.failNext(1, status: 500, endpoint: .schemas, method: "POST")
        #expect(try await client.post(Self.fieldGroups, PlatformFixture.fieldGroup()).status == 201)
        #expect(try await client.get("/data/foundation/schemaregistry/tenant/schemas", accept: "application/vnd.adobe.xed-id+json").status == 200)
        #expect(platform.faults.pendingCount == 1)
        let failed = try await client.post("/data/foundation/schemaregistry/tenant/schemas", PlatformFixture.schema(fieldGroupID: "https://ns.adobe.com/acme/mixins/none"))
        #expect(failed.status == 500)
        #expect(failed.json?["title"] == "Internal Server Error")
        #expect(platform.faults.pendingCount == 0)
        #expect(platform.faults.injectedCount == 1)
    }

    @Test func theNthRequestOfAnEndpointFailsSoARunCanResume() async throws {
        let platform = try PlatformFixture.started()
        defer { platform.stop() }
        let client = PlatformClient(platform: platform)
        // The first POST /targetConnections fails: provisioning stops half-way.
        platform.faults.failRequest(number: 1, of: .targetConnections, method: "POST", status: 503, retryAfter: .seconds(1))
        let registry = "/data/foundation/schemaregistry/tenant"
        let group = try await client.created("\(registry)/fieldgroups", PlatformFixture.fieldGroup())
        let schema = try await client.created("\(registry)/schemas", PlatformFixture.schema(fieldGroupID: group))
        let link = try #require(try await client.post("/data/foundation/catalog/dataSets", PlatformFixture.dataSet(schemaID: schema)).json?[0]?.stringValue)
        let dataSet = String(link.dropFirst("@/dataSets/".count))
        let body = PlatformFixture.targetConnection(schemaID: schema, dataSetID: dataSet)
        let broken = try await client.post("/data/foundation/flowservice/targetConnections", body)
        #expect(broken.status == 503)
        #expect(broken.header("Retry-After") == "1")
        // A re-run finds what the first run made, by title and name, and continues.
        let schemas = try await client.get("\(registry)/schemas?property=title==Chatlio%20Events", accept: "application/vnd.adobe.xed-id+json")
        #expect(schemas.json?["results"]?[0]?["$id"]?.stringValue == schema)
        let dataSets = try await client.get("/data/foundation/catalog/dataSets?name=Chatlio%20Events")
        #expect(dataSets.json?.objectValue?.keys.sorted() == [dataSet])
        let empty = try await client.get("/data/foundation/flowservice/targetConnections?property=name==Streaming%20Target%20Connection%20for%20a%20Chatlio.")
        #expect(empty.json?["items"]?.arrayValue == [])
        #expect(try await client.post("/data/foundation/flowservice/targetConnections", body).status == 201)
    }

    @Test func aDroppedConnectionGivesAClientErrorAndChangesNothing() async throws {
        let platform = try PlatformFixture.started()
        defer { platform.stop() }
        let client = PlatformClient(platform: platform)
        platform.faults.dropNext(endpoint: .fieldGroups)
        await #expect(throws: (any Error).self) {
            _ = try await client.post(Self.fieldGroups, PlatformFixture.fieldGroup())
        }
        let listed = try await client.get(Self.fieldGroups, accept: "application/vnd.adobe.xed-id+json")
        #expect(listed.json?["results"]?.arrayValue == [])
        #expect(platform.requests.first?.status == nil)
    }

    @Test func refusedRequestsConsumeNoFault() async throws {
        let platform = try PlatformFixture.started()
        defer { platform.stop() }
        let client = PlatformClient(platform: platform)
        platform.faults.failNext(1, status: 500)
        let unauthenticated = try await client.send("GET", Self.fieldGroups, accept: "application/vnd.adobe.xed-id+json", omitting: ["Authorization"])
        #expect(unauthenticated.status == 403)
        #expect(platform.faults.pendingCount == 1)
    }
}

@Suite("Platform emulator: concurrent requests")
struct PlatformConcurrencyTests {
    @Test func concurrentCreatesWithOneTitleMakeExactlyOneResource() async throws {
        let platform = try PlatformFixture.started()
        defer { platform.stop() }
        let client = PlatformClient(platform: platform)
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0 ..< 12 {
                group.addTask { try await client.post("/data/foundation/schemaregistry/tenant/fieldgroups", PlatformFixture.fieldGroup()).status }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(statuses.filter { $0 == 201 }.count == 1)
        #expect(statuses.filter { $0 == 400 }.count == 11)
        let listed = try await client.get("/data/foundation/schemaregistry/tenant/fieldgroups", accept: "application/vnd.adobe.xed-id+json")
        #expect(listed.json?["results"]?.arrayValue?.count == 1)
    }

    @Test func aDelayedRequestIsThenAnsweredNormally() async throws {
        let platform = try PlatformFixture.started()
        defer { platform.stop() }
        platform.faults.inject(.delay(.milliseconds(50)), endpoint: .fieldGroups)
        let reply = try await PlatformClient(platform: platform).post("/data/foundation/schemaregistry/tenant/fieldgroups", PlatformFixture.fieldGroup())
        #expect(reply.status == 201)
        #expect(platform.requests.first?.fault?.hasPrefix("none after") == true)
    }
}
