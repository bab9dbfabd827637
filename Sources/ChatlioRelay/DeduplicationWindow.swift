/// The ids of recently accepted events, bounded: the oldest is forgotten first.
///
/// An id is *reserved* before the event is sent, so two identical webhooks
/// arriving together send once; a failed send releases the reservation.
///
/// The order lives in a ring of exactly `capacity` slots, so memory stays
/// level once the window is full (a growing list trimmed now and then kept up
/// to twice the ids alive between trims). Each id remembers its slot: a slot
/// whose id was released, or reserved again since, no longer owns it, and
/// overwriting it forgets nothing that is still live.
struct DeduplicationWindow: Sendable {
    private var slots: [String: Int] = [:]
    private var ring: [String] = []
    private var next = 0
    let capacity: Int

    init(capacity: Int) {
        self.capacity = max(0, capacity)
    }

    /// Reserves `id`; `false` when it is already known.
    mutating func reserve(_ id: String) -> Bool {
        guard capacity > 0 else { return true }
        guard slots[id] == nil else { return false }
        if ring.count < capacity {
            slots[id] = ring.count
            ring.append(id)
            return true
        }
        let evicted = ring[next]
        if slots[evicted] == next { slots[evicted] = nil }
        ring[next] = id
        slots[id] = next
        next = (next + 1) % capacity
        return true
    }

    /// Forgets a reservation whose send failed.
    mutating func release(_ id: String) {
        slots[id] = nil
    }

    var count: Int { slots.count }
}
