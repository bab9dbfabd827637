// urlsession-wait: how much CPU URLSession (FoundationNetworking on Linux) spends while it merely waits
// for a slow answer. Uses Foundation only, no ChatlioAEP code, so the figure belongs to URLSession (and
// libcurl under it) alone.
//
// A loopback HTTP/1.1 server on its own threads (blocking sockets: it sleeps, it does not spin) answers
// every request after --delay seconds; N requests are started at once and the process's CPU time
// (getrusage RUSAGE_SELF: user + system, all threads) is divided by the wall time until the last answer.
//
//   swift run -c release --package-path Benchmarks urlsession-wait [--requests 5] [--delay 1] [--rounds 3]
//       [--mode delegate|completion] [--idle-timeout SECONDS]
//   strace -f -c -o /tmp/wait.strace .build/release/urlsession-wait --rounds 1
import BenchmarkSupport
import ExampleSupport
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif

enum Mode: String, CaseIterable { case delegate, completion }

let tool = CommandLineTool(
    name: "urlsession-wait",
    usage: "Usage: urlsession-wait [--requests N] [--delay SECONDS] [--rounds N] [--mode delegate|completion] [--idle-timeout SECONDS]"
)
let options = tool.parse(valued: ["--requests", "--delay", "--rounds", "--mode", "--idle-timeout"])
let requests = tool.checked { try options.positiveInteger("--requests") } ?? 5
let delay = tool.checked { try options.number("--delay", in: 0 ... 3_600, what: "a number of seconds") } ?? 1
let rounds = tool.checked { try options.positiveInteger("--rounds") } ?? 3
let mode = (tool.checked { try options.choice("--mode", of: Mode.self) } ?? .delegate).rawValue
let idleTimeout = tool.checked { try options.number("--idle-timeout", in: 0 ... 86_400, what: "a number of seconds") } ?? 60

final class Delegate: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    let done: DispatchGroup
    init(done: DispatchGroup) { self.done = done }
    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        if let error { FileHandle.standardError.write(Data("request failed: \(error)\n".utf8)) }
        done.leave()
    }
}

func round(server: SlowServer) -> (cpu: Double, wall: Double) {
    let done = DispatchGroup()
    let configuration = URLSessionConfiguration.ephemeral
    configuration.timeoutIntervalForRequest = idleTimeout
    configuration.httpMaximumConnectionsPerHost = max(requests, 1)
    let delegate = Delegate(done: done)
    let session = mode == "completion"
        ? URLSession(configuration: configuration)
        : URLSession(configuration: configuration, delegate: delegate, delegateQueue: nil)
    var request = URLRequest(url: URL(fileURLWithPath: "/"))
    request.url = URL(string: "http://127.0.0.1:\(server.port)/collection/x")
    request.httpMethod = "POST"
    request.httpBody = Data(#"{"a":1}"#.utf8)
    request.setValue("application/json", forHTTPHeaderField: "Content-Type")
    let cpu0 = ProcessUsage.cpuSeconds(), wall0 = ProcessUsage.monotonicSeconds()
    for _ in 0..<requests {
        done.enter()
        if mode == "completion" {
            session.dataTask(with: request) { _, _, error in
                if let error { FileHandle.standardError.write(Data("request failed: \(error)\n".utf8)) }
                done.leave()
            }.resume()
        } else {
            session.dataTask(with: request).resume()
        }
    }
    done.wait()
    let cpu = ProcessUsage.cpuSeconds() - cpu0, wall = ProcessUsage.monotonicSeconds() - wall0
    session.finishTasksAndInvalidate()
    return (cpu, wall)
}

do {
    let server = try SlowServer(delay: delay)
    print("urlsession-wait: \(requests) concurrent POSTs, server answers after \(delay) s, mode \(mode), timeoutIntervalForRequest \(idleTimeout) s")
    var results: [(cpu: Double, wall: Double)] = []
    for index in 1...max(rounds, 1) {
        let result = round(server: server)
        results.append(result)
        print(String(format: "  round %d: %.3f CPU-s in %.3f s wall = %.1f %% of a core", index, result.cpu, result.wall, 100 * result.cpu / result.wall))
    }
    let cpu = results.map(\.cpu).reduce(0, +), wall = results.map(\.wall).reduce(0, +)
    print(String(format: "  total: %.3f CPU-s in %.3f s wall = %.1f %% of a core while waiting", cpu, wall, 100 * cpu / wall))
} catch {
    print("urlsession-wait: \(error)")
    exit(1)
}
