import ChatlioAEPSupport
public import Foundation

/// An outbox in memory: same interface as ``FileOutbox``, nothing survives
/// the process. For tests, and for relays that accept losing what is queued
/// when they stop.
///
/// ```swift
/// let client = try await AEPStreamingClient(configuration: configuration, outbox: InMemoryOutbox())
/// ```
public final class InMemoryOutbox: Outbox {
    /// Records in arrival order, one slot each; a removed record leaves its slot empty until the
    /// empty head is dropped. Each id maps to its slot's absolute position (`base` + index), so every
    /// operation hashes an id once and dropping the head rehashes nothing.
    private struct State: Sendable {
        var slots: [OutboxRecord?] = []
        var head = 0
        var base = 0
        var position: [String: Int] = [:]
        var closed = false
    }

    private let state = Locked(State())

    /// Creates an empty outbox.
    public init() {}

    /// Records stored now.
    public var count: Int { state.withLock { $0.position.count } }

    private static func closedError() -> AEPStreamingClientError {
        AEPStreamingClientError(.outboxClosed, "the in-memory outbox is closed")
    }

    public func storedEntries() async throws(AEPStreamingClientError) -> [OutboxEntry] {
        try state.withLock { (state: inout State) throws(AEPStreamingClientError) in
            guard !state.closed else { throw Self.closedError() }
            return state.slots[state.head...].compactMap { slot in
                slot.map { OutboxEntry(id: $0.id, payloadBytes: $0.payload.count, enqueuedAt: $0.enqueuedAt) }
            }
        }
    }

    public func append(_ record: OutboxRecord) async throws(AEPStreamingClientError) {
        try state.withLock { (state: inout State) throws(AEPStreamingClientError) in
            guard !state.closed else { throw Self.closedError() }
            let next = state.base + state.slots.count
            // One hash for the usual new id; a stored one keeps its slot.
            if let held = state.position.updateValue(next, forKey: record.id) {
                state.position[record.id] = held
                return
            }
            state.slots.append(record)
        }
    }

    public func payloads(for ids: [String]) async throws(AEPStreamingClientError) -> [Data?] {
        try state.withLock { (state: inout State) throws(AEPStreamingClientError) in
            guard !state.closed else { throw Self.closedError() }
            return ids.map { id in state.position[id].flatMap { state.slots[$0 - state.base]?.payload } }
        }
    }

    public func remove(_ ids: [String]) async throws(AEPStreamingClientError) {
        try state.withLock { (state: inout State) throws(AEPStreamingClientError) in
            guard !state.closed else { throw Self.closedError() }
            for id in ids {
                if let position = state.position.removeValue(forKey: id) { state.slots[position - state.base] = nil }
            }
            while state.head < state.slots.count, state.slots[state.head] == nil { state.head += 1 }
            // Drop the empty head once it is most of the array.
            if state.head > 1024, state.head * 2 > state.slots.count {
                state.slots.removeFirst(state.head)
                state.base += state.head
                state.head = 0
            }
        }
    }

    public func close() async {
        state.withLock { $0.closed = true }
    }
}
