public import AEPStreamingClient
public import AsyncHTTPClient
import Foundation
public import NIOCore
import NIOHTTP1
import NIOPosix

/// ``HTTPTransport`` on AsyncHTTPClient (SwiftNIO): a pool of HTTP/1.1
/// keep-alive connections per host, no busy wait while a request awaits its
/// answer, and the same three rules as ``URLSessionTransport``:
///
/// - **No redirect is followed** (the client is made with redirects
///   disallowed): a 3xx comes back as it is, with its `Location`, so the bearer
///   token never travels to another origin and no other origin's 200 passes for AEP's.
/// - **Answers are read up to ``Configuration/maxResponseBytes``**
///   (``URLSessionTransport/defaultMaxResponseBytes``, 1 MiB, by default); past
///   it the request is cancelled (its connection closed), nothing more is
///   buffered, and the answer comes back flagged ``HTTPTransportResponse/bodyTruncated``.
/// - **The request's timeout is a hard deadline** for the whole exchange, body
///   included, and cancelling the calling task ends it at once.
///
/// Every failure without an answer (refused, reset, timed out, TLS, cancelled)
/// is thrown as ``AEPStreamingClientError/Code/transport``, which the client
/// treats as the inlet being unavailable: paused and probed, no attempt spent.
///
/// The transport owns its `HTTPClient`: call ``shutdown()`` when the client
/// that uses it has shut down.
///
/// ```swift
/// let transport = AsyncHTTPClientTransport(configuration: .init(maxConnectionsPerHost: 4))
/// let client = try await AEPStreamingClient(configuration: configuration, outbox: outbox, transport: transport)
/// // …
/// await client.shutdown(timeout: .seconds(10))
/// try await transport.shutdown()
/// ```
public final class AsyncHTTPClientTransport: HTTPTransport {
    /// How the pool connects and how much of an answer is kept.
    ///
    /// ```swift
    /// var configuration = AsyncHTTPClientTransport.Configuration()
    /// configuration.connectTimeout = .seconds(5)
    /// ```
    public struct Configuration: Sendable {
        /// Connections per host at most (HTTP/1.1: one request each at a time).
        public var maxConnectionsPerHost: Int
        /// How long an idle keep-alive connection stays in the pool.
        public var idleTimeout: Duration
        /// The longest a connection may take to open (TCP and TLS); the
        /// request's own timeout still bounds the whole exchange.
        public var connectTimeout: Duration
        /// The most bytes of one answer's body that are kept (at least 0).
        public var maxResponseBytes: Int
        /// Whether AsyncHTTPClient retries opening a connection until
        /// ``connectTimeout`` (`false` by default): the streaming client has its
        /// own backoff and probing, and a refused connection should reach it at
        /// once, counted, rather than hold the request for the connect timeout.
        public var retriesConnectionEstablishment: Bool

        /// Creates a configuration.
        public init(
            maxConnectionsPerHost: Int = 4, idleTimeout: Duration = .seconds(60), connectTimeout: Duration = .seconds(10),
            maxResponseBytes: Int = URLSessionTransport.defaultMaxResponseBytes, retriesConnectionEstablishment: Bool = false
        ) {
            self.maxConnectionsPerHost = maxConnectionsPerHost
            self.idleTimeout = idleTimeout
            self.connectTimeout = connectTimeout
            self.maxResponseBytes = maxResponseBytes
            self.retriesConnectionEstablishment = retriesConnectionEstablishment
        }
    }

    /// The configuration the transport was made with (values clamped to their ranges).
    public let configuration: Configuration
    private let client: HTTPClient
    private let shutDown = LockedFlag()

    /// Creates a transport with its own `HTTPClient` on `eventLoopGroup`
    /// (NIO's shared singleton group by default).
    public init(configuration: Configuration = Configuration(), eventLoopGroup: any EventLoopGroup = HTTPClient.defaultEventLoopGroup) {
        var configuration = configuration
        configuration.maxConnectionsPerHost = max(1, configuration.maxConnectionsPerHost)
        configuration.maxResponseBytes = max(0, configuration.maxResponseBytes)
        self.configuration = configuration
        var pool = HTTPClient.Configuration.ConnectionPool(
            idleTimeout: .init(configuration.idleTimeout),
            concurrentHTTP1ConnectionsPerHostSoftLimit: configuration.maxConnectionsPerHost
        )
        pool.retryConnectionEstablishment = configuration.retriesConnectionEstablishment
        var settings = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .init(configuration.connectTimeout)),
            connectionPool: pool,
            // What arrives is what is counted against the cap (no gzip bomb unpacked).
            decompression: .disabled
        )
        // AEP's inlet speaks HTTP/1.1; h2 would multiplex every request on one connection.
        settings.httpVersion = .http1Only
        client = HTTPClient(eventLoopGroup: eventLoopGroup, configuration: settings)
    }

    deinit {
        // AsyncHTTPClient traps (debug builds) on a client never shut down: a
        // forgotten shutdown() costs a log line's worth of work, not a crash.
        if shutDown.set() { client.shutdown { _ in } }
    }

    /// Closes the pool's connections and ends requests still running; the
    /// transport refuses requests afterwards. Safe to call more than once.
    public func shutdown() async throws {
        guard shutDown.set() else { return }
        try await client.shutdown()
    }

    public func send(_ request: HTTPTransportRequest) async throws(AEPStreamingClientError) -> HTTPTransportResponse {
        let description = "\(request.method) \(Self.describe(request.url))"
        var outgoing = HTTPClientRequest(url: request.url.absoluteString)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for header in request.headers { outgoing.headers.add(name: header.name, value: header.value) }
        outgoing.body = .bytes(ByteBuffer(bytes: request.body))
        let prepared = outgoing
        let timeout = request.timeout
        do {
            return try await withThrowingTaskGroup(of: HTTPTransportResponse?.self) { group in
                group.addTask { try await self.exchange(prepared, deadline: .now() + .init(timeout)) }
                // AsyncHTTPClient's deadline ends the wait for the head; this one also ends a body trickled forever.
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let response = first else {
                    throw AEPStreamingClientError(.transport, "\(description) timed out after \(timeout)")
                }
                return response
            }
        } catch let error as AEPStreamingClientError {
            throw error
        } catch is CancellationError {
            throw AEPStreamingClientError(.transport, "\(description) cancelled")
        } catch {
            throw AEPStreamingClientError(.transport, "\(description) failed: \(Self.describe(error))")
        }
    }

    /// Sends the request and reads the answer up to the cap.
    private func exchange(_ request: HTTPClientRequest, deadline: NIODeadline) async throws -> HTTPTransportResponse {
        let response = try await client.execute(request, deadline: deadline)
        var headers: [String: String] = [:]
        for (name, value) in response.headers {
            let name = name.lowercased()
            headers[name] = headers[name].map { "\($0), \(value)" } ?? value
        }
        let cap = configuration.maxResponseBytes
        var body = Data()
        var truncated = false
        // Leaving the loop early drops the body stream, which cancels the
        // request and closes its connection: nothing past the cap is read.
        for try await chunk in response.body {
            let room = cap - body.count
            if chunk.readableBytes <= room {
                body.append(contentsOf: chunk.readableBytesView)
            } else {
                body.append(contentsOf: chunk.readableBytesView.prefix(room))
                truncated = true
                break
            }
        }
        return HTTPTransportResponse(status: Int(response.status.code), headers: headers, body: body, bodyTruncated: truncated)
    }

    /// The URL without query or credentials, for error reasons.
    static func describe(_ url: URL) -> String {
        guard var components = URLComponents(url: url, resolvingAgainstBaseURL: false) else { return "<url>" }
        components.query = nil
        components.user = nil
        components.password = nil
        return components.string ?? "<url>"
    }

    /// An error in words: NIO's and AsyncHTTPClient's descriptions name the
    /// failure (and at most a host and port), never a header.
    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError { return "\(error)" }
        return "\(type(of: error)): \(error)"
    }
}

extension TimeAmount {
    /// The same span in NIO's nanoseconds (saturating).
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        self = .nanoseconds(overflow ? .max : scaled.addingReportingOverflow(attoseconds / 1_000_000_000).partialValue)
    }
}

/// A flag set once, whoever comes first.
final class LockedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var isSet = false

    /// Sets the flag; whether this call did.
    func set() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if isSet { return false }
        isSet = true
        return true
    }
}
