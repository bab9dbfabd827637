import ChatlioAEPSupport

/// A dead-letter store in memory: the default beside an ``InMemoryOutbox``,
/// whose events do not outlive the process either, and in tests.
///
/// ```swift
/// let letters = InMemoryDeadLetterStore()
/// let client = try await AEPStreamingClient(configuration: configuration, outbox: InMemoryOutbox(), deadLetters: letters)
/// ```
public final class InMemoryDeadLetterStore: DeadLetterStore {
    private struct State: Sendable {
        var letters: [String: (order: UInt64, letter: DeadLetter)] = [:]
        var bytes = 0
        var nextOrder: UInt64 = 0
    }

    /// The bounds it keeps to.
    public let limits: DeadLetterLimits
    private let state = Locked(State())

    /// Creates an empty store.
    public init(limits: DeadLetterLimits = DeadLetterLimits()) {
        self.limits = limits
    }

    public func add(_ letter: DeadLetter) async throws(AEPStreamingClientError) {
        try state.withLock { (state: inout State) throws(AEPStreamingClientError) in
            let replaced = state.letters[letter.id]?.letter.payload.count
            if let refusal = limits.refusal(
                count: state.letters.count - (replaced == nil ? 0 : 1), bytes: state.bytes - (replaced ?? 0), payloadBytes: letter.payload.count
            ) {
                throw AEPStreamingClientError(.deadLetterStoreFull, "\(refusal); event \(letter.id) stays in the outbox")
            }
            state.bytes += letter.payload.count - (replaced ?? 0)
            state.letters[letter.id] = (state.nextOrder, letter)
            state.nextOrder += 1
        }
    }

    public func entries() async throws(AEPStreamingClientError) -> [DeadLetterEntry] {
        state.withLock { state in state.letters.values.sorted { $0.order < $1.order }.map(\.letter.entry) }
    }

    public func letter(id: String) async throws(AEPStreamingClientError) -> DeadLetter? {
        state.withLock { $0.letters[id]?.letter }
    }

    public func remove(_ ids: [String]) async throws(AEPStreamingClientError) {
        state.withLock { state in
            for id in ids {
                if let removed = state.letters.removeValue(forKey: id) { state.bytes -= removed.letter.payload.count }
            }
        }
    }
}
