@testable import AEPStreamingClient
import AEPInletEmulator
import ChatlioAEPTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

// Regression (issue 15, "no busy-waiting"): on Linux, URLSession kept the write DispatchSource it
// made while connecting, so a request awaiting its answer ran curl_multi_socket_action without
// pause (~180,000 calls and ~0.8 CPU-s per second of waiting). Counting libcurl's socket actions on
// the request's own socket is immune to other tests running meanwhile and to the machine's load: a
// loaded machine only spins fewer times, and still thousands. With CHATLIO_CURL_SOCKET_FIX=0 these
// tests fail.
@Suite("URLSessionTransport while a request awaits its answer: no busy wait", loopbackTimeLimit)
struct URLSessionTransportSocketSourceFixTests {
    #if os(Linux)
    @Test(
        "a request awaiting an answer held back a second costs libcurl a handful of socket actions, not thousands",
        arguments: [16, 8 << 20]
    )
    func awaitingAnAnswerIsIdle(bodyBytes: Int) async throws {
        let held = DispatchSemaphore(value: 0)
        let clientPort = Box<Int?>(nil)
        let server = try ScriptedHTTPServer { _, connection in
            clientPort.mutate { $0 = connection.peerPort }
            // Bounded: a test that fails before releasing the answer does not leave this thread behind.
            _ = held.wait(timeout: .now() + 30)
            connection.respond(status: 200, headers: [("Content-Type", "application/json")], body: "{}")
        }
        defer { server.stop() }
        let transport = URLSessionTransport()
        // A large body is sent with the socket registered for reading and writing (the answer may come
        // early), a small one before it is registered for reading: both end in "read only".
        let request = HTTPTransportRequest(
            url: server.url("/collection/x"), headers: [("Content-Type", "application/json")],
            body: Data(repeating: UInt8(ascii: " "), count: bodyBytes), timeout: .seconds(60)
        )
        let sending = Task { try await transport.send(request) }
        #expect(await eventually { clientPort.get() != nil }, "the request never arrived")
        let fd = try #require(Self.socket(localPort: clientPort.get() ?? 0, remotePort: server.port), "no client socket found")
        #expect(URLSessionTransport.SocketSourceFix.isInstalled, "the libcurl socket callback was not wrapped in this binary")
        let before = URLSessionTransport.SocketSourceFix.socketActions(fd: fd)
        // The window being measured: the answer is held back for it, as by an inlet slow to answer.
        try await Task.sleep(for: .seconds(1))
        let during = URLSessionTransport.SocketSourceFix.socketActions(fd: fd) - before
        held.signal()
        let response = try await sending.value
        #expect(response.status == 200)
        #expect(during < 100, "libcurl ran \(during) socket actions while the request waited a second (a busy wait)")
    }

    /// The fd of this process's TCP socket from `localPort` to `remotePort` on loopback.
    static func socket(localPort: Int, remotePort: Int) -> Int32? {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        for entry in entries {
            guard let fd = Int32(entry), port(of: fd, peer: false) == localPort, port(of: fd, peer: true) == remotePort else { continue }
            return fd
        }
        return nil
    }

    private static func port(of fd: Int32, peer: Bool) -> Int? {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let result = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { peer ? getpeername(fd, $0, &length) : getsockname(fd, $0, &length) }
        }
        guard result == 0, address.sin_family == sa_family_t(AF_INET) else { return nil }
        return Int(UInt16(bigEndian: address.sin_port))
    }
    #endif
}
