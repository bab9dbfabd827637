import ChatlioAEPSupport

/// A quarantine in memory, for tests and examples.
///
/// ```swift
/// let quarantine = InMemoryQuarantineStore(maxItems: 100)
/// ```
public final class InMemoryQuarantineStore: QuarantineStore {
    private let storage = Locked<[QuarantinedWebhook]>([])
    private let maxItems: Int?

    /// Creates an empty store that keeps at most `maxItems` items
    /// (`nil`: no limit) and throws ``QuarantineError/Code/full`` beyond that.
    public init(maxItems: Int? = nil) {
        self.maxItems = maxItems
    }

    public func quarantine(_ item: QuarantinedWebhook) async throws {
        try storage.withLock { items throws(QuarantineError) in
            if let maxItems, items.count >= maxItems {
                throw QuarantineError(.full, "the quarantine is at its maxItems limit of \(maxItems) items")
            }
            items.append(item)
        }
    }

    /// Everything quarantined so far, in order.
    public var items: [QuarantinedWebhook] { storage.withLock { $0 } }
}
