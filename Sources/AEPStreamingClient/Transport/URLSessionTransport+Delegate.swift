import ChatlioAEPSupport
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

extension URLSessionTransport {
    /// The session's delegate: refuses every redirect and routes each task's
    /// answer, piece by piece, to its ``PendingExchange``.
    ///
    /// On Linux (swift-corelibs-foundation) the data callbacks reach a
    /// session delegate only for tasks made without a completion handler,
    /// which is why the transport makes its tasks that way.
    final class SessionDelegate: NSObject, URLSessionDataDelegate, Sendable {
        private let exchanges = Locked<[Int: PendingExchange]>([:])

        /// Routes `task`'s answer to `exchange` until the task completes.
        func register(_ task: URLSessionTask, _ exchange: PendingExchange) {
            exchanges.withLock { $0[task.taskIdentifier] = exchange }
        }

        private func exchange(for task: URLSessionTask) -> PendingExchange? {
            exchanges.withLock { $0[task.taskIdentifier] }
        }

        func urlSession(
            _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
            newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void
        ) {
            // `nil`: the 3xx itself is the answer. Following it would send the
            // body (or, after a 301/302/303, a GET) and the Authorization
            // header to whatever origin the Location names. Given only while
            // the task is not cancelled (see PendingExchange.answerRedirect).
            exchange(for: task)?.answerRedirect { completionHandler(nil) }
        }

        func urlSession(
            _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
            completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void
        ) {
            exchange(for: dataTask)?.receive(response)
            completionHandler(.allow)
        }

        func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
            exchange(for: dataTask)?.receive(data)
        }

        func urlSession(
            _ session: URLSession, dataTask: URLSessionDataTask, willCacheResponse proposedResponse: CachedURLResponse,
            completionHandler: @escaping @Sendable (CachedURLResponse?) -> Void
        ) {
            completionHandler(nil)
        }

        func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
            let exchange = exchanges.withLock { $0.removeValue(forKey: task.taskIdentifier) }
            // FoundationNetworking never calls didReceive for a 301–308 without
            // a Location (nor delivers its body); the task still has the response.
            exchange?.complete(error: error, response: task.response)
        }

        /// Tasks not yet completed (some may have answered their caller already).
        var count: Int { exchanges.withLock { $0.count } }

        /// Cancels every request still running (the transport is going away).
        func cancelAll() {
            let all = exchanges.withLock { Array($0.values) }
            for exchange in all { exchange.cancel() }
        }
    }
}
