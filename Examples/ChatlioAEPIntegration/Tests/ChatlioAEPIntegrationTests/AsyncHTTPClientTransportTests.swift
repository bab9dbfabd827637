import AEPInletEmulator
import AEPStreamingClient
import ChatlioAEPAsyncHTTPClient
import ChatlioRelayServerTesting
import Foundation
import Testing

@Suite("AsyncHTTPClientTransport over loopback: the emulator, redirects, the answer cap, refused connections, deadlines", loopbackTimeLimit)
struct AsyncHTTPClientTransportTests {
    func post(_ url: URL, timeout: Duration = .seconds(10), body: String = #"{"messages":[]}"#) -> HTTPTransportRequest {
        HTTPTransportRequest(
            url: url, headers: [("Content-Type", "application/json"), ("Authorization", "Bearer access-token-1")],
            body: Data(body.utf8), timeout: timeout
        )
    }

    @Test("a real client delivers every event to the emulator through it, and the connection stays open for the next request")
    func deliversToTheEmulator() async throws {
        let emulator = try Fixture.emulator()
        defer { emulator.stop() }
        let transport = AsyncHTTPClientTransport()
        let client = try await AEPStreamingClient(
            configuration: Fixture.configuration(inletURL: emulator.inletURL), outbox: InMemoryOutbox(), transport: transport
        )
        let ids = (0 ..< 50).map { "ahc-\($0)" }
        for id in ids { try await client.send(Fixture.event(id)) }
        #expect(await client.flush(timeout: .seconds(20)))
        #expect(emulator.record.uniqueIDs == Set(ids))
        #expect(client.metrics().delivered == 50)
        #expect(client.metrics().requestFailures == 0)
        // HTTP/1.1 keep-alive: the pool holds its connection, idle, after the answers.
        #expect(await eventually { emulator.openConnectionCount >= 1 })
        await client.shutdown(timeout: .seconds(5))
        try await transport.shutdown()
        #expect(await eventually { emulator.openConnectionCount == 0 }, "shutdown closes the pool")
    }

    @Test("sequential requests reuse one connection: the server sees one connection for five requests")
    func keepAlive() async throws {
        let server = try ScriptedHTTPServer.keepAlive(requests: 5)
        defer { server.stop() }
        let transport = AsyncHTTPClientTransport()
        for _ in 0 ..< 5 {
            #expect(try await transport.send(post(server.url("/collection/abc"))).status == 200)
        }
        #expect(server.connections == 1)
        #expect(server.received.count == 5)
        try await transport.shutdown()
    }

    @Test("a redirect is never followed: the 3xx and its Location reach the caller, the other origin gets nothing", arguments: [301, 302, 303, 307, 308])
    func redirectIsNotFollowed(_ status: Int) async throws {
        let other = try ScriptedHTTPServer { _, connection in
            connection.respond(status: 200, headers: [("Content-Type", "application/json")], body: #"{"inlet":"other"}"#)
        }
        defer { other.stop() }
        let target = other.url("/collection/stolen").absoluteString
        let inlet = try ScriptedHTTPServer { _, connection in
            connection.respond(status: status, headers: [("Location", target), ("Content-Type", "text/plain")], body: "moved")
        }
        defer { inlet.stop() }
        let transport = AsyncHTTPClientTransport()

        let response = try await transport.send(post(inlet.url("/collection/abc")))

        #expect(response.status == status)
        #expect(response.header("Location") == target)
        #expect(String(decoding: response.body, as: UTF8.self) == "moved")
        #expect(inlet.received.count == 1)
        #expect(other.connections == 0, "the other origin was contacted")
        try await transport.shutdown()
    }

    @Test("a 3xx from the emulator is the answer too: the client does not take it for AEP's acceptance")
    func emulatorRedirectIsNotDelivery() async throws {
        let emulator = try Fixture.emulator()
        defer { emulator.stop() }
        emulator.faults.failNext(1_000, status: 307)
        let transport = AsyncHTTPClientTransport()
        let client = try await AEPStreamingClient(
            configuration: Fixture.configuration(inletURL: emulator.inletURL), outbox: InMemoryOutbox(), transport: transport
        )
        try await client.send(Fixture.event("redirected-1"))
        #expect(await eventually { client.metrics().requestsByStatus[307, default: 0] >= 1 })
        #expect(client.metrics().delivered == 0)
        #expect(client.metrics().queued == 1)
        await client.shutdown(timeout: .zero)
        try await transport.shutdown()
    }

    @Test("an answer 64 times the cap is cut at the cap: the body returned is the cap, flagged, and the connection closed")
    func largeAnswerIsCut() async throws {
        #expect(AsyncHTTPClientTransport.Configuration().maxResponseBytes == URLSessionTransport.defaultMaxResponseBytes)
        let cap = 64 << 10
        let server = try ScriptedHTTPServer.streaming(status: 500, total: 64 * cap)
        defer { server.stop() }
        let transport = AsyncHTTPClientTransport(configuration: .init(maxResponseBytes: cap))

        let response = try await transport.send(post(server.url("/collection/abc")))

        #expect(response.status == 500)
        #expect(response.bodyTruncated)
        #expect(response.body.count == cap)
        #expect(response.body.allSatisfy { $0 == UInt8(ascii: "x") })
        #expect(await eventually { server.closedConnections == 1 }, "the connection was left open after the cap")
        try await transport.shutdown()
    }

    @Test("an endless chunked answer is cut at the cap and the call returns")
    func endlessAnswerIsCut() async throws {
        let cap = 256 << 10
        let server = try ScriptedHTTPServer.streaming(status: 200, total: nil)
        defer { server.stop() }
        let transport = AsyncHTTPClientTransport(configuration: .init(maxResponseBytes: cap))
        let response = try await transport.send(post(server.url("/collection/abc"), timeout: .seconds(60)))
        #expect(response.bodyTruncated)
        #expect(response.body.count == cap)
        try await transport.shutdown()
    }

    @Test("a body of exactly the cap is whole, not truncated; one byte more is")
    func exactCap() async throws {
        let cap = 1000
        for (total, truncated) in [(cap, false), (cap + 1, true)] {
            let server = try ScriptedHTTPServer.streaming(status: 200, total: total)
            defer { server.stop() }
            let transport = AsyncHTTPClientTransport(configuration: .init(maxResponseBytes: cap))
            let response = try await transport.send(post(server.url("/collection/abc")))
            #expect(response.bodyTruncated == truncated, "\(total) bytes")
            #expect(response.body.count == cap)
            try await transport.shutdown()
        }
    }

    @Test("a refused connection is a transport error, thrown at once rather than after the connect timeout")
    func connectionRefused() async throws {
        let reservation = try ReservedLoopbackPort()
        defer { reservation.release() }
        let transport = AsyncHTTPClientTransport(configuration: .init(connectTimeout: .seconds(60)))
        let url = try #require(URL(string: "http://127.0.0.1:\(reservation.port)/collection/abc"))
        let error = await #expect(throws: AEPStreamingClientError.self) { try await transport.send(post(url, timeout: .seconds(60))) }
        #expect(error?.code == .transport)
        #expect(error?.reason.contains("POST http://127.0.0.1:\(reservation.port)/collection/abc failed") == true, "\(String(describing: error))")
        try await transport.shutdown()
    }

    @Test("a client on a refused inlet counts no attempt and dead-letters nothing; once a server takes the port, all is delivered")
    func refusedIsTransient() async throws {
        let reservation = try ReservedLoopbackPort()
        let port = reservation.port
        let transport = AsyncHTTPClientTransport()
        let url = try #require(URL(string: "http://127.0.0.1:\(port)/collection/integration"))
        let client = try await AEPStreamingClient(
            configuration: Fixture.configuration(inletURL: url) { $0.retry.maxAttempts = 1 }, outbox: InMemoryOutbox(), transport: transport
        )
        let ids = (0 ..< 20).map { "down-\($0)" }
        for id in ids { try await client.send(Fixture.event(id)) }
        try #require(await eventually(timeout: .seconds(30)) { client.metrics().requestFailures >= 3 })
        #expect(client.metrics().requestsByStatus[0, default: 0] >= 3, "no answer: status 0")
        #expect(client.metrics().deadLettered == 0)
        #expect(client.metrics().queued == 20)
        reservation.release()
        let emulator = try Fixture.emulator { $0.port = port }
        defer { emulator.stop() }
        #expect(await client.flush(timeout: .seconds(30)), "\(client.metrics())")
        #expect(emulator.record.uniqueIDs == Set(ids))
        await client.shutdown(timeout: .seconds(5))
        try await transport.shutdown()
    }

    @Test("a body trickled forever does not keep the request past its timeout: a transport error, the connection closed")
    func trickleEndsAtTheDeadline() async throws {
        let server = try ScriptedHTTPServer { _, connection in
            guard connection.writeHead(status: 200, headers: [("Content-Length", "1000000")]) else { return }
            while connection.write("x") { usleep(50_000) }
        }
        defer { server.stop() }
        let transport = AsyncHTTPClientTransport()
        let error = await #expect(throws: AEPStreamingClientError.self) {
            try await transport.send(post(server.url("/collection/abc"), timeout: .milliseconds(500)))
        }
        #expect(error?.code == .transport)
        #expect(error?.reason.contains("timed out") == true, "\(String(describing: error))")
        #expect(await eventually { server.closedConnections == 1 })
        try await transport.shutdown()
    }

    @Test("cancelling the calling task ends a waiting request at once")
    func cancellation() async throws {
        let server = try ScriptedHTTPServer { _, connection in _ = connection.waitForPeerClose(seconds: 60) }
        defer { server.stop() }
        let transport = AsyncHTTPClientTransport()
        let request = post(server.url("/collection/abc"), timeout: .seconds(60))
        let task = Task { try await transport.send(request) }
        // Once the request is out: a task cancelled while its connection is still opening leaves that
        // connection to the pool, idle, which is right, and not what this test is about.
        try #require(await eventually { server.received.count == 1 })
        task.cancel()
        let result = await task.result
        #expect(throws: AEPStreamingClientError.self) { try result.get() }
        #expect(await eventually { server.closedConnections == 1 })
        try await transport.shutdown()
    }
}
