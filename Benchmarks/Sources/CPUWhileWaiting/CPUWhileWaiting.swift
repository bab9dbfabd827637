// The "CPU while waiting" figure: the process's CPU time (getrusage: user + system, every thread)
// over the wall time while N requests through the client's default transport (URLSessionTransport)
// await a loopback inlet that answers each one `delay` seconds after reading it. The server sleeps in
// blocking calls on its own threads, so what is counted is the client waiting.
import AEPStreamingClient
import BenchmarkSupport
public import Foundation
#if canImport(Glibc)
import Glibc
#endif

public enum CPUWhileWaiting {
    /// One measurement: every round's figures and their sum.
    public struct Figure: Sendable {
        public var requests: Int
        public var delaySeconds: Double
        public var rounds: [(cpuSeconds: Double, wallSeconds: Double)]
        public var cpuSeconds: Double { rounds.map(\.cpuSeconds).reduce(0, +) }
        public var wallSeconds: Double { rounds.map(\.wallSeconds).reduce(0, +) }
        /// CPU-seconds per second of waiting: 1.0 is a whole core.
        public var coreFraction: Double { wallSeconds > 0 ? cpuSeconds / wallSeconds : 0 }
        /// Whether the transport's busy-wait fix was on ($CHATLIO_CURL_SOCKET_FIX is not "0").
        public var fixEnabled: Bool { ProcessInfo.processInfo.environment["CHATLIO_CURL_SOCKET_FIX"] != "0" }

        /// One line for a report.
        public var line: String {
            String(
                format: "CPU while waiting: %d requests awaiting a %.1f s answer, %d rounds: %.3f CPU-s in %.3f s = %.1f %% of a core%@",
                requests, delaySeconds, rounds.count, cpuSeconds, wallSeconds, 100 * coreFraction,
                fixEnabled ? "" : " (CHATLIO_CURL_SOCKET_FIX=0: FoundationNetworking's busy wait left in)"
            )
        }
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Sends `requests` POSTs at once, `rounds` times, through a fresh `URLSessionTransport()` each round,
    /// to an in-process inlet answering after `delay` seconds, or to `url` (a slow server of your own,
    /// e.g. https: `delay` then only names it).
    public static func measure(requests: Int = 5, delay: Double = 1, rounds: Int = 3, url: URL? = nil) async throws -> Figure {
        let server = url == nil ? try SlowServer(delay: delay) : nil
        defer { server?.stop() }
        guard let url = url ?? server.flatMap({ URL(string: "http://127.0.0.1:\($0.port)/collection/inlet") }) else { throw Failure(description: "no URL") }
        var figure = Figure(requests: requests, delaySeconds: delay, rounds: [])
        for _ in 0 ..< max(1, rounds) {
            let transport = URLSessionTransport(maxConnections: max(1, requests))
            let request = HTTPTransportRequest(
                url: url, headers: [("Content-Type", "application/json")], body: Data(#"{"messages":[]}"#.utf8),
                timeout: .seconds(delay + 30)
            )
            let cpu0 = ProcessUsage.cpuSeconds(), wall0 = ProcessUsage.monotonicSeconds()
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0 ..< max(1, requests) {
                    group.addTask { try await transport.send(request).status }
                }
                for try await status in group where status != 200 {
                    throw Failure(description: "the inlet answered \(status)")
                }
            }
            figure.rounds.append((ProcessUsage.cpuSeconds() - cpu0, ProcessUsage.monotonicSeconds() - wall0))
        }
        return figure
    }

}

/// A loopback HTTP/1.1 server answering each request `delay` seconds after reading it, then closing.
final class SlowServer: @unchecked Sendable {
    let port: UInt16
    private let listener: Int32
    private let delay: Double

    init(delay: Double) throws {
        self.delay = delay
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw CPUWhileWaiting.Failure(description: "socket() failed") }
        var yes: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 128) == 0 else {
            close(listener)
            throw CPUWhileWaiting.Failure(description: "bind/listen failed")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        port = UInt16(bigEndian: address.sin_port)
        self.listener = listener
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func acceptLoop() {
        while true {
            let connection = accept(listener, nil, nil)
            if connection < 0 {
                if errno == EINTR { continue }
                return
            }
            Thread.detachNewThread { [self] in serve(connection) }
        }
    }

    private func serve(_ connection: Int32) {
        defer { close(connection) }
        var received = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        var needed: Int?
        while needed.map({ received.count < $0 }) ?? true {
            let count = read(connection, &buffer, buffer.count)
            if count <= 0 { return }
            received.append(contentsOf: buffer[0 ..< count])
            if needed == nil, let end = received.firstRange(of: Array("\r\n\r\n".utf8)) {
                let head = String(decoding: received[..<end.lowerBound], as: UTF8.self).lowercased()
                let length = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                    .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
                needed = end.upperBound + length
            }
        }
        usleep(useconds_t(delay * 1_000_000))
        let answer = Array("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}".utf8)
        _ = answer.withUnsafeBytes { write(connection, $0.baseAddress, $0.count) }
    }
}
