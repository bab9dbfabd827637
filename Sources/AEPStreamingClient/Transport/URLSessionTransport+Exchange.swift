import ChatlioAEPSupport
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

extension URLSessionTransport {
    /// One request in flight: collects the answer up to the body cap and
    /// resumes the caller exactly once, whoever comes first: the end of the
    /// answer, the cap, the deadline or a cancellation. Whatever comes first
    /// also cancels the data task, so nothing more is read or buffered.
    final class PendingExchange: Sendable {
        private struct State {
            var continuation: CheckedContinuation<HTTPTransportResponse, any Error>?
            var task: URLSessionTask?
            var timer: Task<Void, Never>?
            var finished = false
            var cancelled = false
            /// `task.cancel()` has run (see ``answerRedirect(_:)``).
            var taskCancelled = false
            var response: HTTPURLResponse?
            var body = Data()
        }

        /// `METHOD url` for error reasons.
        let description: String
        let maxBodyBytes: Int
        private let state = Locked(State())

        init(description: String, maxBodyBytes: Int) {
            self.description = description
            self.maxBodyBytes = maxBodyBytes
        }

        /// Takes the caller's continuation and the task, and starts the deadline.
        /// Returns `false` (having resumed the caller) when the calling task
        /// was cancelled before: the data task must then not start.
        func start(_ continuation: CheckedContinuation<HTTPTransportResponse, any Error>, task: URLSessionTask, timeout: Duration) -> Bool {
            let alreadyCancelled = state.withLock { state -> Bool in
                if state.cancelled { return true }
                state.continuation = continuation
                state.task = task
                return false
            }
            if alreadyCancelled {
                continuation.resume(throwing: AEPStreamingClientError(.transport, "\(description) cancelled"))
                // A task never resumed stays in its session's registry (and keeps the session
                // alive) until it is cancelled: found by LeakSanitizer.
                Self.cancellations.async { self.cancelTask(task) }
                return false
            }
            let timer = Task { [weak self] in
                try? await Task.sleep(for: timeout)
                guard !Task.isCancelled, let self else { return }
                self.finish(.failure(AEPStreamingClientError(.transport, "\(self.description) timed out after \(timeout)\(self.progress)")), cancelTask: true)
            }
            let finishedMeanwhile = state.withLock { state -> Bool in
                if state.finished { return true }
                state.timer = timer
                return false
            }
            if finishedMeanwhile { timer.cancel() }
            return true
        }

        /// The calling task was cancelled.
        func cancel() {
            let started = state.withLock { state -> Bool in
                state.cancelled = true
                return state.continuation != nil
            }
            if started {
                finish(.failure(AEPStreamingClientError(.transport, "\(description) cancelled")), cancelTask: true)
            }
        }

        /// Gives FoundationNetworking the answer to "follow this redirect?"
        /// (always no), unless the exchange already ended. Answering a task that
        /// was cancelled meanwhile traps inside FoundationNetworking ("Received
        /// callback for HTTP redirection, but we're not waiting for it";
        /// HTTPURLProtocol.didCompleteRedirectCallback): the answer is queued on
        /// the task's work queue, and a cancel that got there first has moved the
        /// task out of the state that expects it. Under the lock ``finish(_:cancelTask:)``
        /// takes around `task.cancel()`, the answer is either queued before the
        /// cancel or not given at all, because the cancel already ended the task
        /// (a task left waiting for an answer would hold its connection slot).
        func answerRedirect(_ answer: () -> Void) {
            state.withLock { state in
                guard !state.taskCancelled else { return }
                answer()
            }
        }

        /// Cancels the data task, under the lock ``answerRedirect(_:)`` takes.
        private func cancelTask(_ task: URLSessionTask) {
            state.withLock { state in
                state.taskCancelled = true
                task.cancel()
            }
        }

        func receive(_ response: URLResponse) {
            state.withLock { state in
                guard !state.finished else { return }
                state.response = response as? HTTPURLResponse
            }
        }

        /// Keeps the bytes up to the cap; past it, answers with what it has and cancels the task.
        func receive(_ data: Data) {
            let over = state.withLock { state -> Bool in
                guard !state.finished else { return false }
                let room = maxBodyBytes - state.body.count
                if data.count <= room {
                    state.body.append(data)
                    return false
                }
                if room > 0 { state.body.append(data.prefix(room)) }
                return true
            }
            guard over else { return }
            finish(answer(truncated: true), cancelTask: true)
        }

        /// What had arrived when a deadline struck, for the error reason.
        private var progress: String {
            state.withLock { $0.response?.statusCode }.map { " (HTTP \($0) received, its body unfinished)" } ?? ""
        }

        /// The task ended: with the whole answer, or with an error. `response`
        /// is the task's own, for when no response callback came.
        func complete(error: (any Error)?, response: URLResponse?) {
            if let response = response as? HTTPURLResponse {
                state.withLock { state in
                    if state.response == nil { state.response = response }
                }
            }
            if let error = error as? URLError, error.code == .timedOut {
                // URLSession's own (idle) timeout, a second after ours: ours may be late on a busy machine.
                finish(.failure(AEPStreamingClientError(.transport, "\(description) timed out (URLError \(error.code.rawValue))\(progress)")), cancelTask: false)
            } else if let error {
                finish(.failure(AEPStreamingClientError(.transport, "\(description) failed: \(URLSessionTransport.describe(error))")), cancelTask: false)
            } else {
                finish(answer(truncated: false), cancelTask: false)
            }
        }

        private func answer(truncated: Bool) -> Result<HTTPTransportResponse, AEPStreamingClientError> {
            let (response, body) = state.withLock { ($0.response, $0.body) }
            guard let response else {
                return .failure(AEPStreamingClientError(.transport, "\(description): not an HTTP response"))
            }
            var headers: [String: String] = [:]
            for (key, value) in response.allHeaderFields {
                if let key = key as? String, let value = value as? String { headers[key.lowercased()] = value }
            }
            return .success(HTTPTransportResponse(status: response.statusCode, headers: headers, body: body, bodyTruncated: truncated))
        }

        private func finish(_ result: Result<HTTPTransportResponse, AEPStreamingClientError>, cancelTask: Bool) {
            let taken = state.withLock { state -> (CheckedContinuation<HTTPTransportResponse, any Error>?, URLSessionTask?, Task<Void, Never>?)? in
                guard !state.finished else { return nil }
                state.finished = true
                defer {
                    // Dropped at once: the body (up to the cap) and the task must not outlive the answer.
                    state.continuation = nil
                    state.task = nil
                    state.timer = nil
                    state.body = Data()
                }
                return (state.continuation, state.task, state.timer)
            }
            guard let (continuation, task, timer) = taken else { return }
            // The caller first: on Linux (FoundationNetworking of Swift 6.3)
            // URLSessionTask.cancel() waits (workQueue.sync) for the queue every
            // URLSession in the process shares, which a transfer can hold for
            // seconds; so the cancel also runs on a queue of its own, never on
            // the caller's thread or a concurrency pool thread.
            continuation?.resume(with: result.mapError { $0 as any Error })
            timer?.cancel()
            if cancelTask, let task {
                Self.cancellations.async { self.cancelTask(task) }
            }
        }

        /// Where data tasks are cancelled (see ``finish(_:cancelTask:)``).
        private static let cancellations = DispatchQueue(label: "URLSessionTransport.cancellations")
    }
}
