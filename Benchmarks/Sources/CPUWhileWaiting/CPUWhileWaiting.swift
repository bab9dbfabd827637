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
