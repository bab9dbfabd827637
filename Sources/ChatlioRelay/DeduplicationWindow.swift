/// The ids of recently accepted events, bounded: the oldest is forgotten first.
///
/// An id is *reserved* before the event is sent, so two identical webhooks
/// arriving together send once; a failed send releases the reservation.
struct DeduplicationWindow: Sendable {
    private var ids: Set<String> = []
    private var order: [String] = []
    private var orderStart = 0
    let capacity: Int

    init(capacity: Int) {
        self.capacity = max(0, capacity)
    }

    /// Reserves `id`; `false` when it is already known.
    mutating func reserve(_ id: String) -> Bool {
        guard capacity > 0 else { return true }
        guard ids.insert(id).inserted else { return false }
        order.append(id)
        while ids.count > capacity, orderStart < order.count {
            ids.remove(order[orderStart])
            orderStart += 1
        }
        if orderStart > 1024, orderStart * 2 > order.count {
            order.removeFirst(orderStart)
            orderStart = 0
        }
        return true
    }

    /// Forgets a reservation whose send failed.
    mutating func release(_ id: String) {
        ids.remove(id)
    }

    var count: Int { ids.count }
}
