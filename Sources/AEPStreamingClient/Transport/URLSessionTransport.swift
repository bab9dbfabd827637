import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// ``HTTPTransport`` over `URLSession` (FoundationNetworking on Linux), with
/// an ephemeral session: no cookies, no cache, no credentials on disk.
///
/// Three rules hold whatever the other side sends:
/// - **No redirect is followed.** A 3xx comes back as it is, with its
///   `Location` header: a redirect would turn a batch into a `GET` or an
///   empty `POST` to another origin, carry the bearer token there, and let
///   that origin's 200 pass for AEP's.
/// - **Answers are read up to ``maxResponseBytes``** (1 MiB by default); past
///   it the request is cancelled, nothing more is buffered, and the answer
///   comes back with ``HTTPTransportResponse/bodyTruncated`` set.
/// - **The request's timeout is a hard deadline** for the whole exchange, and
///   cancelling the calling task ends it at once, however slowly the other
///   side trickles its answer.
///
/// ```swift
/// let transport = URLSessionTransport(maxConnections: 4, maxResponseBytes: 256 * 1024)
/// let client = try await AEPStreamingClient(configuration: configuration, outbox: outbox, transport: transport)
/// ```
public final class URLSessionTransport: HTTPTransport {
    private let session: URLSession
    private let delegate: SessionDelegate
    private let keepAlive: Bool

    /// The most bytes of one answer's body that are kept: AEP's and IMS's
    /// answers are a few KiB, so 1 MiB is plenty.
    public static let defaultMaxResponseBytes = 1 << 20

    /// The most bytes of one answer's body this transport keeps.
    public let maxResponseBytes: Int

    /// Whether connections are reused by default: on Linux, FoundationNetworking
    /// does not notice a reused connection closed without an answer, and the
    /// request then waits for its whole deadline (measured: 30 s stalls in the
    /// soak under dropped connections, none with `Connection: close`). AEP's
    /// batches are large, so a fresh connection per request costs little.
    #if canImport(FoundationNetworking)
    public static let reusesConnectionsByDefault = false
    #else
    public static let reusesConnectionsByDefault = true
    #endif

    /// Creates a transport with its own session.
    ///
    /// - Parameters:
    ///   - maxConnections: connections per host at most.
    ///   - keepAlive: reuse connections; when `false` every request carries
    ///     `Connection: close`. Defaults to ``reusesConnectionsByDefault``.
    ///   - maxResponseBytes: the most bytes of an answer's body kept (at
    ///     least 0); a longer body is cut there and flagged
    ///     ``HTTPTransportResponse/bodyTruncated``.
    public init(
        maxConnections: Int = 4, keepAlive: Bool = URLSessionTransport.reusesConnectionsByDefault,
        maxResponseBytes: Int = URLSessionTransport.defaultMaxResponseBytes
    ) {
        self.keepAlive = keepAlive
        self.maxResponseBytes = max(0, maxResponseBytes)
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = max(1, maxConnections)
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.urlCache = nil
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        configuration.urlCredentialStorage = nil
        delegate = SessionDelegate()
        // Before the session: its libcurl multi handle is set up as it is made.
        _ = SocketSourceFix.install
        session = URLSession(configuration: configuration, delegate: delegate, delegateQueue: nil)
    }

    deinit {
        // Not invalidateAndCancel(): on Linux it waits (workQueue.sync) for a
        // queue every URLSession in the process shares, which a busy transfer
        // elsewhere can hold for long. Every task left has been cancelled or is
        // ending; invalidating also releases the delegate.
        delegate.cancelAll()
        session.finishTasksAndInvalidate()
    }

    /// Data tasks that have not completed yet, including those whose caller
    /// was already answered (cap, deadline, cancellation) while the task winds
    /// down: tests check it returns to 0, so no request is left behind.
    var tasksRunning: Int { delegate.count }

    public func send(_ request: HTTPTransportRequest) async throws(AEPStreamingClientError) -> HTTPTransportResponse {
        var urlRequest = URLRequest(url: request.url)
        urlRequest.httpMethod = request.method
        // URLSession's own timeout is an idle timeout (whole seconds on Linux);
        // the precise deadline is ours, in PendingExchange.
        urlRequest.timeoutInterval = max(1, request.timeout.seconds.rounded(.up)) + 1
        for header in request.headers {
            urlRequest.addValue(header.value, forHTTPHeaderField: header.name)
        }
        if !keepAlive { urlRequest.setValue("close", forHTTPHeaderField: "Connection") }
        urlRequest.httpBody = request.body
        let exchange = PendingExchange(description: "\(request.method) \(Self.describe(request.url))", maxBodyBytes: maxResponseBytes)
        let session = session
        let delegate = delegate
        do {
            return try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<HTTPTransportResponse, any Error>) in
                    // A task without a completion handler: its answer goes
                    // through the delegate, which counts it against the cap
                    // (a completion handler would get the whole body, buffered).
                    let task = session.dataTask(with: urlRequest)
                    guard exchange.start(continuation, task: task, timeout: request.timeout) else { return }
                    delegate.register(task, exchange)
                    task.resume()
                }
            } onCancel: {
                exchange.cancel()
            }
        } catch let error as AEPStreamingClientError {
            throw error
        } catch {
            throw AEPStreamingClientError(.transport, "\(exchange.description) failed: \(Self.describe(error))")
        }
    }

    /// The URL without query or credentials (queries can carry flow ids, never secrets, but stay short).
    static func describe(_ url: URL) -> String {
        guard var components = URLComponents(url: url, resolvingAgainstBaseURL: false) else { return "<url>" }
        components.query = nil
        components.user = nil
        components.password = nil
        return components.string ?? "<url>"
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? URLError {
            return "URLError \(error.code.rawValue) (\(error.localizedDescription))"
        }
        return "\(type(of: error)): \(error.localizedDescription)"
    }
}
