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

/// A loopback HTTP/1.1 server that answers each request `delay` seconds after reading its head, then closes.
final class SlowServer: @unchecked Sendable {
    let port: UInt16
    private let listener: Int32
    private let delay: Double

    init(delay: Double) throws {
        self.delay = delay
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw POSIXError(.EIO) }
        var yes: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 128) == 0 else { throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        port = UInt16(bigEndian: address.sin_port)
        self.listener = listener
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    private func acceptLoop() {
        while true {
            let connection = accept(listener, nil, nil)
            if connection < 0 { continue }
            Thread.detachNewThread { [self] in serve(connection) }
        }
    }

    private func serve(_ connection: Int32) {
        defer { close(connection) }
        var head = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        // Reads the head and a Content-Length body (the client posts a small one).
        var bodyLeft = -1
        while true {
            let n = read(connection, &buffer, buffer.count)
            if n <= 0 { return }
            head.append(contentsOf: buffer[0..<n])
            if bodyLeft < 0, let end = head.firstRange(of: Array("\r\n\r\n".utf8)) {
                let text = String(decoding: head[..<end.lowerBound], as: UTF8.self).lowercased()
                let length = text.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                    .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
                bodyLeft = length - (head.count - end.upperBound)
            } else if bodyLeft >= 0 {
                bodyLeft -= n
            }
            if bodyLeft >= 0 && bodyLeft <= 0 { break }
        }
        usleep(useconds_t(delay * 1_000_000))
        let answer = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"
        _ = answer.utf8CString.withUnsafeBufferPointer { write(connection, $0.baseAddress, $0.count - 1) }
    }
}

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
