import ChatlioRelay
import ChatlioWebhooks
import ChatlioXDMMapper
import Foundation
import XDMSchemaRegistry

/// What the intake measurements share with the rest of the run: the compact samples, one mapper and validator.
struct BenchInputs: Sendable {
    let samples: [Sample]
    let mapper: XDMMapper
    let validator: XDMValidator
    let receivedAt: Date

    /// The documented example of a kind (`basic.json`), compact.
    func representative(_ kind: WebhookKind) -> Sample? {
        samples.first { $0.kind == kind && $0.name == "basic" }
    }
}

/// The kinds the intake targets name, with their targets in instructions per event.
let intakeKinds: [(kind: WebhookKind, target: Int)] = [(.conversationStarted, 60_000), (.chatTranscript, 100_000)]

/// The relay's sink in the intake measurements: it only counts, so the figure is the relay's own work.
final class CountingSink: RelayEventSink, @unchecked Sendable {
    // NSLock, not an actor: an actor hop would add the executor's cost to every event.
    private let lock = NSLock()
    private var stored = 0
    private var bytes = 0

    func accept(_ event: RelayEvent) async throws(RelaySinkError) {
        lock.withLock {
            stored += 1
            bytes += event.body.count
        }
    }

    var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }
}

/// Distinct copies of one body, so the relay accepts each (202) instead of answering a duplicate (200).
///
/// The last 8 hex digits of `conversationUUID` (or the visitor's `UUID`) become the copy's index: same length,
/// same shape, a different `_id`.
struct DistinctBodies: Sendable {
    let template: Data
    let digitsAt: Int

    init(_ body: Data) throws {
        let bytes = [UInt8](body)
        func valueEnd(after key: String) -> Int? {
            let needle = Array("\"\(key)\":\"".utf8)
            guard bytes.count >= needle.count else { return nil }
            for start in 0...(bytes.count - needle.count) where bytes[start..<start + needle.count].elementsEqual(needle) {
                var end = start + needle.count
                while end < bytes.count, bytes[end] != UInt8(ascii: "\"") { end += 1 }
                return end - (start + needle.count) >= 8 ? end : nil
            }
            return nil
        }
        guard let end = valueEnd(after: "conversationUUID") ?? valueEnd(after: "UUID") else {
            throw BenchError("the body has no conversationUUID or UUID of 8 characters or more to vary")
        }
        template = body
        digitsAt = end - 8
    }

    func body(_ index: Int) -> Data {
        var copy = template
        let hex = Array("0123456789abcdef".utf8)
        for position in 0..<8 { copy[copy.startIndex + digitsAt + position] = hex[(index >> ((7 - position) * 4)) & 0xF] }
        return copy
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// One intake stage, run on one compact body of one kind.
enum IntakeStage: String, CaseIterable {
    /// `ChatlioWebhook.decode`.
    case decode
    /// `XDMMapper.map` of a decoded webhook (includes `_id`).
    case map
    /// `ChatlioWebhook.eventID` alone: the sorted re-serialisation and SHA-256 inside `map`.
    case eventID = "_id"
    /// `XDMValidator.validate` of a mapped event.
    case validate
    /// decode → map → validate, as the timed "full path" scenarios.
    case path = "decode+map+validate"
    /// `ChatlioRelay.handle` with a counting in-memory sink: the full intake, every event accepted (202).
    case intake = "ChatlioRelay.handle"
}

/// Runs `stage` `count` times on the representative sample of `kind`. Everything it needs is built before the
/// loop and does not depend on `count` except through `maxCount` (the intake's distinct bodies are built for
/// `maxCount` events whatever `count` is), so two runs differ by the loop alone.
func runStage(_ stage: IntakeStage, kind: WebhookKind, count: Int, maxCount: Int, inputs: BenchInputs) async throws {
    guard let sample = inputs.representative(kind) else { throw BenchError("no basic.json sample of \(kind)") }
    let bytes = sample.bytes
    let mapper = inputs.mapper
    let validator = inputs.validator
    let receivedAt = inputs.receivedAt
    let webhook = try ChatlioWebhook.decode(bytes, kind: kind)
    let event = try mapper.map(webhook, receivedAt: receivedAt)
    switch stage {
    case .decode:
        for _ in 0..<count { _ = try ChatlioWebhook.decode(bytes, kind: kind) }
    case .map:
        for _ in 0..<count { _ = try mapper.map(webhook, receivedAt: receivedAt) }
    case .eventID:
        for _ in 0..<count { _ = webhook.eventID }
    case .validate:
        // `value` is parsed from the bytes on access: parse once, count the walk alone.
        let value = event.value
        for _ in 0..<count { precondition(validator.validate(value).isValid) }
    case .path:
        for _ in 0..<count {
            let event = try mapper.map(ChatlioWebhook.decode(bytes, kind: kind), receivedAt: receivedAt)
            precondition(validator.validate(event.value).isValid)
        }
    case .intake:
        let distinct = try DistinctBodies(bytes)
        let requests = (0..<maxCount).map { WebhookRequest(route: kind.rawValue, body: distinct.body($0)) }
        let sink = CountingSink()
        let relay = try ChatlioRelay(mapper: mapper, sink: sink, quarantine: InMemoryQuarantineStore())
        for request in requests.prefix(count) {
            let response = await relay.handle(request)
            precondition(response.status == 202, "the relay answered \(response.status) to a distinct \(kind) body")
        }
        precondition(sink.count == count)
    }
}
