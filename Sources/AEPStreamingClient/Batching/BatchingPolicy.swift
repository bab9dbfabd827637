/// How events are grouped into requests.
///
/// In ``Mode-swift.struct/batch`` mode a request to `/collection/batch/{inletId}`
/// closes when it holds ``maxMessages`` messages, when one more message would
/// take the body (envelopes and `{"messages":[…]}` included) over
/// ``maxRequestBytes``, or when its oldest event has waited ``linger``.
/// ``Mode-swift.struct/single(syncValidation:)`` posts one message per request
/// to `/collection/{inletId}`, for development.
///
/// Raw messages always go one per request to `/collection/{inletId}`
/// (``mode(for:)``): Adobe documents raw data on that endpoint only (the raw
/// examples of help/sources/tutorials/api/create/streaming/http.md), and
/// `/collection/batch` only with XDM envelopes
/// (help/ingestion/tutorials/streaming-multiple-messages.md).
///
/// ```swift
/// var batching = BatchingPolicy()
/// batching.maxMessages = 200
/// batching.linger = .milliseconds(250)
/// batching.mode = .single(syncValidation: true)   // development only: 60 requests/min
/// ```
public struct BatchingPolicy: Sendable, Hashable {
    /// Batch or single-message requests.
    ///
    /// ```swift
    /// configuration.batching.mode = .batch                            // production
    /// configuration.batching.mode = .single(syncValidation: true)     // development
    /// ```
    public struct Mode: Sendable, Hashable, CustomStringConvertible {
        let isBatch: Bool
        let syncValidation: Bool

        /// `POST /collection/batch/{inletId}` with `{"messages":[…]}` (the default).
        public static let batch = Mode(isBatch: true, syncValidation: false)

        /// `POST /collection/{inletId}`, one message per request; with
        /// `syncValidation`, `?syncValidation=true` is added (a 501 answer
        /// turns it off for the rest of the client's life).
        public static func single(syncValidation: Bool = false) -> Mode {
            Mode(isBatch: false, syncValidation: syncValidation)
        }

        public var description: String { isBatch ? "batch" : "single(syncValidation: \(syncValidation))" }
    }

    /// Batch or single-message requests (default ``Mode-swift.struct/batch``).
    public var mode: Mode
    /// Messages per request at most (default 500).
    public var maxMessages: Int
    /// Request body bytes at most, envelopes included (default 1,000,000: under AEP's 1 MB).
    public var maxRequestBytes: Int
    /// How long the oldest waiting event may wait for a batch to fill (default 100 ms).
    public var linger: Duration
    /// Requests in flight at once (default 2). Above 1, delivery order is not preserved.
    public var maxConcurrentRequests: Int

    /// Creates a policy; see the properties for the defaults.
    public init(
        mode: Mode = .batch, maxMessages: Int = 500, maxRequestBytes: Int = 1_000_000, linger: Duration = .milliseconds(100),
        maxConcurrentRequests: Int = 2
    ) {
        self.mode = mode
        self.maxMessages = maxMessages
        self.maxRequestBytes = maxRequestBytes
        self.linger = linger
        self.maxConcurrentRequests = maxConcurrentRequests
    }

    /// The mode the client uses for `format`: this policy's ``mode`` for XDM;
    /// for raw data always single-message (keeping `syncValidation` when
    /// single was asked for), since no Adobe page documents raw batches.
    ///
    /// ```swift
    /// BatchingPolicy().mode(for: .raw)   // single(syncValidation: false)
    /// ```
    public func mode(for format: MessageFormat) -> Mode {
        guard format.isRaw, mode.isBatch else { return mode }
        return .single(syncValidation: false)
    }

    func problem() -> String? {
        if maxMessages < 1 { return "batching.maxMessages must be at least 1" }
        if maxRequestBytes < 256 { return "batching.maxRequestBytes must be at least 256" }
        if linger < .zero { return "batching.linger must not be negative" }
        if maxConcurrentRequests < 1 { return "batching.maxConcurrentRequests must be at least 1" }
        return nil
    }
}
