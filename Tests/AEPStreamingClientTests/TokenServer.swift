import ChatlioJSON
import Foundation

#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#endif

/// A tiny OAuth token endpoint on loopback (the emulator cannot issue
/// tokens): answers each `POST` with the next scripted reply, records the
/// form fields it received, closes each connection after one answer.
final class TokenServer: @unchecked Sendable {
    struct Reply: Sendable {
        var status: Int
        var body: String

        static func token(_ token: String, expiresIn: Int = 86_399) -> Reply {
            Reply(status: 200, body: #"{"access_token":"\#(token)","token_type":"bearer","expires_in":\#(expiresIn)}"#)
        }

        static let invalidClient = Reply(status: 401, body: #"{"error":"invalid_client","error_description":"invalid client_secret parameter"}"#)
    }

    private let listener: Int32
    private let lock = NSLock()
    private var replies: [Reply]
    private var fallback: Reply
    private var forms: [[String: String]] = []
    private var thread: Thread?
    private var stopped = false
    private let delay: TimeInterval
    let port: Int

    /// - Parameters:
    ///   - replies: answers to the first requests, in order; then `fallback` forever.
    ///   - delay: seconds to wait before each answer (to make concurrent callers overlap).
    init(replies: [Reply], fallback: Reply, delay: TimeInterval = 0) throws {
        self.replies = replies
        self.fallback = fallback
        self.delay = delay
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
        guard bound == 0, listen(fd, 16) == 0 else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [weak self] in self?.serve() }
        self.thread = thread
        thread.start()
    }

    deinit {
        stop()
    }

    var url: URL {
        URL(string: "http://127.0.0.1:\(port)/ims/token/v3") ?? URL(fileURLWithPath: "/")
    }

    /// The form fields of every request received.
    var receivedForms: [[String: String]] {
        lock.lock()
        defer { lock.unlock() }
        return forms
    }

    var requestCount: Int { receivedForms.count }

    func setFallback(_ reply: Reply) {
        lock.lock()
        fallback = reply
        lock.unlock()
    }

    func stop() {
        lock.lock()
        let wasStopped = stopped
        stopped = true
        lock.unlock()
        guard !wasStopped else { return }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func serve() {
        while true {
            let connection = accept(listener, nil, nil)
            if connection < 0 {
                lock.lock()
                let done = stopped
                lock.unlock()
                if done { return }
                if errno == EINTR { continue }
                return
            }
            handle(connection)
            close(connection)
        }
    }

    private func handle(_ fd: Int32) {
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        var headerEnd: Int?
        var contentLength = 0
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { return }
            buffer.append(contentsOf: chunk[0 ..< count])
            if headerEnd == nil, let end = Self.find([13, 10, 13, 10], in: buffer) {
                headerEnd = end + 4
                let head = String(decoding: buffer[0 ..< end], as: UTF8.self).lowercased()
                for line in head.components(separatedBy: "\r\n") where line.hasPrefix("content-length:") {
                    contentLength = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) ?? 0
                }
            }
            if let headerEnd, buffer.count >= headerEnd + contentLength { break }
        }
        let bodyStart = headerEnd ?? buffer.count
        let body = String(decoding: buffer[bodyStart ..< min(buffer.count, bodyStart + contentLength)], as: UTF8.self)
        var form: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0) }
            if parts.count == 2 { form[parts[0]] = parts[1] }
        }
        lock.lock()
        forms.append(form)
        let reply = replies.isEmpty ? fallback : replies.removeFirst()
        lock.unlock()
        if delay > 0 { Thread.sleep(forTimeInterval: delay) }
        let bytes = Array(reply.body.utf8)
        let head = "HTTP/1.1 \(reply.status) X\r\nContent-Type: application/json\r\nContent-Length: \(bytes.count)\r\nConnection: close\r\n\r\n"
        let response = Array(head.utf8) + bytes
        var offset = 0
        response.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            while offset < raw.count {
                let sent = send(fd, base + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if sent <= 0 { return }
                offset += sent
            }
        }
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for index in 0 ... (haystack.count - needle.count) where Array(haystack[index ..< index + needle.count]) == needle {
            return index
        }
        return nil
    }
}
