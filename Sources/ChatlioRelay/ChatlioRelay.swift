@_spi(ChatlioAEPInternal) import ChatlioJSON
import ChatlioAEPSupport
import ChatlioWebhooks
public import ChatlioXDMMapper
public import Foundation
import XDMSchemaRegistry

/// The webhook intake: from a Chatlio POST to a durably stored AEP event, and
/// the HTTP answer to give Chatlio. Framework-agnostic: any Swift HTTP server
/// hands over the route, body, headers and query.
///
/// The steps, each with its own answer:
/// 1. unknown route → 404;
/// 2. body above ``Configuration/maxBodyBytes`` → 413;
/// 3. missing or wrong URL token (when configured; constant-time) → 401;
/// 4. decode, map, validate → on failure 400 with a JSON error naming the
///    problem, and the raw body goes to the quarantine with the reason (a
///    full quarantine keeps nothing: `"quarantined": false`, counted in
///    ``RelayMetrics/quarantineDropped``);
/// 5. an event id whose earlier copy the sink has stored, within the
///    deduplication window → 200, nothing sent again; an earlier copy still
///    being stored → wait for its outcome (up to
///    ``Configuration/concurrentCopyWait``, then 503 with `Retry-After`);
/// 6. durable send to the sink → 202 (after the id is in the ``DeduplicationJournal``,
///    when there is one); a full outbox or a failing sink → 503 with
///    `Retry-After`, a generic reason and a correlation id (the detail goes
///    to the log hook only, never to Chatlio).
///
/// ```swift
/// let relay = try ChatlioRelay(
///     configuration: .init(sharedSecret: urlToken),
///     mapper: XDMMapper(configuration: .init(tenantID: "acme")),
///     sink: client,                                  // AEPStreamingClient
///     quarantine: FileQuarantineStore(directory: state.appendingPathComponent("quarantine")),
///     journal: FileDeduplicationJournal(directory: state.appendingPathComponent("dedup-journal")))
/// let response = await relay.handle(WebhookRequest(route: kind, body: body, query: query))
/// ```
public final class ChatlioRelay: Sendable {
    /// The configuration the relay was created with.
    public let configuration: Configuration
    private let mapper: XDMMapper?
    private let validator: XDMValidator?
    private let sink: any RelayEventSink
    private let quarantine: any QuarantineStore
    private let journal: (any DeduplicationJournal)?
    private let log: (@Sendable (ChatlioLogRecord) -> Void)?
    private let now: @Sendable () -> Date
    let state: Locked<State>

    struct State {
        var window: DeduplicationWindow
        var metrics = RelayMetrics()
        /// Copies waiting for an earlier copy's outcome, by event id.
        var waiters: [String: [FirstCopyWaiter]] = [:]
        var nextWaiterToken: UInt64 = 0
    }

    /// Creates a relay.
    ///
    /// - Parameters:
    ///   - configuration: mode, limits, URL token and deduplication window.
    ///   - mapper: required in XDM mode; in raw mode it may be `nil`.
    ///   - sink: where accepted events are stored durably.
    ///   - quarantine: where refused bodies are kept.
    ///   - journal: where the ids of stored events are recorded, so
    ///     deduplication survives a restart; the relay starts with the newest
    ///     ids that fit its window. `nil` (the default): deduplication holds
    ///     within this process only.
    ///   - log: receives one event per decision; never bodies or secrets.
    ///   - now: the clock for receive times (injectable for tests).
    /// - Throws: ``ChatlioRelayError`` when XDM mode has no mapper, the
    ///   mapper's schema cannot be compiled, or the journal cannot be read;
    ///   ``ChatlioRelayError/Code/formatMismatch`` when the mode does not
    ///   match the sink's ``RelayEventSink/payloadFormat`` (a raw relay before
    ///   an XDM client, or the reverse).
    public init(
        configuration: Configuration = Configuration(),
        mapper: XDMMapper?,
        sink: any RelayEventSink,
        quarantine: any QuarantineStore,
        journal: (any DeduplicationJournal)? = nil,
        log: (@Sendable (ChatlioLogRecord) -> Void)? = nil,
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws(ChatlioRelayError) {
        let sends = RelayPayloadFormat(configuration.mode)
        if sink.payloadFormat != .unknown, sink.payloadFormat != sends {
            throw ChatlioRelayError(
                .formatMismatch,
                "the relay is in \(configuration.mode) mode and hands its sink \(sends), but the sink sends \(sink.payloadFormat)"
                    + (configuration.mode == .raw
                        ? " (Chatlio's JSON would go out as the xdmEntity): use a raw-format client or XDM mode"
                        : " (XDM entities would reach a Data Prep dataflow as source data): use an XDM-format client or raw mode"))
        }
        if configuration.mode == .xdm {
            guard let mapper else { throw ChatlioRelayError(.invalidConfiguration, "XDM mode needs a mapper") }
            do {
                validator = try mapper.validator()
            } catch {
                throw ChatlioRelayError(.invalidConfiguration, "the mapper's schema does not compile: \(error)")
            }
        } else {
            validator = nil
        }
        if let secret = configuration.sharedSecret, secret.utf8.count < 16 {
            throw ChatlioRelayError(.invalidConfiguration, "the shared secret must be at least 16 bytes (it is guessable otherwise)")
        }
        if configuration.concurrentCopyWait < .zero {
            throw ChatlioRelayError(.invalidConfiguration, "concurrentCopyWait must not be negative (it is \(configuration.concurrentCopyWait))")
        }
        var window = DeduplicationWindow(capacity: configuration.deduplicationWindow)
        if let journal {
            do {
                for id in try journal.recordedIDs().suffix(window.capacity) { window.remember(id) }
            } catch {
                throw ChatlioRelayError(.unreadableJournal, "the deduplication journal cannot be read: \(error)")
            }
        }
        self.configuration = configuration
        self.mapper = mapper
        self.sink = sink
        self.quarantine = quarantine
        self.journal = journal
        self.log = log
        self.now = now
        state = Locked(State(window: window))
    }

    /// Counters since the relay was created.
    public func metrics() -> RelayMetrics {
        state.withLock { $0.metrics }
    }

    /// Handles one webhook POST and returns the response for Chatlio.
    public func handle(_ request: WebhookRequest) async -> WebhookResponse {
        let receivedAt = now()
        count { $0.received += 1 }
        guard let kind = WebhookKind(rawValue: request.route) else {
            count { $0.unknownRoute += 1 }
            // Not the route itself: a URL token put where the kind goes would land in the log.
            note(.warning, "refused a webhook for an unknown route (\(request.route.utf8.count) bytes): answered 404 with the five routes")
            return .json(404, ["status": "unknown route", "routes": .array(WebhookKind.allCases.map { .string($0.rawValue) })])
        }
        guard request.body.count <= configuration.maxBodyBytes else {
            return refuseTooLarge(kind.rawValue, byteCount: "\(request.body.count)-byte")
        }
        if let secret = configuration.sharedSecret {
            let presented = request.pathToken ?? request.query[configuration.tokenParameter] ?? ""
            guard constantTimeEquals(presented, secret) else {
                count { $0.unauthorized += 1 }
                note(.warning, "refused a \(kind) webhook without the right URL token")
                return .json(401, ["status": "unauthorized"])
            }
        }

        let event: RelayEvent
        switch prepare(request.body, kind: kind, receivedAt: receivedAt) {
        case .success(let prepared):
            event = prepared
        case .failure(let rejection):
            return await reject(request, kind: kind, rejection, receivedAt: receivedAt)
        }

        // One key a webhook: its hash is worked out for the reservation and again for the commit.
        let key = DeduplicationWindow.Key(event.id)
        let admission: Admission
        if let immediate = admitNow(key) { admission = immediate } else { admission = await admit(key) }
        switch admission {
        case .reserved:
            break
        case .duplicate:
            count { $0.duplicates += 1 }
            return .duplicate(id: event.id)
        case .timedOut:
            count { $0.concurrentCopyTimeouts += 1 }
            let correlation = Self.correlationID()
            note(.warning, "answered 503 to a copy of \(kind) event \(event.id) (correlation \(correlation)): an earlier copy was still being stored after \(configuration.concurrentCopyWait)")
            return .unavailable("an earlier copy of this event is still being stored", retryAfterSeconds: Self.seconds(configuration.concurrentCopyWait), correlation: correlation)
        }
        do {
            try await sink.accept(event)
        } catch {
            finishFirstCopy(key, stored: false)
            count { if error.code == .full { $0.sinkFull += 1 } else { $0.sinkUnavailable += 1 } }
            // The sink's text may name outbox paths and system errors: the log hook gets it, Chatlio does not.
            let correlation = Self.correlationID()
            note(.warning, "could not store \(kind) event \(event.id) (correlation \(correlation)): \(error)")
            let reason = error.code == .full ? "the outbox is full" : "the event could not be stored"
            return .unavailable(reason, retryAfterSeconds: error.retryAfterSeconds, correlation: correlation)
        }
        // Without a journal the count joins the window's commit under one lock.
        finishFirstCopy(key, stored: true, countingAccepted: journal == nil)
        if let journal {
            do {
                try await journal.record(event.id)
            } catch {
                // The event is stored, so it is accepted; only a resend after a restart could go out twice.
                count { $0.journalFailures += 1 }
                note(.error, "could not record stored \(kind) event \(event.id) in the deduplication journal: \(error)")
            }
            count { $0.accepted += 1 }
        }
        return .accepted(id: event.id, kind: kind)
    }

    /// The answer to a body a server stopped reading at
    /// ``Configuration/maxBodyBytes``: the 413 ``handle(_:)`` gives a body
    /// above the cap, counted and logged the same way, so a framework's own
    /// limit never answers in a shape of its own.
    ///
    /// ```swift
    /// guard let body = try? await request.body.collect(upTo: relay.configuration.maxBodyBytes + 1) else {
    ///     return relay.refuseOversizedBody(route: kind)
    /// }
    /// ```
    public func refuseOversizedBody(route: String) -> WebhookResponse {
        count { $0.received += 1 }
        return refuseTooLarge(route, byteCount: "larger")
    }

    private func refuseTooLarge(_ route: String, byteCount: String) -> WebhookResponse {
        count { $0.tooLarge += 1 }
        note(.warning, "refused a \(byteCount) \(route) body above the \(configuration.maxBodyBytes)-byte cap")
        return .json(413, ["status": "too large", "maxBytes": .number(JSONNumber(configuration.maxBodyBytes))])
    }

    /// A short random id tying a 503 to its log event.
    private static func correlationID() -> String {
        let hex = String(UInt64.random(in: 0 ... .max), radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Whole seconds, at least 1, for `Retry-After`.
    private static func seconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return max(1, Int(clamping: seconds) + (attoseconds > 0 ? 1 : 0))
    }

    /// Why a body was refused.
    struct Rejection: Error {
        var code: String
        var pointer: String?
        var reason: String
    }

    /// Decode, then map and validate (XDM mode), or add the kind, `_id`, event
    /// time and visitor UUID to Chatlio's bytes for the one Data Prep mapping
    /// set of a dataflow that takes all five kinds (raw mode).
    private func prepare(_ body: Data, kind: WebhookKind, receivedAt: Date) -> Result<RelayEvent, Rejection> {
        let webhook: ChatlioWebhook
        do {
            webhook = try ChatlioWebhook.decode(body, kind: kind, options: .init(maxBytes: configuration.maxBodyBytes, maxDepth: configuration.maxDepth))
        } catch {
            return .failure(Rejection(code: error.code.description, pointer: error.pointer, reason: error.reason))
        }
        guard configuration.mode == .xdm, let mapper, let validator else {
            let added = mapper?.rawEnrichment(of: webhook, receivedAt: receivedAt) ?? XDMMapper.rawEnrichment(of: webhook, receivedAt: receivedAt)
            do {
                let enriched = try XDMMapper.enrichedRawBody(body, of: webhook, adding: added)
                // The enrichment carries the `_id` it computed: hashing the payload again would double the cost.
                let id = added["id"]?.stringValue ?? webhook.eventID
                return .success(RelayEvent(id: id, kind: kind, body: enriched))
            } catch {
                return .failure(Rejection(code: error.code.description, pointer: "/\(XDMMapper.rawEnrichmentKey)", reason: error.reason))
            }
        }
        let event: XDMExperienceEvent
        do {
            event = try mapper.map(webhook, receivedAt: receivedAt)
        } catch {
            return .failure(Rejection(code: error.code.description, pointer: error.pointer, reason: error.reason))
        }
        // The mapper checks every value it writes against the schema's rules;
        // the full walk runs only when asked for or when those rules do not
        // cover the schema.
        if configuration.fullValidation || !mapper.guaranteesValidEvents {
            let report = validator.validate(event.value)
            if let violation = report.violations.first {
                return .failure(Rejection(code: "invalid event", pointer: violation.pointer, reason: "the mapped event fails the XDM schema: \(violation.message)"))
            }
        }
        return .success(RelayEvent(id: event.id, kind: kind, body: event.jsonBytes))
    }

    private func reject(_ request: WebhookRequest, kind: WebhookKind, _ rejection: Rejection, receivedAt: Date) async -> WebhookResponse {
        count { $0.rejected[rejection.code, default: 0] += 1 }
        let item = QuarantinedWebhook(receivedAt: receivedAt, route: request.route, code: rejection.code, pointer: rejection.pointer, reason: rejection.reason, body: request.body)
        let quarantined: Bool
        do {
            try await quarantine.quarantine(item)
            quarantined = true
            count { $0.quarantined += 1 }
            note(.info, "quarantined a \(kind) body: \(rejection.code) at \(rejection.pointer ?? "-")")
        } catch let error as QuarantineError where error.code == .full {
            // A 500 would make Chatlio resend the same unusable body forever,
            // so a full quarantine is an explicit, counted drop with the usual 400.
            quarantined = false
            count { $0.quarantineDropped += 1 }
            note(.warning, "dropped a refused \(kind) body (\(rejection.code)) without keeping it: \(error)")
        } catch {
            count { $0.quarantineFailures += 1 }
            note(.error, "could not quarantine a refused \(kind) body (\(rejection.code)): \(error)")
            return .json(500, ["status": "error", "reason": "the body was refused and could not be quarantined"])
        }
        var error: JSONObject = ["code": .string(rejection.code), "reason": .string(rejection.reason), "kind": .string(kind.rawValue)]
        if let pointer = rejection.pointer { error["pointer"] = .string(pointer) }
        return .json(400, ["status": "rejected", "error": .object(error), "quarantined": .bool(quarantined)])
    }

    private func count(_ update: (inout RelayMetrics) -> Void) {
        state.withLock { update(&$0.metrics) }
    }

    private func note(_ level: ChatlioLogRecord.Level, _ message: String) {
        log?(ChatlioLogRecord(level: level, message: message))
    }
}

extension WebhookResponse {
    /// One dictionary for every answer, not a new one per request.
    static let jsonHeaders = ["content-type": "application/json"]

    static func json(_ status: Int, _ body: JSONObject) -> WebhookResponse {
        WebhookResponse(status: status, headers: jsonHeaders, body: Data(JSONValue.object(body).serialized(sortedKeys: true)))
    }

    /// The 202 every stored event gets, `{"id":…,"kind":…,"status":"accepted"}`: the bytes
    /// `json(202, …)` writes (members sorted), put together from fixed text and the id.
    static func accepted(id: String, kind: WebhookKind) -> WebhookResponse {
        WebhookResponse(status: 202, headers: jsonHeaders, body: fixedAnswer(#"{"id":"#, id, #","kind":"#, kind.rawValue, #","status":"accepted"}"#))
    }

    /// The 200 of a copy whose event is stored, `{"id":…,"status":"duplicate"}`, likewise.
    static func duplicate(id: String) -> WebhookResponse {
        WebhookResponse(status: 200, headers: jsonHeaders, body: fixedAnswer(#"{"id":"#, id, #","status":"duplicate"}"#))
    }

    /// `head`, `first` as a JSON string, `middle`, `second` as a JSON string
    /// (when given), `tail`, escaped as `JSONWriter` escapes: written into a
    /// stack buffer sized for the worst escaping and copied into the `Data` once.
    private static func fixedAnswer(_ head: StaticString, _ first: String, _ middle: StaticString, _ second: String? = nil, _ tail: StaticString = "") -> Data {
        // Six bytes at most for one byte of text (`\u00XX`), two for the quotes.
        let capacity = head.utf8CodeUnitCount + middle.utf8CodeUnitCount + tail.utf8CodeUnitCount
            + 6 * (first.utf8.count + (second?.utf8.count ?? 0)) + 4
        return withUnsafeTemporaryAllocation(byteCount: capacity, alignment: 8) { buffer in
            var answer = StackAnswer(buffer: buffer)
            answer.append(head)
            JSONStringEscaping.write(first, to: &answer)
            answer.append(middle)
            if let second { JSONStringEscaping.write(second, to: &answer) }
            answer.append(tail)
            return answer.data
        }
    }

    /// A buffer the caller sized for everything written into it.
    private struct StackAnswer: JSONByteSink {
        let buffer: UnsafeMutableRawBufferPointer
        var count = 0

        mutating func append(_ byte: UInt8) {
            buffer[count] = byte
            count += 1
        }

        mutating func append(_ run: UnsafeRawBufferPointer) {
            UnsafeMutableRawBufferPointer(rebasing: buffer[count..<count + run.count]).copyMemory(from: run)
            count += run.count
        }

        mutating func append(_ text: StaticString) {
            append(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
        }

        var data: Data { Data(UnsafeRawBufferPointer(rebasing: buffer[..<count])) }
    }

    /// A 503 with `Retry-After`: a reason fit for the outside and the correlation id of the log event with the detail.
    static func unavailable(_ reason: String, retryAfterSeconds: Int, correlation: String) -> WebhookResponse {
        var response = json(503, ["status": "unavailable", "reason": .string(reason), "correlationId": .string(correlation)])
        response.headers["retry-after"] = String(max(1, retryAfterSeconds))
        return response
    }
}
