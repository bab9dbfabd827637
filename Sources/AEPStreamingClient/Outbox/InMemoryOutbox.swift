public import Foundation

/// An outbox in memory: same interface as ``FileOutbox``, nothing survives
/// the process. For tests, and for relays that accept losing what is queued
/// when they stop.
///
/// ```swift
/// let client = try await AEPStreamingClient(configuration: configuration, outbox: InMemoryOutbox())
/// ```
public final class InMemoryOutbox: Outbox {
    private struct State: Sendable {
        var records: [String: OutboxRecord] = [:]
        var order: [String] = []
        var orderStart = 0
        var closed = false
    }

    private let state = Locked(State())

    /// Creates an empty outbox.
    public init() {}

    /// Records stored now.
    public var count: Int { state.withLock { $0.records.count } }

    public func storedEntries() async throws(AEPStreamingClientError) -> [OutboxEntry] {
        try state.withLock { (state: inout State) throws(AEPStreamingClientError) in
            guard !state.closed else { throw AEPStreamingClientError(.outboxClosed, "the in-memory outbox is closed") }
            var seen = Set<String>()
            return state.order[state.orderStart...].compactMap { id in
                guard seen.insert(id).inserted else { return nil }
                return state.records[id].map { OutboxEntry(id: $0.id, payloadBytes: $0.payload.count, enqueuedAt: $0.enqueuedAt) }
            }
        }
    }

    public func append(_ record: OutboxRecord) async throws(AEPStreamingClientError) {
        try state.withLock { (state: inout State) throws(AEPStreamingClientError) in
            guard !state.closed else { throw AEPStreamingClientError(.outboxClosed, "the in-memory outbox is closed") }
            guard state.records[record.id] == nil else { return }
            state.records[record.id] = record
            state.order.append(record.id)
        }
    }

    public func payloads(for ids: [String]) async throws(AEPStreamingClientError) -> [Data?] {
        try state.withLock { (state: inout State) throws(AEPStreamingClientError) in
            guard !state.closed else { throw AEPStreamingClientError(.outboxClosed, "the in-memory outbox is closed") }
            return ids.map { state.records[$0]?.payload }
        }
    }

    public func remove(_ ids: [String]) async throws(AEPStreamingClientError) {
        try state.withLock { (state: inout State) throws(AEPStreamingClientError) in
            guard !state.closed else { throw AEPStreamingClientError(.outboxClosed, "the in-memory outbox is closed") }
            for id in ids { state.records[id] = nil }
            // Drop removed ids from the head of the order; compact when mostly garbage.
            while state.orderStart < state.order.count, state.records[state.order[state.orderStart]] == nil {
                state.orderStart += 1
            }
            if state.orderStart > 1024, state.orderStart * 2 > state.order.count {
                state.order = state.order[state.orderStart...].filter { state.records[$0] != nil }
                state.orderStart = 0
            }
        }
    }

    public func close() async {
        state.withLock { $0.closed = true }
    }
}
