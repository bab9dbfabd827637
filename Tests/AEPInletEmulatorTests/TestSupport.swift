@testable import AEPInletEmulator
import ChatlioJSON
import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#endif

/// Shared fixtures: envelopes, an HTTP client over URLSession, a raw socket client.
enum Fixture {
    static let schemaID = "https://ns.adobe.com/acme/schemas/chat"
    static let datasetID = "5f0000000000000000000001"

    static func envelope(id: String, entity extra: JSONObject = [:], schemaID: String = schemaID) -> JSONValue {
        var entity: JSONObject = ["_id": .string(id), "timestamp": "2024-05-01T12:34:56.789Z", "eventType": "chat.conversationStarted"]
        entity.merge(extra) { _, new in new }
        return [
            "header": [
                "schemaRef": ["id": .string(schemaID), "contentType": "application/vnd.adobe.xed-full+json;version=1"],
                "datasetId": .string(datasetID),
                "source": ["name": "tests"],
            ],
            "body": [
                "xdmMeta": ["schemaRef": ["id": .string(schemaID), "contentType": "application/vnd.adobe.xed-full+json;version=1"]],
                "xdmEntity": .object(entity),
            ],
        ]
    }

    static func batch(_ messages: [JSONValue]) -> JSONValue {
        ["messages": .array(messages)]
    }

    static func startedEmulator(_ configure: (inout AEPInletEmulator.Configuration) -> Void = { _ in }) throws -> AEPInletEmulator {
        var configuration = AEPInletEmulator.Configuration(inletId: "test-inlet")
        configure(&configuration)
        let emulator = try AEPInletEmulator(configuration: configuration)
        try emulator.start()
        return emulator
    }

    static func temporaryFile(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("aep-emulator-\(UUID().uuidString)-\(name)")
    }

    /// Open file descriptors of this process.
    static func openDescriptorCount() -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? -1
    }

    /// Threads of this process.
    static func threadCount() -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").count) ?? -1
    }

    /// What each open descriptor of this process refers to (`socket:[inode]`, a path, …),
    /// or `nil` without `/proc`. A socket is told apart from another server's on the same
    /// port number by its inode, and only this process's descriptors are read: no table of
    /// the machine's sockets (`/proc/net/tcp` lists none in some sandboxes) is needed.
    static func openDescriptorIdentities() -> Set<String>? {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return nil }
        var identities = Set<String>()
        for name in names {
            if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(name)") {
                identities.insert(target)
            }
        }
        return identities
    }
}

/// A response as the tests see it.
struct Reply: Sendable {
    var status: Int
    var headers: [String: String]
    var body: Data

    var json: JSONValue? { try? JSONValue(parsing: body) }
    func header(_ name: String) -> String? {
        headers.first { $0.key.lowercased() == name.lowercased() }?.value
    }
}

/// URLSession over real loopback TCP, one ephemeral session per client so
/// connections are never shared between tests.
final class Client: Sendable {
    let session: URLSession

    init(timeout: TimeInterval = 30) {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        session = URLSession(configuration: configuration)
    }

    deinit {
        // Not invalidateAndCancel(): on Linux it waits for a queue every URLSession in the process shares
        // (see URLSessionTransport's deinit), and a test's client is done with its requests by now.
        session.finishTasksAndInvalidate()
    }

    func post(_ url: URL, json: JSONValue, headers: [String: String] = ["Content-Type": "application/json"]) async throws -> Reply {
        try await post(url, body: Data(json.serialized()), headers: headers)
    }

    func post(_ url: URL, body: Data, headers: [String: String] = ["Content-Type": "application/json"], method: String = "POST") async throws -> Reply {
        var request = URLRequest(url: url)
        request.httpMethod = method
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if method != "GET" { request.httpBody = body }
        let (data, response) = try await session.data(for: request)
        guard let http = response as? HTTPURLResponse else { throw URLError(.badServerResponse) }
        var fields: [String: String] = [:]
        for (key, value) in http.allHeaderFields {
            if let key = key as? String, let value = value as? String { fields[key] = value }
        }
        return Reply(status: http.statusCode, headers: fields, body: data)
    }
}

/// A blocking TCP client for what URLSession cannot send: malformed HTTP,
/// hand-made chunking, pipelining, and watching a connection close.
final class RawConnection {
    private let fd: Int32
    private var buffer: [UInt8] = []

    init(port: Int, ipv6: Bool = false) throws {
        fd = socket(ipv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        let result = POSIX.withLoopbackAddress(ipv6: ipv6, port: port) { connect(fd, $0, $1) }
        guard result == 0 else {
            close(fd)
            throw POSIXError(.ECONNREFUSED)
        }
    }

    deinit {
        close(fd)
    }

    func send(_ text: String) {
        send(Array(text.utf8))
    }

    func send(_ bytes: [UInt8]) {
        var offset = 0
        bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            while offset < raw.count {
                let written = Glibc.send(fd, base + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if written <= 0 { return }
                offset += written
            }
        }
    }

    /// Reads more bytes; `false` at end of stream, on error or after `timeoutMs` of silence.
    private func fill(timeoutMs: Int32 = 10_000) -> Bool {
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&pfd, 1, timeoutMs) > 0 else { return false }
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return false }
        buffer.append(contentsOf: chunk[0 ..< count])
        return true
    }

    /// Reads one response (status line, headers, Content-Length body); `nil` when the connection closes first.
    func readResponse() -> Reply? {
        while true {
            if let end = headEnd() {
                let head = String(decoding: buffer[0 ..< end], as: UTF8.self)
                var lines = head.components(separatedBy: "\r\n")
                let statusLine = lines.removeFirst().split(separator: " ")
                guard statusLine.count >= 2, let status = Int(statusLine[1]) else { return nil }
                var headers: [String: String] = [:]
                for line in lines {
                    guard let colon = line.firstIndex(of: ":") else { continue }
                    headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                }
                let length = Int(headers["content-length"] ?? "0") ?? 0
                while buffer.count < end + 4 + length {
                    if !fill() { return nil }
                }
                let body = Data(buffer[(end + 4) ..< (end + 4 + length)])
                buffer.removeFirst(end + 4 + length)
                return Reply(status: status, headers: headers, body: body)
            }
            if !fill() { return nil }
        }
    }

    /// Whether bytes (or the end of the stream) are waiting to be read, within `timeoutMs`.
    func isReadable(withinMs timeoutMs: Int32) -> Bool {
        if !buffer.isEmpty { return true }
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&pfd, 1, timeoutMs) > 0
    }

    /// Whether the server closed the connection (end of stream with nothing more to read).
    func isClosedByPeer() -> Bool {
        while fill() {}
        return buffer.isEmpty
    }

    private func headEnd() -> Int? {
        guard buffer.count >= 4 else { return nil }
        for index in 0 ... (buffer.count - 4)
        where buffer[index] == 0x0D && buffer[index + 1] == 0x0A && buffer[index + 2] == 0x0D && buffer[index + 3] == 0x0A {
            return index
        }
        return nil
    }
}

extension String {
    /// An HTTP/1.1 POST with a Content-Length body.
    static func post(_ path: String, body: String, extraHeaders: String = "") -> String {
        "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\(extraHeaders)\r\n\(body)"
    }
}

/// Suites that open hundreds of descriptors (300 trickling connections),
/// count the process's descriptors, or block a thread on a socket take
/// turns: nested here, they run one test at a time, so a count never sees
/// the other's crowd, and at most one cooperative thread (of two, on this
/// machine) waits on a socket while the async tests run.
@Suite("Socket-heavy tests, one at a time", .serialized)
enum DescriptorHeavyTests {}
