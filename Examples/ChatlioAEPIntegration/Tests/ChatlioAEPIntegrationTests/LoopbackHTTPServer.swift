// A copy of Tests/AEPStreamingClientTests/LoopbackHTTPServer.swift of the root package (test files are no
// product), plus `requestsPerConnection`, to see a client keep its connection alive.
import Foundation

#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#endif

/// A raw-socket HTTP/1.1 server on loopback whose answers a test writes by
/// hand: a redirect to another origin, a body streamed without end, a body
/// trickled a byte at a time. Each connection runs on its own thread, reads
/// one request (head and `Content-Length` body), records it, and hands a
/// ``Connection`` to the test's handler; the connection closes when the
/// handler returns.
final class LoopbackHTTPServer: @unchecked Sendable {
    struct Request: Sendable {
        var method: String
        var target: String
        /// Header fields with lower-cased names.
        var headers: [String: String]
        var body: Data
    }

    /// One accepted connection, for the handler to answer on.
    final class Connection: @unchecked Sendable {
        fileprivate let fd: Int32
        private let server: LoopbackHTTPServer

        fileprivate init(fd: Int32, server: LoopbackHTTPServer) {
            self.fd = fd
            self.server = server
        }

        /// The client's port: with the server's, it names the client's socket.
        var peerPort: Int {
            var address = sockaddr_in()
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let found = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getpeername(fd, $0, &length) }
            }
            return found == 0 ? Int(UInt16(bigEndian: address.sin_port)) : 0
        }

        /// Whether the server is still running (a handler streaming forever stops when it is not).
        var isOpen: Bool { !server.isStopped }

        /// Writes all of `bytes`; `false` once the peer has gone (or the server stopped).
        @discardableResult
        func write(_ bytes: [UInt8]) -> Bool {
            guard isOpen else { return false }
            var offset = 0
            return bytes.withUnsafeBytes { raw in
                guard let base = raw.baseAddress else { return true }
                while offset < raw.count {
                    let sent = send(fd, base + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                    if sent <= 0 { return false }
                    offset += sent
                    server.addSent(sent)
                }
                return true
            }
        }

        @discardableResult
        func write(_ text: String) -> Bool { write(Array(text.utf8)) }

        /// Writes a status line and header fields (then the blank line).
        @discardableResult
        func writeHead(status: Int, headers: [(String, String)]) -> Bool {
            var head = "HTTP/1.1 \(status) X\r\n"
            for (name, value) in headers { head += "\(name): \(value)\r\n" }
            return write(head + "\r\n")
        }

        /// A complete answer with a `Content-Length` body.
        @discardableResult
        func respond(status: Int, headers: [(String, String)] = [], body: String = "") -> Bool {
            let bytes = Array(body.utf8)
            return writeHead(status: status, headers: headers + [("Content-Length", "\(bytes.count)"), ("Connection", "close")]) && write(bytes)
        }

        /// Blocks until the peer closes its side (or `seconds` pass); whether it did.
        func waitForPeerClose(seconds: Int) -> Bool {
            var pollFD = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            var buffer = [UInt8](repeating: 0, count: 4096)
            for _ in 0 ..< seconds * 10 {
                let ready = poll(&pollFD, 1, 100)
                if ready > 0 {
                    let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                    if count <= 0 { return true }
                }
                if !isOpen { return false }
            }
            return false
        }
    }

    typealias Handler = @Sendable (Request, Connection) -> Void

    private let listener: Int32
    private let handler: Handler
    private let lock = NSLock()
    private var requests: [Request] = []
    private var connectionCount = 0
    private var closedCount = 0
    private var sentBytes = 0
    private var stopped = false
    let port: Int

    /// Connections read this many requests one after another (each answered before the next is read).
    private let requestsPerConnection: Int

    init(requestsPerConnection: Int = 1, handler: @escaping Handler) throws {
        self.handler = handler
        self.requestsPerConnection = max(1, requestsPerConnection)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 64) == 0 else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [weak self] in self?.acceptLoop() }
        thread.start()
    }

    deinit {
        stop()
    }

    func url(_ path: String = "/") -> URL {
        URL(string: "http://127.0.0.1:\(port)\(path)") ?? URL(fileURLWithPath: "/")
    }

    /// Every request read so far (including ones whose answer is still being written).
    var received: [Request] { withLock { requests } }
    /// Connections accepted, whether or not a whole request arrived on them.
    var connections: Int { withLock { connectionCount } }
    /// Connections whose handler has returned and which are closed.
    var closedConnections: Int { withLock { closedCount } }
    /// Body and head bytes the handlers managed to hand to the kernel.
    var bytesSent: Int { withLock { sentBytes } }

    var isStopped: Bool { withLock { stopped } }

    func stop() {
        let wasStopped = withLock { () -> Bool in
            defer { stopped = true }
            return stopped
        }
        guard !wasStopped else { return }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    fileprivate func addSent(_ count: Int) {
        withLock { sentBytes += count }
    }

    private func withLock<T>(_ body: () -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body()
    }

    private func acceptLoop() {
        while true {
            let connection = accept(listener, nil, nil)
            if connection < 0 {
                if isStopped { return }
                if errno == EINTR { continue }
                return
            }
            withLock { connectionCount += 1 }
            let thread = Thread { [self] in
                for _ in 0 ..< requestsPerConnection {
                    guard let request = readRequest(connection) else { break }
                    withLock { requests.append(request) }
                    handler(request, Connection(fd: connection, server: self))
                }
                close(connection)
                withLock { closedCount += 1 }
            }
            thread.start()
        }
    }

    private func readRequest(_ fd: Int32) -> Request? {
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        var headerEnd: Int?
        var contentLength = 0
        while true {
            if let headerEnd, buffer.count >= headerEnd + contentLength { break }
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { return nil }
            buffer.append(contentsOf: chunk[0 ..< count])
            if headerEnd == nil, let end = Self.find([13, 10, 13, 10], in: buffer) {
                headerEnd = end + 4
                let head = String(decoding: buffer[0 ..< end], as: UTF8.self)
                for line in head.components(separatedBy: "\r\n") where line.lowercased().hasPrefix("content-length:") {
                    contentLength = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) ?? 0
                }
            }
        }
        guard let headerEnd else { return nil }
        let lines = String(decoding: buffer[0 ..< headerEnd - 4], as: UTF8.self).components(separatedBy: "\r\n")
        let requestLine = lines.first?.split(separator: " ").map(String.init) ?? []
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return Request(
            method: requestLine.first ?? "", target: requestLine.count > 1 ? requestLine[1] : "",
            headers: headers, body: Data(buffer[headerEnd ..< headerEnd + contentLength])
        )
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for index in 0 ... (haystack.count - needle.count) where haystack[index ..< index + needle.count].elementsEqual(needle) {
            return index
        }
        return nil
    }
}

extension LoopbackHTTPServer {
    /// Answers `requests` requests per connection with a 200 that keeps the connection open.
    static func keepAlive(requests: Int) throws -> LoopbackHTTPServer {
        try LoopbackHTTPServer(requestsPerConnection: requests) { _, connection in
            connection.writeHead(status: 200, headers: [("Content-Type", "application/json"), ("Content-Length", "2")])
            connection.write("{}")
        }
    }
}
