import Foundation
import ChatlioJSON

/// A durable, batched, retrying client for AEP's streaming inlet.
///
/// `send` stores the event in the ``Outbox`` and returns; a background
/// pipeline batches stored events into requests to
/// `/collection/batch/{inletId}`, classifies every answer (per message inside
/// 200/207 bodies), retries with capped exponential backoff and full jitter,
/// honours `Retry-After`, splits oversized batches, refreshes OAuth tokens,
/// and removes each event from the outbox once it is resolved. An inlet that
/// is down, however long, costs no event its attempts: the client pauses and
/// probes until it is back, and events wait up to ``OutboxLimits/maxAge``.
/// Every event whose `send` returned ends in one ``DeliveryReport``:
/// delivered, dead-lettered (kept with its payload in ``deadLetters``, to be
/// redriven or purged), or dropped by an overflow policy the user chose —
/// also across restarts, since unresolved events stay in the outbox.
///
/// ```swift
/// let outbox = try FileOutbox(directory: URL(fileURLWithPath: "/var/lib/relay/aep-outbox"))
/// let client = try await AEPStreamingClient(
///     configuration: .init(
///         inletURL: URL(string: "https://dcs.adobedc.net/collection/667b41cf…85ec")!,
///         format: .xdm(schemaID: schemaID, datasetID: datasetID, sourceName: "chatlio-relay"),
///         flowID: flowID
///     ),
///     outbox: outbox
/// )
/// Task { for await report in client.deliveryReports { handle(report) } }
///
/// try await client.send(StreamingEvent(id: xdmID, payload: xdmEntityBytes))
/// _ = await client.flush(timeout: .seconds(5))
/// let result = await client.shutdown(timeout: .seconds(10))   // the rest stays in the outbox
/// ```
public final class AEPStreamingClient: Sendable {
    /// The outcome of ``shutdown(deadline:)``.
    ///
    /// ```swift
    /// let result = await client.shutdown(timeout: .seconds(5))
    /// if !result.drained { log("\(result.remaining) events stay in the outbox") }
    /// ```
    public struct ShutdownResult: Sendable, Hashable {
        /// Whether every event was resolved before the deadline.
        public var drained: Bool
        /// Events left in the outbox (delivered after the next start on the same outbox).
        public var remaining: Int
    }

    /// Every event's final fate, in resolution order. Single consumer; when
    /// nobody reads, the oldest reports beyond
    /// ``Configuration/reportBufferSize`` are discarded and counted in
    /// ``Metrics/reportsDiscarded``. Finishes after ``shutdown(deadline:)``.
    public let deliveryReports: AsyncStream<DeliveryReport>

    /// The configuration the client was created with.
    public let configuration: Configuration

    private let pipeline: DeliveryPipeline
    private let recorder: MetricsRecorder
    private let envelope: EnvelopeBuilder
    private let cutter: BatchCutter
    private let outbox: any Outbox

    /// Where the client keeps the events it will not send again by itself:
    /// list and read them here, then ``redrive(_:)`` or ``purgeDeadLetters(_:)``.
    public let deadLetters: any DeadLetterStore

    /// Creates a client over `outbox`, validates the configuration, and
    /// starts delivering whatever the outbox already holds.
    ///
    /// - Parameters:
    ///   - configuration: inlet, format, authentication and policies.
    ///   - outbox: a ``FileOutbox`` (durable) or an ``InMemoryOutbox``; one client per outbox.
    ///   - deadLetters: where dead letters are kept; `nil` keeps them as
    ///     durably as the events were: a ``FileDeadLetterStore`` in
    ///     `dead-letters` beside a ``FileOutbox``'s directory (`STATE/outbox` →
    ///     `STATE/dead-letters`), an ``InMemoryDeadLetterStore`` otherwise.
    ///   - transport: `nil` for a ``URLSessionTransport``.
    /// - Throws: ``AEPStreamingClientError/Code/invalidConfiguration`` or
    ///   ``AEPStreamingClientError/Code/insecureURL`` for bad settings; the
    ///   outbox's or the dead-letter store's error when it cannot be opened or read.
    public init(
        configuration: Configuration, outbox: any Outbox, deadLetters: (any DeadLetterStore)? = nil, transport: (any HTTPTransport)? = nil
    ) async throws(AEPStreamingClientError) {
        let urls = try configuration.validated()
        let store: any DeadLetterStore
        if let deadLetters { store = deadLetters } else { store = try Self.defaultDeadLetterStore(beside: outbox) }
        let transport = transport ?? URLSessionTransport(maxConnections: configuration.batching.maxConcurrentRequests + 1)
        let recorder = MetricsRecorder()
        let envelope = EnvelopeBuilder(format: configuration.format, flowID: configuration.flowID, imsOrgID: configuration.imsOrgID)
        let mode = configuration.batching.mode(for: configuration.format)
        let batchMode = mode.isBatch
        if mode != configuration.batching.mode {
            configuration.log(ChatlioLogRecord(level: .info, message: "raw format: messages go one per request to the single-message endpoint (Adobe documents no raw batches); batching.mode \(configuration.batching.mode) is not used"))
        }
        let cutter = BatchCutter(
            maxMessages: batchMode ? configuration.batching.maxMessages : 1,
            maxRequestBytes: configuration.batching.maxRequestBytes,
            linger: configuration.batching.linger,
            wrapperBytes: batchMode ? EnvelopeBuilder.batchPrefix.count + EnvelopeBuilder.batchSuffix.count : 0
        )
        var headers: [(name: String, value: String)] = [("Content-Type", "application/json")]
        if let flowID = configuration.flowID { headers.append(("x-adobe-flow-id", flowID)) }
        if let org = configuration.imsOrgID { headers.append(("x-gw-ims-org-id", org)) }
        if let sandbox = configuration.sandboxName { headers.append(("x-sandbox-name", sandbox)) }
        var apiKey = configuration.apiKey
        if apiKey == nil, case .oauth(let credentials) = configuration.authentication.kind { apiKey = credentials.clientID }
        if let apiKey { headers.append(("x-api-key", apiKey)) }
        for (name, value) in configuration.additionalHeaders.sorted(by: { $0.key < $1.key }) { headers.append((name, value)) }

        let reports = DeliveryReportChannel(capacity: configuration.reportBufferSize)
        let tokens = TokenProvider(
            authentication: configuration.authentication, transport: transport, now: configuration.now, log: configuration.log, metrics: recorder
        )
        let machine = DeliveryStateMachine(
            settings: DeliveryStateMachine.Settings(
                cutter: cutter, envelope: envelope, limits: configuration.outboxLimits, retry: configuration.retry,
                maxConcurrentRequests: configuration.batching.maxConcurrentRequests
            ),
            randomSeed: configuration.randomSeed
        )
        let pipeline = DeliveryPipeline(
            settings: DeliveryPipeline.Settings(
                singleURL: urls.single, batchURL: urls.batch, batchMode: batchMode, headers: headers,
                requestTimeout: configuration.requestTimeout, log: configuration.log, now: configuration.now
            ),
            machine: machine, outbox: outbox, deadLetters: store, transport: transport, tokens: tokens, envelope: envelope,
            syncValidation: mode.syncValidation, metrics: recorder, reports: reports
        )
        let recovered = try await outbox.storedEntries()
        self.configuration = configuration
        self.deliveryReports = reports.stream
        self.deadLetters = store
        self.pipeline = pipeline
        self.recorder = recorder
        self.envelope = envelope
        self.cutter = cutter
        self.outbox = outbox
        await pipeline.start(recovered: recovered)
        configuration.log(ChatlioLogRecord(
            level: .info,
            message: "AEP streaming client started: \(URLSessionTransport.describe(batchMode ? urls.batch : urls.single)), format \(configuration.format), authentication \(configuration.authentication)"
        ))
    }

    /// Dead letters as durable as the outbox's events.
    private static func defaultDeadLetterStore(beside outbox: any Outbox) throws(AEPStreamingClientError) -> any DeadLetterStore {
        guard let fileOutbox = outbox as? FileOutbox else { return InMemoryDeadLetterStore() }
        return try FileDeadLetterStore(directory: fileOutbox.directory.deletingLastPathComponent().appendingPathComponent("dead-letters"))
    }

    /// Sends dead letters again: each goes back into the outbox under its own
    /// `_id` (Profile drops a copy it already has; the data lake keeps both), with a fresh enqueue time and
    /// no attempts, and leaves ``deadLetters`` once it is durably queued.
    ///
    /// ```swift
    /// let ids = try await client.deadLetters.entries().filter { $0.status == 500 }.map(\.id)
    /// try await client.redrive(ids)
    /// ```
    ///
    /// - Returns: the letters redriven.
    /// - Throws: ``AEPStreamingClientError/Code/deadLetterNotFound`` for an
    ///   unknown id (the ones before it are redriven), or the outbox's or store's error.
    @discardableResult
    public func redrive(_ ids: [String]) async throws(AEPStreamingClientError) -> Int {
        try await pipeline.redrive(ids)
    }

    /// Removes dead letters for good: the one way the client discards an
    /// event, and only when asked.
    ///
    /// ```swift
    /// try await client.purgeDeadLetters(["evt-1"])
    /// ```
    public func purgeDeadLetters(_ ids: [String]) async throws(AEPStreamingClientError) {
        try await pipeline.purgeDeadLetters(ids)
    }

    /// Stores the event in the outbox; returns once it is durably there (not
    /// after delivery). An event whose id is already held is not stored
    /// twice (the call returns once the held one is stored).
    ///
    /// When the outbox is at a bound, the ``OutboxLimits/overflow`` policy
    /// applies: wait for room, fail fast, or drop the oldest held event.
    ///
    /// - Throws: ``AEPStreamingClientError`` with
    ///   ``AEPStreamingClientError/Code/invalidEvent`` (empty id, payload not a
    ///   JSON object), ``AEPStreamingClientError/Code/eventTooLarge`` (cannot
    ///   fit in one request), ``AEPStreamingClientError/Code/outboxFull``,
    ///   ``AEPStreamingClientError/Code/shutDown``, or the outbox's I/O error.
    public func send(_ event: StreamingEvent) async throws(AEPStreamingClientError) {
        let started = MonotonicTime.seconds()
        try check(event)
        guard let (enqueuedAt, seq) = try await pipeline.admit(id: event.id, payloadBytes: event.payload.count) else {
            recorder.sendCompleted(seconds: MonotonicTime.seconds() - started)
            return
        }
        do {
            try await outbox.append(OutboxRecord(id: event.id, payload: event.payload, enqueuedAt: enqueuedAt))
        } catch {
            await pipeline.admissionFailed(id: event.id, seq: seq, error: error)
            configuration.log(ChatlioLogRecord(level: .error, message: "event \(event.id) could not be stored: \(error.reason)"))
            throw error
        }
        await pipeline.admitted(id: event.id, seq: seq)
        recorder.sendCompleted(seconds: MonotonicTime.seconds() - started)
    }

    private func check(_ event: StreamingEvent) throws(AEPStreamingClientError) {
        guard !event.id.isEmpty, event.id.utf8.count <= 1024 else {
            throw AEPStreamingClientError(.invalidEvent, "an event id must be 1…1024 UTF-8 bytes (got \(event.id.utf8.count))")
        }
        guard Self.looksLikeObject(event.payload) else {
            throw AEPStreamingClientError(.invalidEvent, "the payload of event \(event.id) is not a JSON object (it must start with { and end with })")
        }
        if configuration.validatesPayloadJSON {
            do {
                let value = try JSONValue(parsing: event.payload, options: JSONParsingOptions(maxBytes: cutter.maxRequestBytes, maxDepth: 128))
                guard value.objectValue != nil else { throw AEPStreamingClientError(.invalidEvent, "not an object") }
            } catch {
                throw AEPStreamingClientError(.invalidEvent, "the payload of event \(event.id) is not valid JSON: \(error)")
            }
        }
        let messageBytes = envelope.messageBytes(payloadBytes: event.payload.count)
        guard cutter.fitsAlone(messageBytes: messageBytes) else {
            throw AEPStreamingClientError(
                .eventTooLarge,
                "event \(event.id) takes \(messageBytes) bytes in its envelope; a request may carry at most \(cutter.maxRequestBytes) (batching.maxRequestBytes)"
            )
        }
    }

    /// Whether the bytes start with `{` and end with `}` (whitespace aside).
    static func looksLikeObject(_ payload: Data) -> Bool {
        // Over the raw bytes, whitespace by comparison: a `Set` and `Data`'s iterator cost a hash and a
        // call for every byte looked at.
        payload.withUnsafeBytes { bytes in
            func isWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
            guard let first = bytes.firstIndex(where: { !isWhitespace($0) }), let last = bytes.lastIndex(where: { !isWhitespace($0) }) else {
                return false
            }
            return bytes[first] == UInt8(ascii: "{") && bytes[last] == UInt8(ascii: "}")
        }
    }

    /// Sends everything held now without waiting for the linger time and
    /// waits until those events are resolved (delivered, dead-lettered or
    /// dropped). Backoff and `Retry-After` pauses still apply.
    ///
    /// - Returns: `true` when they all were resolved within `timeout`.
    @discardableResult
    public func flush(timeout: Duration) async -> Bool {
        await pipeline.flush(timeout: timeout)
    }

    /// Stops accepting events (``send(_:)`` throws ``AEPStreamingClientError/Code/shutDown``),
    /// keeps delivering until everything is resolved or `deadline` passes,
    /// then cancels requests in flight, closes the outbox and finishes
    /// ``deliveryReports``. Unresolved events stay in the outbox and are
    /// delivered after the next start on it (a request cancelled after AEP
    /// accepted it is sent again: same `_id`, dropped by Profile).
    @discardableResult
    public func shutdown(deadline: ContinuousClock.Instant) async -> ShutdownResult {
        await pipeline.shutdown(deadline: deadline)
    }

    /// ``shutdown(deadline:)`` with a deadline `timeout` from now.
    @discardableResult
    public func shutdown(timeout: Duration) async -> ShutdownResult {
        await pipeline.shutdown(deadline: ContinuousClock().now.advanced(by: timeout))
    }

    /// A snapshot of counters, gauges and latency percentiles.
    ///
    /// An event a ``deliveryReports`` report announces, or a returning
    /// ``flush(timeout:)`` waited for, is already counted here. A drop made by
    /// `send` under ``OverflowPolicy/dropOldest`` is counted a moment after
    /// `send` returns, once the dropped record has left the outbox; its
    /// report comes then too.
    ///
    /// ```swift
    /// await client.flush(timeout: .seconds(5))
    /// let delivered = client.metrics().delivered  // counts every event the flush waited for
    /// ```
    public func metrics() -> Metrics {
        recorder.snapshot()
    }
}
