import Foundation

/// What one answer from the inlet means for the messages of the request, per
/// aep-streaming.md §3: a pure function of the status, the `Retry-After` and
/// `Location` headers and the body.
enum BatchOutcome: Sendable, Hashable {
    /// One verdict per message, in request order (200 and 207 answers).
    case perMessage([MessageVerdict], retryAfter: Date?)
    /// The inlet did not take the request: no verdict on any message.
    case requestFailed(RequestFailure)
    /// The one message of the request is refused for good (400, 413).
    case rejectAll(status: Int, message: String)
    /// Too large (413), or a whole-request 400 on several messages: send the
    /// halves separately to isolate the message at fault.
    case split(status: Int, message: String)
    /// 401 or 403: refresh the token once and resend.
    case refreshAuthentication(status: Int, message: String)
    /// 501 to a `syncValidation=true` request: resend without it.
    case disableSyncValidation(message: String)
}

/// A request the inlet did not take, and why.
struct RequestFailure: Sendable, Hashable {
    enum Cause: Sendable, Hashable {
        /// No answer, 408, 429, 503, 504: the inlet is down or busy.
        case unavailable
        /// Another 5xx. Usually the inlet's trouble, but AEP documents 500 as
        /// "Error in processing payload" (a payload that "did not match the XDM
        /// definition"; help/ingestion/tutorials/streaming-multiple-messages.md),
        /// so a batch that keeps failing while other requests succeed is halved
        /// to find the culprit.
        case serverError
        /// A 3xx (never followed), a credential refused after a refresh, or a
        /// whole-request 4xx other than 400 and 413 (404: no such inlet; 415):
        /// the configuration is wrong, not the events.
        case configuration
    }

    var cause: Cause
    /// The HTTP status; `nil` when no answer came.
    var status: Int?
    var message: String
    var retryAfter: Date?
}

/// The fate of one message inside a 200 or 207 answer.
enum MessageVerdict: Sendable, Hashable {
    case delivered(xactionID: String?)
    case retry(status: Int?, message: String)
    case reject(status: Int, message: String)
}
