import ChatlioAEPSupport
#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#endif

extension ScriptedHTTPServer {
    /// The connection a request came on, for the handler to write its answer to, byte by byte if
    /// it likes. Valid only while the handler runs.
    ///
    /// ```swift
    /// let endless = try ScriptedHTTPServer { _, connection in
    ///     guard connection.writeHead(status: 500, headers: [("Content-Length", "1000000")]) else { return }
    ///     while connection.write("x") { usleep(50_000) }   // until the client hangs up or the server stops
    /// }
    /// ```
    public final class Connection: Sendable {
        private let fd: Int32
        private let wakeFD: Int32
        private let shared: Shared

        init(fd: Int32, wakeFD: Int32, shared: Shared) {
            self.fd = fd
            self.wakeFD = wakeFD
            self.shared = shared
        }

        /// The client's port: with the server's, it names the client's socket.
        public var peerPort: Int {
            POSIX.port(of: fd, peer: true) ?? 0
        }

        /// Whether the server is still running (a handler streaming forever stops when it is not).
        public var isOpen: Bool { !shared.counts.withLock { $0.stopped } }

        /// Writes all of `bytes`; `false` once the peer has gone (or the server stopped).
        @discardableResult
        public func write(_ bytes: [UInt8]) -> Bool {
            guard isOpen else { return false }
            return POSIX.sendAll(fd, bytes) { sent in shared.counts.withLock { $0.bytesSent += sent } }
        }

        /// Writes `text` as UTF-8; `false` once the peer has gone (or the server stopped).
        @discardableResult
        public func write(_ text: String) -> Bool { write(Array(text.utf8)) }

        /// Writes a status line and header fields, then the blank line; nothing is added.
        @discardableResult
        public func writeHead(status: Int, headers: [(String, String)]) -> Bool {
            var head = "HTTP/1.1 \(status) \(HTTPResponse.reasonPhrase(status))\r\n"
            for (name, value) in headers { head += "\(name): \(value)\r\n" }
            return write(head + "\r\n")
        }

        /// A complete answer: `headers`, then `Content-Length` and `Connection: close`, then `body`.
        @discardableResult
        public func respond(status: Int, headers: [(String, String)] = [], body: String = "") -> Bool {
            let bytes = Array(body.utf8)
            return writeHead(status: status, headers: headers + [("Content-Length", "\(bytes.count)"), ("Connection", "close")]) && write(bytes)
        }

        /// Blocks until the client closes its side, reading and discarding what it sends, or until
        /// `seconds` pass or the server stops; whether the client closed.
        public func waitForPeerClose(seconds: Int) -> Bool {
            var buffer = [UInt8](repeating: 0, count: 4096)
            let end = ContinuousClock.now.advanced(by: .seconds(seconds))
            while true {
                let remaining = ContinuousClock.now.duration(to: end)
                guard remaining > .zero else { return false }
                let milliseconds = Int32(clamping: remaining.components.seconds * 1000 + 1)
                switch POSIX.waitReadable(fd, wake: wakeFD, timeoutMs: milliseconds) {
                case .readable:
                    if POSIX.receive(fd, into: &buffer) <= 0 { return true }
                case .woken, .failed:
                    return false
                case .timedOut:
                    continue
                }
            }
        }
    }
}
