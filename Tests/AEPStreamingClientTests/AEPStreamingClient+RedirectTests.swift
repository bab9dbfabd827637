@testable import AEPStreamingClient
import AEPInletEmulator
import ChatlioAEPTestSupport
import Foundation
import Testing

@Suite("AEPStreamingClient over loopback: redirects and oversized answers from the inlet", loopbackTimeLimit)
struct AEPStreamingClientRedirectTests {
    func configuration(_ inlet: ScriptedHTTPServer) -> AEPStreamingClient.Configuration {
        var configuration = AEPStreamingClient.Configuration(
            inletURL: inlet.url("/collection/test-inlet"),
            format: .xdm(schemaID: Fixture.schemaID, datasetID: Fixture.datasetID, sourceName: "tests"),
            flowID: Fixture.flowID
        )
        configuration.authentication = .bearerToken(Secret("static-token-never-elsewhere"))
        configuration.retry = RetryPolicy(initialBackoff: .milliseconds(10), maxBackoff: .milliseconds(50), maxAttempts: 10, maxRetryAfter: .seconds(5))
        configuration.batching.linger = .milliseconds(20)
        configuration.requestTimeout = .seconds(10)
        return configuration
    }

    // Regression (issue 13): the other origin's 200 marked every event delivered (AEP saw none),
    // and the bearer token went to that origin.
    @Test("an inlet redirecting to another origin: nothing is delivered, the other origin gets no request and no token", arguments: [301, 302, 307, 308])
    func redirectedInlet(_ status: Int) async throws {
        let other = try ScriptedHTTPServer { _, connection in
            connection.respond(status: 200, headers: [("Content-Type", "application/json")], body: #"{"inletId":"other","xactionId":"x","receivedTimeMs":1}"#)
        }
        defer { other.stop() }
        let target = other.url("/collection/test-inlet").absoluteString
        let inlet = try ScriptedHTTPServer { _, connection in
            connection.respond(status: status, headers: [("Location", target)], body: "moved")
        }
        defer { inlet.stop() }
        let client = try await AEPStreamingClient(configuration: configuration(inlet), outbox: InMemoryOutbox())
        let reports = ReportCollector(client)
        for index in 0 ..< 3 { try await client.send(Fixture.event("evt-\(index)")) }

        // Retried at least once: whatever the pipeline does with a 3xx, it has seen one.
        #expect(await eventually { inlet.received.count >= 2 })
        #expect(reports.delivered.isEmpty, "a redirect passed for delivery: \(reports.delivered)")
        #expect(other.connections == 0, "the other origin was contacted")
        #expect(inlet.received.allSatisfy { $0.method == "POST" && $0.target.hasPrefix("/collection/") })
        _ = await client.shutdown(timeout: .seconds(5))
        #expect(other.connections == 0)
    }

    // Regression (issue 13): a 500 with a 1 GiB body took the client to 5.2 GiB RSS and
    // made shutdown(timeout: 2 s) return after 5.8 s.
    @Test("an inlet answering 500 with an endless body, or trickling it: shutdown returns, the events stay, the connection is closed")
    func endlessAnswers() async throws {
        for trickle in [false, true] {
            // A 1 GiB answer that never ends: 4 MiB (four times the client's cap) as fast as it
            // goes, then nothing until the client hangs up; or a byte every 50 ms. (A real 1 GiB
            // flood keeps FoundationNetworking's shared queue busy, stalling every other test.)
            let inlet = try ScriptedHTTPServer { _, connection in
                guard connection.writeHead(status: 500, headers: [("Content-Length", "\(1 << 30)"), ("Connection", "close")]) else { return }
                let piece = [UInt8](repeating: UInt8(ascii: "x"), count: trickle ? 1 : 64 * 1024)
                for _ in 0 ..< (trickle ? 1 << 30 : 4 << 20) / piece.count {
                    guard connection.write(piece) else { return }
                    if trickle { Thread.sleep(forTimeInterval: 0.05) }
                }
                _ = connection.waitForPeerClose(seconds: 60)
            }
            defer { inlet.stop() }
            var configuration = configuration(inlet)
            configuration.requestTimeout = .seconds(60)
            // Every capped answer is read quickly: retries must not run out (and dead-letter) before the shutdown.
            configuration.retry.maxAttempts = 1_000_000
            let client = try await AEPStreamingClient(configuration: configuration, outbox: InMemoryOutbox())
            try await client.send(Fixture.event("evt-1"))
            #expect(await eventually { inlet.received.count >= 1 })
            let result = await client.shutdown(timeout: .seconds(1))
            #expect(!result.drained, "trickle: \(trickle)")
            #expect(result.remaining == 1, "trickle: \(trickle)")
            #expect(await eventually { inlet.closedConnections == inlet.connections }, "a connection was left open (trickle: \(trickle))")
        }
    }
}
