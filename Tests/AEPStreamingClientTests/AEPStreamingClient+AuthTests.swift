@testable import AEPStreamingClient
import AEPInletEmulator
import ChatlioAEPTestSupport
import Foundation
import Testing

@Suite("AEPStreamingClient over loopback: authentication", loopbackTimeLimit)
struct AEPStreamingClientAuthTests {
    func oauth(_ server: TokenServer, margin: Duration = .seconds(300)) -> Authentication {
        .oauthClientCredentials(OAuthClientCredentials(
            clientID: "client-1", clientSecret: Secret("p8e-TOP-SECRET"), scopes: ["openid", "AdobeID"], tokenURL: server.url, refreshMargin: margin
        ))
    }

    @Test("OAuth client credentials: the token is fetched once, form-encoded, and sent as a bearer token")
    func fetchesToken() async throws {
        let emulator = try Fixture.emulator {
            $0.requiredToken = "good-token"
            $0.imsOrgId = "ORG@AdobeOrg"   // written as header.imsOrgId too, and checked by the inlet
        }
        defer { emulator.stop() }
        let server = try TokenServer(replies: [], fallback: .token("good-token"), delay: 0.05)
        defer { server.stop() }
        let transport = RecordingTransport()
        let client = try await AEPStreamingClient(configuration: Fixture.configuration(for: emulator) {
            $0.authentication = oauth(server)
            $0.imsOrgID = "ORG@AdobeOrg"
            $0.batching.maxMessages = 5
            $0.batching.maxConcurrentRequests = 4
        }, outbox: InMemoryOutbox(), transport: transport)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0 ..< 40 { group.addTask { try await client.send(Fixture.event("evt-\(index)")) } }
            try await group.waitForAll()
        }
        #expect(await client.flush(timeout: .seconds(10)))
        #expect(emulator.record.uniqueIDs.count == 40)
        #expect(server.requestCount == 1, "one refresh for all concurrent requests")
        let form = try #require(server.receivedForms.first)
        #expect(form == ["grant_type": "client_credentials", "client_id": "client-1", "client_secret": "p8e-TOP-SECRET", "scope": "openid,AdobeID"])
        let inletRequests = transport.all.filter { $0.url.path.contains("/collection/") }
        #expect(inletRequests.allSatisfy { $0.headers["authorization"] == "Bearer good-token" && $0.headers["x-gw-ims-org-id"] == "ORG@AdobeOrg" && $0.headers["x-api-key"] == "client-1" })
        #expect(client.metrics().tokenRefreshes == 1)
        await client.shutdown(timeout: .seconds(5))
    }

    @Test("a 403 triggers one refresh and a resend")
    func refreshOn403() async throws {
        let emulator = try Fixture.emulator { $0.requiredToken = "fresh-token" }
        defer { emulator.stop() }
        let server = try TokenServer(replies: [.token("stale-token")], fallback: .token("fresh-token"))
        defer { server.stop() }
        let client = try await AEPStreamingClient(configuration: Fixture.configuration(for: emulator) {
            $0.authentication = oauth(server)
            // One batch, sent by the flush: the three events never split over a linger.
            $0.batching.linger = .seconds(60)
            $0.batching.maxConcurrentRequests = 1
        }, outbox: InMemoryOutbox())
        let reports = ReportCollector(client)
        for index in 0 ..< 3 { try await client.send(Fixture.event("evt-\(index)")) }
        #expect(await client.flush(timeout: .seconds(10)))
        #expect(await reports.waitFor(3))
        #expect(reports.delivered.count == 3)
        #expect(server.requestCount == 2)
        #expect(emulator.record.requests.map(\.status) == [403, 207])
        #expect(reports.all.allSatisfy { $0.attempts == 1 }, "the refresh resend is part of the same attempt")
        await client.shutdown(timeout: .seconds(5))
    }

    @Test("a token refused after the refresh is a configuration error: an error log, the event waits, nothing dead-lettered, no secret shown")
    func refusedAfterRefresh() async throws {
        let emulator = try Fixture.emulator { $0.requiredToken = "the-only-good-token" }
        defer { emulator.stop() }
        let server = try TokenServer(replies: [], fallback: .token("wrong-token"))
        defer { server.stop() }
        let logs = LogCollector()
        let client = try await AEPStreamingClient(configuration: Fixture.configuration(for: emulator) {
            $0.authentication = oauth(server)
            $0.retry.maxAttempts = 1
            $0.log = logs.handler
        }, outbox: InMemoryOutbox())
        try await client.send(Fixture.event("evt-1"))
        try #require(await eventually(timeout: .seconds(60)) { client.metrics().requestFailures >= 3 })
        #expect(client.metrics().deadLettered == 0)
        #expect(client.metrics().queued == 1)
        #expect(logs.all.contains { $0.level == .error && $0.message.contains("authentication refused after a token refresh") }, "\(logs.all)")
        for text in logs.all.map(\.message) {
            #expect(!text.contains("TOP-SECRET") && !text.contains("wrong-token"), "a secret leaked: \(text)")
        }
        let result = await client.shutdown(timeout: .milliseconds(200))
        #expect(result.remaining == 1, "the event stays in the outbox for a start with a working credential")
    }

    @Test("a failing token endpoint: events wait (no attempt counted, nothing sent, nothing dead-lettered); the secret never appears")
    func tokenEndpointFails() async throws {
        let emulator = try Fixture.emulator { $0.requiredToken = "x" }
        defer { emulator.stop() }
        let server = try TokenServer(replies: [], fallback: .invalidClient)
        defer { server.stop() }
        let logs = LogCollector()
        let client = try await AEPStreamingClient(configuration: Fixture.configuration(for: emulator) {
            $0.authentication = oauth(server)
            $0.retry.maxAttempts = 1
            $0.log = logs.handler
        }, outbox: InMemoryOutbox())
        try await client.send(Fixture.event("evt-1"))
        try #require(await eventually(timeout: .seconds(60)) { client.metrics().tokenRefreshFailures >= 3 })
        #expect(client.metrics().deadLettered == 0)
        #expect(emulator.record.requests.isEmpty, "nothing is sent without a token")
        #expect(logs.all.contains { $0.level == .error && $0.message.contains("invalid_client") }, "\(logs.all)")
        for text in logs.all.map(\.message) {
            #expect(!text.contains("TOP-SECRET"), "a secret leaked: \(text)")
        }
        let result = await client.shutdown(timeout: .milliseconds(200))
        #expect(result.remaining == 1)
    }

    @Test("a token inside the refresh margin is used while one background refresh replaces it")
    func proactiveRefresh() async throws {
        let server = try TokenServer(replies: [.token("first", expiresIn: 100)], fallback: .token("second", expiresIn: 86_400), delay: 0.05)
        defer { server.stop() }
        let clock = ManualClock(Date())
        let provider = TokenProvider(
            authentication: oauth(server, margin: .seconds(60)), transport: URLSessionTransport(), now: { clock.now }, log: { _ in }, metrics: MetricsRecorder()
        )
        #expect(try await provider.token()?.value == "first")
        clock.advance(by: 50)   // 50 s left, inside the 60 s margin
        async let a = provider.token()
        async let b = provider.token()
        #expect(try await [a?.value, b?.value] == ["first", "first"], "the valid token is used while refreshing")
        // The refresh is in the background: poll until its token is in use.
        #expect(try await eventually { try await provider.token()?.value == "second" }, "the background refresh's token is used")
        #expect(server.requestCount == 2, "one background refresh")
        clock.advance(by: 100_000)   // expired: the caller waits for a new token
        #expect(try await provider.token()?.value == "second")
        #expect(server.requestCount == 3)
    }

    @Test("a static bearer token is sent as is; a 401 cannot be refreshed")
    func staticToken() async throws {
        let emulator = try Fixture.emulator { $0.requiredToken = "static-1" }
        defer { emulator.stop() }
        let client = try await AEPStreamingClient(configuration: Fixture.configuration(for: emulator) { $0.authentication = .bearerToken(Secret("static-1")) }, outbox: InMemoryOutbox())
        try await client.send(Fixture.event("evt-1"))
        #expect(await client.flush(timeout: .seconds(10)))
        #expect(emulator.record.count == 1)
        await client.shutdown(timeout: .seconds(5))

        let logs = LogCollector()
        let none = try await AEPStreamingClient(configuration: Fixture.configuration(for: emulator) {
            $0.retry.maxAttempts = 1
            $0.log = logs.handler
        }, outbox: InMemoryOutbox())
        try await none.send(Fixture.event("evt-2"))
        try #require(await eventually(timeout: .seconds(60)) { none.metrics().requestsByStatus[401, default: 0] >= 2 })
        #expect(none.metrics().deadLettered == 0, "a credential problem is not the event's fault")
        #expect(logs.all.contains { $0.level == .error && $0.message.contains("Ims service token is empty") && $0.message.contains("cannot be refreshed") })
        #expect(await none.shutdown(timeout: .milliseconds(200)).remaining == 1)
    }
}
