@testable import AEPInletEmulator
import ChatlioAEPSupport
import ChatlioAEPTestSupport
import Foundation
import Testing

// Blocking socket reads: with the other socket-heavy suites, one at a time.
extension DescriptorHeavyTests {
    @Suite("ScriptedHTTPServer: answers written by hand, on the emulator's loopback server")
    struct ScriptedHTTPServerTests {
        @Test func theHandlerSeesTheRequestAndWritesTheWholeAnswer() throws {
            let server = try ScriptedHTTPServer { request, connection in
                connection.respond(status: 418, headers: [("X-Echo", request.headers["x-token"] ?? "none")], body: "\(request.method) \(request.target) \(request.body.count)")
            }
            defer { server.stop() }
            let connection = try RawConnection(port: server.port)
            connection.send(.post("/collection/abc?x=1", body: "{}", extraHeaders: "X-Token: secret\r\n"))
            let reply = try #require(connection.readResponse())
            #expect(reply.status == 418)
            #expect(reply.header("x-echo") == "secret")
            #expect(String(decoding: reply.body, as: UTF8.self) == "POST /collection/abc?x=1 2")
            #expect(connection.isClosedByPeer(), "one answer per connection by default")
            let seen = try #require(server.received.first)
            #expect(seen.headers["content-type"] == "application/json" && seen.body == Data("{}".utf8))
            #expect(server.connections == 1)
        }

        @Test func chunkedRequestsArriveDechunked() throws {
            let server = try ScriptedHTTPServer { _, connection in connection.respond(status: 200) }
            defer { server.stop() }
            let connection = try RawConnection(port: server.port)
            connection.send("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n")
            #expect(connection.readResponse()?.status == 200)
            #expect(server.received.map(\.body) == [Data("abcde".utf8)])
        }

        @Test func keepAliveAnswersSeveralRequestsOnOneConnectionThenCloses() throws {
            let server = try ScriptedHTTPServer.keepAlive(requests: 3)
            defer { server.stop() }
            let connection = try RawConnection(port: server.port)
            for _ in 0 ..< 3 {
                connection.send(.post("/", body: "{}"))
                #expect(connection.readResponse()?.status == 200)
            }
            #expect(connection.isClosedByPeer(), "closed after the third answer")
            #expect(server.connections == 1 && server.received.count == 3)
        }

        @Test func stopEndsAHandlerStreamingForeverAndEveryConnectionCloses() async throws {
            let server = try ScriptedHTTPServer { _, connection in
                guard connection.writeHead(status: 200, headers: [("Content-Length", "1000000")]) else { return }
                while connection.write("x") { Thread.sleep(forTimeInterval: 0.01) }
            }
            let connection = try RawConnection(port: server.port)
            connection.send(.post("/", body: "{}"))
            #expect(await eventually { server.bytesSent > 0 })
            server.stop()
            #expect(server.isStopped)
            #expect(server.closedConnections == server.connections, "stop() joins every connection's thread")
            #expect(connection.readResponse() == nil, "closed before the body's end")
        }

        @Test func aHandlerWaitingForTheClientSeesItHangUp() async throws {
            let sawClose = Locked(false)
            let server = try ScriptedHTTPServer { _, connection in
                if connection.waitForPeerClose(seconds: 60) { sawClose.withLock { $0 = true } }
            }
            defer { server.stop() }
            do {
                let connection = try RawConnection(port: server.port)
                connection.send(.post("/", body: "{}"))
                #expect(await eventually { server.received.count == 1 })
            }
            #expect(await eventually { sawClose.withLock { $0 } && server.closedConnections == 1 })
        }

        @Test func aReservedPortRefusesConnectionsUntilReleased() throws {
            let reserved = try ReservedLoopbackPort()
            #expect(reserved.port > 0)
            #expect(throws: POSIXError.self) { try RawConnection(port: reserved.port) }
            reserved.release()
            reserved.release()
            // Held again by number, as a test holds a stopped inlet's port.
            let again = try ReservedLoopbackPort(port: reserved.port)
            #expect(again.port == reserved.port)
        }
    }
}
