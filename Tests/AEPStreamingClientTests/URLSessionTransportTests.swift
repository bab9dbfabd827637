@testable import AEPStreamingClient
import AEPInletEmulator
import ChatlioAEPTestSupport
import Foundation
import Testing

@Suite("URLSessionTransport over loopback: redirects, answer cap, deadlines", loopbackTimeLimit)
struct URLSessionTransportTests {
    func post(_ url: URL, timeout: Duration = .seconds(10)) -> HTTPTransportRequest {
        HTTPTransportRequest(
            url: url, headers: [("Content-Type", "application/json"), ("Authorization", "Bearer access-token-1")],
            body: Data(#"{"messages":[]}"#.utf8), timeout: timeout
        )
    }

    // Regression (issue 13): a 301/302 became a GET and a 307 an empty POST to the
    // other origin, whose 200 marked events delivered, with the bearer token sent along.
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

        let response = try await URLSessionTransport().send(post(inlet.url("/collection/abc")))

        #expect(response.status == status)
        #expect(response.header("Location") == target)
        #expect(String(decoding: response.body, as: UTF8.self) == "moved")
        #expect(!response.bodyTruncated)
        #expect(inlet.received.count == 1)
        #expect(inlet.received.first?.method == "POST")
        // The call has returned with the 3xx: had the redirect been followed, it would have returned the other's 200.
        #expect(other.connections == 0, "the other origin was contacted")
        #expect(other.received.isEmpty)
    }

    @Test("a relative Location is not followed either: one request, to the configured path")
    func relativeRedirectIsNotFollowed() async throws {
        let inlet = try ScriptedHTTPServer { request, connection in
            if request.target == "/collection/abc" {
                connection.respond(status: 307, headers: [("Location", "/elsewhere")])
            } else {
                connection.respond(status: 200, body: "{}")
            }
        }
        defer { inlet.stop() }
        let response = try await URLSessionTransport().send(post(inlet.url("/collection/abc")))
        #expect(response.status == 307)
        #expect(response.header("location") == "/elsewhere")
        #expect(inlet.received.map(\.target) == ["/collection/abc"])
    }

    // Found while measuring: FoundationNetworking skips the response callback for a 301–308
    // it cannot follow (no Location), so the answer read as "not an HTTP response".
    @Test("a 3xx without a Location still comes back with its status", arguments: [301, 302, 307])
    func redirectWithoutLocation(_ status: Int) async throws {
        let inlet = try ScriptedHTTPServer { _, connection in connection.respond(status: status, body: "nowhere") }
        defer { inlet.stop() }
        let response = try await URLSessionTransport().send(post(inlet.url("/collection/abc")))
        #expect(response.status == status)
        #expect(response.header("Location") == nil)
        #expect(!response.bodyTruncated)
    }

    // Regression (issue 13): a 500 with a 1 GiB body took the client to 5.2 GiB RSS.
    @Test("an answer 64 times the cap is cut at the cap: the body returned is the cap, flagged, and the connection closed")
    func largeAnswerIsCut() async throws {
        #expect(URLSessionTransport().maxResponseBytes == 1 << 20, "1 MiB by default")
        let cap = 64 << 10
        let server = try ScriptedHTTPServer.streaming(status: 500, total: 64 * cap)
        defer { server.stop() }
        let transport = URLSessionTransport(maxResponseBytes: cap)

        let response = try await transport.send(post(server.url("/collection/abc")))

        #expect(response.status == 500)
        #expect(response.bodyTruncated)
        #expect(response.body.count == cap)
        #expect(response.body.allSatisfy { $0 == UInt8(ascii: "x") })
        // The client hung up (FoundationNetworking may read on for a moment after the cancel: not asserted).
        #expect(await eventually { server.closedConnections == 1 })
        #expect(await eventually { transport.tasksRunning == 0 }, "the data task was left running")
    }

    // Without the cap this request could only end by its deadline, having buffered all it read.
    @Test("an endless chunked answer is cut at a configured cap and the call returns")
    func endlessChunkedAnswerIsCut() async throws {
        let server = try ScriptedHTTPServer.streaming(status: 200, total: nil, floodBytes: 1 << 20)
        defer { server.stop() }
        let transport = URLSessionTransport(maxResponseBytes: 10_000)
        let response = try await transport.send(post(server.url("/collection/abc")))
        #expect(response.status == 200)
        #expect(response.bodyTruncated)
        #expect(response.body.count == 10_000)
        #expect(await eventually { server.closedConnections == 1 })
        #expect(await eventually { transport.tasksRunning == 0 }, "the data task was left running")
    }

    @Test("a body of exactly the cap is whole, not truncated; one byte more is")
    func capBoundary() async throws {
        for (length, truncated) in [(4096, false), (4097, true)] {
            let server = try ScriptedHTTPServer { _, connection in
                connection.respond(status: 400, body: String(repeating: "y", count: length))
            }
            defer { server.stop() }
            let response = try await URLSessionTransport(maxResponseBytes: 4096).send(post(server.url("/")))
            #expect(response.status == 400)
            #expect(response.body.count == 4096)
            #expect(response.bodyTruncated == truncated, "\(length) bytes")
        }
    }

    // FoundationNetworking holds a 3xx body itself until the transfer ends (it decides on
    // the redirect only then): the cap applies when it hands the body over.
    // FoundationNetworking copies a 3xx body whole at every 16 KiB piece: four times the cap
    // (a small one) shows the cut without making the shared queue copy hundreds of MiB.
    @Test("a redirect with a body four times the cap: the 3xx comes back, its body cut at the cap")
    func largeRedirectIsCut() async throws {
        let cap = 64 << 10
        let server = try ScriptedHTTPServer { _, connection in
            let body = [UInt8](repeating: UInt8(ascii: "z"), count: 4 * cap)
            if connection.writeHead(status: 302, headers: [("Location", "http://127.0.0.1:9/x"), ("Content-Length", "\(body.count)"), ("Connection", "close")]) {
                connection.write(body)
            }
        }
        defer { server.stop() }
        let response = try await URLSessionTransport(maxResponseBytes: cap).send(post(server.url("/")))
        #expect(response.status == 302)
        #expect(response.bodyTruncated)
        #expect(response.body.count == cap)
    }

    /// A gzip file of `1 + 258 × repeats` bytes of "x": one literal, then back-references
    /// of 258 bytes at distance 1 (fixed Huffman codes, RFC 1951), about 13 bits each.
    static func gzipBomb(repeats: Int) -> (bytes: [UInt8], decodedSize: Int) {
        var out: [UInt8] = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0xFF]
        var buffer: UInt32 = 0
        var count = 0
        func bits(_ value: UInt32, _ length: Int) {
            buffer |= value << UInt32(count)
            count += length
            while count >= 8 {
                out.append(UInt8(buffer & 0xFF))
                buffer >>= 8
                count -= 8
            }
        }
        func huffman(_ code: UInt32, _ length: Int) {
            var reversed: UInt32 = 0
            for bit in 0 ..< length where code & (1 << UInt32(bit)) != 0 { reversed |= 1 << UInt32(length - 1 - bit) }
            bits(reversed, length)
        }
        bits(1, 1)                          // the last block
        bits(1, 2)                          // fixed Huffman codes
        huffman(0x30 + 0x78, 8)             // literal "x"
        for _ in 0 ..< repeats {
            huffman(0b1100_0101, 8)         // length code 285: 258 bytes
            huffman(0, 5)                   // distance code 0: 1 byte back
        }
        huffman(0, 7)                       // end of block
        if count > 0 { out.append(UInt8(buffer & 0xFF)) }
        let decodedSize = 1 + 258 * repeats
        // CRC-32 (IEEE), table-driven: the bomb's MiBs are hashed in a blink even under a sanitizer.
        let table = (0 ..< 256).map { index -> UInt32 in
            var value = UInt32(index)
            for _ in 0 ..< 8 { value = value & 1 != 0 ? (value >> 1) ^ 0xEDB8_8320 : value >> 1 }
            return value
        }
        var crc: UInt32 = 0xFFFF_FFFF
        for _ in 0 ..< decodedSize { crc = table[Int((crc ^ 0x78) & 0xFF)] ^ (crc >> 8) }
        crc ^= 0xFFFF_FFFF
        for value in [crc, UInt32(truncatingIfNeeded: decodedSize)] {
            for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8((value >> UInt32(shift)) & 0xFF)) }
        }
        return (out, decodedSize)
    }

    @Test("a compressed answer is capped by what it decodes to: a 4 MiB gzip bomb of about 25 KiB is cut at a 64 KiB cap")
    func gzipBombIsCut() async throws {
        let cap = 64 << 10
        let bomb = Self.gzipBomb(repeats: (4 << 20) / 258)
        let server = try ScriptedHTTPServer { _, connection in
            if connection.writeHead(status: 500, headers: [("Content-Encoding", "gzip"), ("Content-Length", "\(bomb.bytes.count)"), ("Connection", "close")]) {
                connection.write(bomb.bytes)
            }
        }
        defer { server.stop() }
        let transport = URLSessionTransport(maxResponseBytes: cap)
        let response = try await transport.send(post(server.url("/")))
        #expect(response.status == 500)
        #expect(response.bodyTruncated)
        #expect(response.body.count == cap)
        #expect(response.body.allSatisfy { $0 == UInt8(ascii: "x") })
    }

    @Test("the gzip helper is a real gzip file: a small one decodes whole")
    func gzipHelperDecodes() async throws {
        let small = Self.gzipBomb(repeats: 10)
        let server = try ScriptedHTTPServer { _, connection in
            if connection.writeHead(status: 200, headers: [("Content-Encoding", "gzip"), ("Content-Length", "\(small.bytes.count)"), ("Connection", "close")]) {
                connection.write(small.bytes)
            }
        }
        defer { server.stop() }
        let response = try await URLSessionTransport().send(post(server.url("/")))
        #expect(response.status == 200)
        #expect(!response.bodyTruncated)
        #expect(response.body == Data(repeating: UInt8(ascii: "x"), count: small.decodedSize))
    }

    /// Answers with a head, then trickles one body byte every 50 ms for as long as the peer listens.
    static func trickling() throws -> ScriptedHTTPServer {
        try ScriptedHTTPServer { _, connection in
            guard connection.writeHead(status: 500, headers: [("Content-Length", "100000000"), ("Connection", "close")]) else { return }
            while connection.write([UInt8(ascii: "t")]) { Thread.sleep(forTimeInterval: 0.05) }
        }
    }

    @Test("a body trickled forever does not keep the request past its timeout: a transport error, the connection closed")
    func trickledBodyTimesOut() async throws {
        let server = try Self.trickling()
        defer { server.stop() }
        let transport = URLSessionTransport()
        do {
            let response = try await transport.send(post(server.url("/"), timeout: .seconds(1)))
            Issue.record("a trickled answer returned \(response.status)")
        } catch {
            #expect(error.code == .transport)
            #expect(error.reason.contains("timed out"), "\(error.reason)")
            #expect(error.reason.contains("HTTP 500"), "\(error.reason)")
        }
        #expect(await eventually { server.closedConnections == 1 }, "the client kept the connection open")
        #expect(await eventually { transport.tasksRunning == 0 }, "the data task was left running")
    }

    @Test("headers trickled forever do not keep the request past its timeout either")
    func trickledHeadersTimeOut() async throws {
        let server = try ScriptedHTTPServer { _, connection in
            guard connection.write("HTTP/1.1 200 OK\r\n") else { return }
            while connection.write("X-Slow: a\r\n") { Thread.sleep(forTimeInterval: 0.05) }
        }
        defer { server.stop() }
        await #expect(throws: AEPStreamingClientError.self) {
            _ = try await URLSessionTransport().send(post(server.url("/"), timeout: .seconds(1)))
        }
        #expect(await eventually { server.closedConnections == 1 }, "the client kept the connection open")
    }

    @Test("cancelling the calling task ends a trickling request at once and closes its connection")
    func cancellationEndsTheRequest() async throws {
        let server = try Self.trickling()
        defer { server.stop() }
        let transport = URLSessionTransport()
        let request = post(server.url("/"), timeout: .seconds(600))
        let sending = Task { try await transport.send(request) }
        #expect(await eventually { server.received.count == 1 && server.bytesSent > 0 })
        sending.cancel()
        switch await sending.result {
        case .success(let response):
            Issue.record("a cancelled request returned \(response.status)")
        case .failure(let error):
            let error = try #require(error as? AEPStreamingClientError)
            #expect(error.code == .transport)
            #expect(error.reason.contains("cancelled"), "\(error.reason)")
        }
        #expect(await eventually { server.closedConnections == 1 }, "the client kept the connection open")
        #expect(await eventually { transport.tasksRunning == 0 }, "the data task was left running")
    }

    @Test("a task cancelled before it sends never opens a connection")
    func cancelledBeforeSending() async throws {
        let server = try ScriptedHTTPServer { _, connection in connection.respond(status: 200, body: "{}") }
        defer { server.stop() }
        let transport = URLSessionTransport()
        let request = post(server.url("/"))
        let sending = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await transport.send(request)
        }
        await #expect(throws: AEPStreamingClientError.self) { try await sending.value }
        #expect(server.connections == 0)
    }
}

@Suite("URLSessionTransport: a redirect answered while the request ends", loopbackTimeLimit)
struct URLSessionTransportRedirectRaceTests {
    // Regression: a client shut down while a probe got a 3xx crashed the process in FoundationNetworking
    // ("Received callback for HTTP redirection, but we're not waiting for it"): the transport answered
    // the redirect question after its own deadline or cancellation had ended the task. Deadlines and
    // cancellations here land around the moment the 302 arrives, over and over.
    @Test("deadlines and cancellations racing 302 answers end every request, and nothing traps")
    func deadlinesRacingRedirects() async throws {
        let server = try ScriptedHTTPServer { request, connection in
            let delay = Double(request.target.split(separator: "=").last.flatMap { Int($0) } ?? 0) / 1000
            Thread.sleep(forTimeInterval: delay)
            connection.respond(status: 302, headers: [("Location", "http://127.0.0.1:9/elsewhere")])
        }
        defer { server.stop() }
        let transport = URLSessionTransport()
        var redirects = 0
        var failures = 0
        for round in 0 ..< 60 {
            let delay = 20 + round % 7
            let request = HTTPTransportRequest(
                url: server.url("/collection/abc?d=\(delay)"), headers: [], body: Data("{}".utf8), timeout: .milliseconds(20 + round % 5)
            )
            let sending = Task { try await transport.send(request) }
            if round.isMultiple(of: 3) {
                try await Task.sleep(for: .milliseconds(delay))
                sending.cancel()
            }
            do {
                let response = try await sending.value
                #expect(response.status == 302)
                redirects += 1
            } catch {
                failures += 1
            }
        }
        #expect(redirects + failures == 60)
        #expect(await eventually { transport.tasksRunning == 0 }, "a data task was left running")
    }
}
