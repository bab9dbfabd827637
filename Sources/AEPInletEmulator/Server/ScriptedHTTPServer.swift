public import Foundation
import ChatlioAEPSupport

/// A loopback HTTP/1.1 server whose answers a test writes by hand, for test doubles the emulator
/// is not: a token endpoint, a redirect to another origin, a body that never ends, a body trickled
/// a byte at a time, a status line and no more. For tests only; it is no production server.
///
/// It runs on the emulator's own loopback server (one thread per connection, every thread joined
/// by ``stop()``, strict request parsing). Each request is recorded in ``received`` and handed,
/// with its ``Connection``, to the handler, which writes the whole answer; the connection closes
/// when the handler returns, or after `requestsPerConnection` answers when the client keeps it.
///
/// ```swift
/// let inlet = try ScriptedHTTPServer { request, connection in
///     connection.respond(status: 307, headers: [("Location", "http://127.0.0.1:9/elsewhere")])
/// }
/// defer { inlet.stop() }
/// // … point the client at inlet.url("/collection/abc"), then:
/// inlet.received.count    // requests read so far
/// inlet.connections       // connections accepted
/// ```
public final class ScriptedHTTPServer: Sendable {
    /// One request as the handler sees it.
    public struct Request: Sendable, Hashable {
        public var method: String
        /// The request target as sent, e.g. `/collection/abc?syncValidation=true`.
        public var target: String
        /// Header fields with lower-cased names (the last of repeated names).
        public var headers: [String: String]
        /// The body, de-chunked.
        public var body: Data

        public init(method: String, target: String, headers: [String: String] = [:], body: Data = Data()) {
            self.method = method
            self.target = target
            self.headers = headers
            self.body = body
        }
    }

    /// Writes the answer to `Request` on `Connection`; runs on the connection's own thread.
    public typealias Handler = @Sendable (Request, Connection) -> Void

    /// What the handlers and the counters share; never the server itself, so a connection thread
    /// never holds the last reference to the server that must join it.
    final class Shared: Sendable {
        struct Counts: Sendable {
            var requests: [Request] = []
            var bytesSent = 0
            var stopped = false
        }

        let counts = Locked(Counts())
    }

    private let server: LoopbackServer
    private let shared = Shared()
    /// The port bound on 127.0.0.1 (the kernel's choice).
    public let port: Int

    /// Starts serving on an ephemeral port of 127.0.0.1.
    ///
    /// - Parameters:
    ///   - requestsPerConnection: answers per connection before it closes, when the client keeps it
    ///     alive (each answered before the next is read); 1 closes every connection after its first answer.
    ///   - handler: writes each answer, e.g. with ``Connection/respond(status:headers:body:)``.
    public init(requestsPerConnection: Int = 1, handler: @escaping Handler) throws(AEPInletEmulatorError) {
        let shared = shared
        let perConnection = max(1, requestsPerConnection)
        let settings = LoopbackServer.Settings(
            address: .ipv4Loopback, port: 0,
            limits: HTTPRequestParser.Limits(maxHeaderBytes: 64 * 1024, maxHeaderCount: 200, maxBodyBytes: 256 << 20),
            idleTimeout: .seconds(60), headTimeout: .seconds(60), requestTimeout: .seconds(120), maxConnections: 1024
        )
        server = try LoopbackServer(
            settings: settings,
            handler: { request, context in
                let seen = Request(request)
                shared.counts.withLock { $0.requests.append(seen) }
                handler(seen, Connection(fd: context.connectionFD, wakeFD: context.wakeFD, shared: shared))
                return .wroteOwnAnswer(keepAlive: context.requestsBefore + 1 < perConnection)
            },
            errorResponder: { error in HTTPResponse(status: error.status, body: Array(error.reason.utf8)) },
            log: { _ in }
        )
        port = server.port
        try server.start()
    }

    deinit {
        stop()
    }

    /// `http://127.0.0.1:<port><path>`.
    public func url(_ path: String = "/") -> URL {
        URL(string: "http://127.0.0.1:\(port)\(path)") ?? URL(fileURLWithPath: "/")
    }

    /// Every request read so far, including ones whose answer is still being written.
    public var received: [Request] { shared.counts.withLock { $0.requests } }
    /// Connections accepted, whether or not a whole request arrived on them.
    public var connections: Int { server.acceptedConnectionCount }
    /// Connections since closed (their handlers returned, or no request came).
    public var closedConnections: Int { server.closedConnectionCount }
    /// Head and body bytes the handlers managed to hand to the kernel.
    public var bytesSent: Int { shared.counts.withLock { $0.bytesSent } }
    /// Whether ``stop()`` has been called.
    public var isStopped: Bool { shared.counts.withLock { $0.stopped } }

    /// Closes the listening socket and every connection, and joins every thread: a handler still
    /// writing sees its writes fail. Idempotent.
    public func stop() {
        shared.counts.withLock { $0.stopped = true }
        server.stop()
    }
}

extension ScriptedHTTPServer.Request {
    init(_ request: HTTPRequest) {
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.lowercased()] = field.value }
        self.init(method: request.method, target: request.target, headers: headers, body: Data(request.body))
    }
}
