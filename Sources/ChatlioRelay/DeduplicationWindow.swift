/// The ids of recently *stored* events, bounded (the oldest is forgotten
/// first), and the ids whose first copy is being stored right now.
///
/// An id counts as seen only once the sink has stored its event
/// (``commit(_:)``): a copy arriving before that finds it *in flight*, not
/// stored, and must wait for the outcome rather than be answered
/// "duplicate" — the first copy may yet be refused, and then nothing holds
/// the event. ``release(_:)`` forgets an in-flight id whose store failed.
///
/// The stored ids live in a ring of exactly `capacity` slots, so memory stays
/// level once the window is full. Each id remembers its slot: a slot whose id
/// was stored again since no longer owns it, and overwriting it forgets
/// nothing that is still live. In-flight ids are kept apart from the ring, so
/// a full window never evicts a reservation (which would let a concurrent
/// copy be stored twice); their number is bounded by the requests in progress.
struct DeduplicationWindow: Sendable {
    /// What ``reserve(_:)`` found.
    enum Reservation: Sendable, Hashable {
        /// Nobody has the id: the caller stores it, then commits or releases it.
        case reserved
        /// An earlier copy is durably stored.
        case stored
        /// An earlier copy is being stored; its outcome is not known yet.
        case inFlight
    }

    private var slots: [Key: Int] = [:]
    private var ring: [Key] = []
    private var next = 0
    private var inFlight: Set<Key> = []
    let capacity: Int

    init(capacity: Int) {
        self.capacity = max(0, capacity)
    }

    /// Reserves `id` for the caller unless it is stored or in flight.
    /// A window of capacity 0 deduplicates nothing: every copy is reserved.
    mutating func reserve(_ id: String) -> Reservation {
        guard capacity > 0 else { return .reserved }
        let id = Key(id)
        if slots[id] != nil { return .stored }
        guard inFlight.insert(id).inserted else { return .inFlight }
        return .reserved
    }

    /// The sink stored `id`'s event: from now on copies are duplicates.
    mutating func commit(_ id: String) {
        inFlight.remove(Key(id))
        remember(id)
    }

    /// The sink refused `id`'s event: forget the reservation.
    mutating func release(_ id: String) {
        inFlight.remove(Key(id))
    }

    /// Marks `id` stored without a reservation (ids read back from a journal).
    mutating func remember(_ id: String) {
        guard capacity > 0 else { return }
        let id = Key(id)
        if ring.count < capacity {
            slots[id] = ring.count
            ring.append(id)
            return
        }
        let evicted = ring[next]
        if slots[evicted] == next { slots[evicted] = nil }
        ring[next] = id
        slots[id] = next
        next = (next + 1) % capacity
    }

    /// Stored ids remembered.
    var count: Int { slots.count }
    /// Ids whose first copy is being stored.
    var inFlightCount: Int { inFlight.count }

    /// An event id as a set member: equal when the whole ids are equal, hashed
    /// from their first 16 bytes and length. The ids are SHA-256 hex, so 16
    /// bytes spread as well as 64 do, and hashing a quarter of them took a
    /// fifth of the relay's own work per event (five look-ups each).
    struct Key: Hashable, Sendable {
        let id: String

        init(_ id: String) { self.id = id }

        func hash(into hasher: inout Hasher) {
            var id = id
            id.withUTF8 { bytes in
                hasher.combine(bytes.count)
                guard bytes.count >= 16, let base = bytes.baseAddress else {
                    hasher.combine(bytes: UnsafeRawBufferPointer(bytes))
                    return
                }
                let raw = UnsafeRawPointer(base)
                hasher.combine(raw.loadUnaligned(as: UInt64.self))
                hasher.combine(raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
            }
        }
    }
}
