@testable import AEPInletEmulator
import ChatlioJSON
import Foundation
import Testing

// Synchronous tests that block on sockets hold a cooperative thread while they wait; one at a
// time (with the other socket-heavy suites), they never starve the async tests beside them.
extension DescriptorHeavyTests {
    @Suite("Raw HTTP over a socket: malformed input, chunking, keep-alive, drops")
    struct RawSocketTests {
        private var body: String { Fixture.envelope(id: "raw").jsonString() }

        @Test func malformedHTTPGetsAClear400AndTheServerKeepsServing() throws {
            let emulator = try Fixture.startedEmulator()
            defer { emulator.stop() }
            for garbage in ["NOT HTTP AT ALL\r\n\r\n", "POST /collection/test-inlet HTTP/1.1\r\nHost: h\r\nBad Header\r\n\r\n", "\u{1}\u{2}\u{3}\r\n\r\n"] {
                let connection = try RawConnection(port: emulator.port)
                connection.send(garbage)
                let reply = try #require(connection.readResponse())
                #expect(reply.status == 400)
                #expect(reply.json?["report"]?["message"]?.stringValue?.hasPrefix("Malformed HTTP request") == true)
                #expect(reply.header("connection") == "close")
                #expect(connection.isClosedByPeer())
            }
            let healthy = try RawConnection(port: emulator.port)
            healthy.send(.post("/collection/test-inlet", body: body))
            #expect(healthy.readResponse()?.status == 200)
        }

        @Test func chunkedRequestBodyIsAccepted() throws {
            let emulator = try Fixture.startedEmulator()
            defer { emulator.stop() }
            let connection = try RawConnection(port: emulator.port)
            let bytes = Array(body.utf8)
            let half = bytes.count / 2
            var request = "POST /collection/test-inlet HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            request += String(half, radix: 16) + "\r\n" + String(decoding: bytes[..<half], as: UTF8.self) + "\r\n"
            request += String(bytes.count - half, radix: 16) + ";ext=1\r\n" + String(decoding: bytes[half...], as: UTF8.self) + "\r\n0\r\n\r\n"
            connection.send(request)
            #expect(connection.readResponse()?.status == 200)
            #expect(emulator.record.message(withID: "raw")?.message == Fixture.envelope(id: "raw"))
        }

        @Test func keepAliveServesSeveralRequestsAndPipelining() throws {
            let emulator = try Fixture.startedEmulator()
            defer { emulator.stop() }
            let connection = try RawConnection(port: emulator.port)
            connection.send(.post("/collection/test-inlet", body: Fixture.envelope(id: "k1").jsonString()))
            #expect(connection.readResponse()?.status == 200)
            connection.send(.post("/collection/test-inlet", body: Fixture.envelope(id: "k2").jsonString()))
            #expect(connection.readResponse()?.status == 200)
            // Two pipelined requests in one write, the last asking to close.
            connection.send(
                .post("/collection/test-inlet", body: Fixture.envelope(id: "k3").jsonString())
                    + .post("/collection/test-inlet", body: Fixture.envelope(id: "k4").jsonString(), extraHeaders: "Connection: close\r\n")
            )
            #expect(connection.readResponse()?.status == 200)
            let last = try #require(connection.readResponse())
            #expect(last.status == 200)
            #expect(last.header("connection") == "close")
            #expect(connection.isClosedByPeer())
            #expect(emulator.record.messages.map(\.id) == ["k1", "k2", "k3", "k4"])
        }

        @Test func expectContinueGetsAnInterimResponse() throws {
            let emulator = try Fixture.startedEmulator()
            defer { emulator.stop() }
            let connection = try RawConnection(port: emulator.port)
            connection.send("POST /collection/test-inlet HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: \(body.utf8.count)\r\n\r\n")
            #expect(connection.readResponse()?.status == 100)
            connection.send(body)
            #expect(connection.readResponse()?.status == 200)
        }

        @Test func droppedConnectionClosesWithoutAResponseEvenWhenReused() throws {
            let emulator = try Fixture.startedEmulator()
            defer { emulator.stop() }
            let connection = try RawConnection(port: emulator.port)
            connection.send(.post("/collection/test-inlet", body: body))
            #expect(connection.readResponse()?.status == 200)
            emulator.faults.dropNext()
            connection.send(.post("/collection/test-inlet", body: body))
            #expect(connection.readResponse() == nil)
            #expect(connection.isClosedByPeer())
            #expect(emulator.record.count == 1)
        }

        @Test func oversizedBodiesAndHeadersAreRefusedReadably() throws {
            let emulator = try Fixture.startedEmulator { $0.maxRequestBodyBytes = 1000 }
            defer { emulator.stop() }
            let declared = try RawConnection(port: emulator.port)
            declared.send("POST /collection/test-inlet HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n" + String(repeating: " ", count: 5000))
            let refused = try #require(declared.readResponse())
            #expect(refused.status == 413)
            #expect(refused.json?["status"]?.int64Value == 413)

            let chunked = try RawConnection(port: emulator.port)
            chunked.send("POST /collection/test-inlet HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n800\r\n" + String(repeating: " ", count: 2048) + "\r\n0\r\n\r\n")
            #expect(chunked.readResponse()?.status == 413)

            let headers = try RawConnection(port: emulator.port)
            headers.send("POST /collection/test-inlet HTTP/1.1\r\nHost: h\r\nX-Big: \(String(repeating: "h", count: 20_000))\r\n\r\n")
            #expect(headers.readResponse()?.status == 431)

            let healthy = try RawConnection(port: emulator.port)
            healthy.send(.post("/collection/test-inlet", body: body))
            #expect(healthy.readResponse()?.status == 200)
        }

        @Test func idleConnectionsAreClosed() throws {
            let emulator = try Fixture.startedEmulator { $0.idleTimeout = .milliseconds(100) }
            defer { emulator.stop() }
            let connection = try RawConnection(port: emulator.port)
            connection.send("POST /collection/test-inlet HTTP/1.1\r\nHost: h\r\n")
            // Silent in the middle of a request: 408, then closed.
            #expect(connection.readResponse()?.status == 408)
            #expect(connection.isClosedByPeer())
            // Idle between requests: closed without a word.
            let keptAlive = try RawConnection(port: emulator.port)
            keptAlive.send(.post("/collection/test-inlet", body: body))
            #expect(keptAlive.readResponse()?.status == 200)
            #expect(keptAlive.isClosedByPeer())
        }

        @Test func unknownPathsAndMethods() throws {
            let emulator = try Fixture.startedEmulator()
            defer { emulator.stop() }
            let connection = try RawConnection(port: emulator.port)
            connection.send("GET /collection/test-inlet HTTP/1.1\r\nHost: h\r\n\r\n")
            let get = try #require(connection.readResponse())
            #expect(get.status == 405)
            #expect(get.header("allow") == "POST")
            connection.send("POST /health HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n")
            #expect(connection.readResponse()?.status == 404)
            #expect(emulator.faults.injectedCount == 0)
        }
    }
}
