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

    /// Each id's slot in the ring, or ``inFlightSlot`` while its first copy
    /// is being stored: one table, so a copy costs one look-up to reserve
    /// and one to commit.
    private var slots: [Key: Int] = [:]
    private var ring: [Key] = []
    private var next = 0
    /// Ids whose first copy is being stored.
    private(set) var inFlightCount = 0
    let capacity: Int

    /// The most ids whose room is reserved at start: `Configuration.deduplicationWindow`'s default.
    private static let upFrontCapacity = 100_000
    private static let inFlightSlot = -1
    private static let noSlot = -2

    init(capacity: Int) {
        self.capacity = max(0, capacity)
        // Sized once for a full window, up to the default's size: no rehash of every id
        // while it fills (a doubling moved all ids at once, about 700 instructions an event
        // amortised), with room for a few ids in flight. The tables' pages are touched only
        // as ids arrive; a larger window grows past the first `upFront` ids as it fills,
        // rather than reserving all its address space at start.
        let upFront = min(self.capacity, Self.upFrontCapacity)
        slots.reserveCapacity(upFront + 64)
        ring.reserveCapacity(upFront)
    }

    /// Reserves `id` for the caller unless it is stored or in flight.
    /// A window of capacity 0 deduplicates nothing: every copy is reserved.
    /// The relay makes one key a webhook, for this and for ``commit(_:)`` or ``release(_:)``.
    mutating func reserve(_ id: Key) -> Reservation {
        guard capacity > 0 else { return .reserved }
        switch Self.exchange(&slots[id, default: Self.noSlot], ifUnused: Self.inFlightSlot) {
        case Self.noSlot:
            inFlightCount += 1
            return .reserved
        case Self.inFlightSlot:
            return .inFlight
        default:
            return .stored
        }
    }

    /// The sink stored `id`'s event: from now on copies are duplicates.
    mutating func commit(_ id: Key) {
        remember(id)
    }

    /// The sink refused `id`'s event: forget the reservation.
    mutating func release(_ id: Key) {
        guard let index = slots.index(forKey: id), slots.values[index] == Self.inFlightSlot else { return }
        slots.remove(at: index)
        inFlightCount -= 1
    }

    /// Marks `id` stored, whether reserved or not (ids read back from a journal).
    mutating func remember(_ id: String) {
        remember(Key(id))
    }

    private mutating func remember(_ id: Key) {
        guard capacity > 0 else { return }
        let slot: Int
        if ring.count < capacity {
            slot = ring.count
            ring.append(id)
        } else {
            slot = next
            let evicted = ring[next]
            // A slot whose id was stored again since no longer owns it.
            if let index = slots.index(forKey: evicted), slots.values[index] == slot { slots.remove(at: index) }
            ring[next] = id
            next = (next + 1) % capacity
        }
        if Self.exchange(&slots[id, default: Self.noSlot], with: slot) == Self.inFlightSlot { inFlightCount -= 1 }
    }

    /// Stored ids remembered.
    var count: Int { slots.count - inFlightCount }

    /// Sets `value` to `replacement` when it is ``noSlot``; returns what it was.
    private static func exchange(_ value: inout Int, ifUnused replacement: Int) -> Int {
        let found = value
        if found == noSlot { value = replacement }
        return found
    }

    /// Sets `value` to `replacement`; returns what it was.
    private static func exchange(_ value: inout Int, with replacement: Int) -> Int {
        let found = value
        value = replacement
        return found
    }

    /// An event id as a table key: equal when the whole ids are equal,
    /// hashed from their first 16 bytes, last 8 and length, which the key
    /// also keeps as words. The ids are SHA-256 hex, so 16 bytes spread as well as
    /// 64 do; and a look-up that misses probes several occupied buckets,
    /// each an equality test that now compares two words instead of two
    /// 64-byte strings (that compare was the relay's largest cost per event).
    struct Key: Hashable, Sendable {
        let id: String
        /// The first 16 bytes of `id` (zero-padded), its last 8 and its length.
        private let head: UInt64
        private let middle: UInt64
        private let last: UInt64
        private let count: Int

        init(_ id: String) {
            self.id = id
            var id = id
            (head, middle, last, count) = id.withUTF8 { utf8 in
                let bytes = UnsafeRawBufferPointer(utf8)
                if bytes.count >= 16, let base = bytes.baseAddress {
                    // An `_id`'s 64 hex digits: three loads, where two copies were two calls.
                    return (
                        base.loadUnaligned(as: UInt64.self), base.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
                        base.loadUnaligned(fromByteOffset: bytes.count - 8, as: UInt64.self), bytes.count
                    )
                }
                var words: (UInt64, UInt64, UInt64) = (0, 0, 0)
                withUnsafeMutableBytes(of: &words) { words in
                    words.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes.prefix(16)))
                    // The last 8 bytes too, so ids that share a prefix of their own still spread.
                    UnsafeMutableRawBufferPointer(rebasing: words[16...]).copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes.suffix(8)))
                }
                return (words.0, words.1, words.2, bytes.count)
            }
        }

        static func == (lhs: Key, rhs: Key) -> Bool {
            lhs.head == rhs.head && lhs.middle == rhs.middle && lhs.last == rhs.last && lhs.count == rhs.count && lhs.id == rhs.id
        }

        /// One word for the hasher, where four cost three more rounds of it per
        /// look-up: the first 16 bytes read as hex digits (for an `_id`, 64 bits
        /// of SHA-256 output, exactly), mixed with the last 8 bytes and the length.
        /// Ids can tie on this word only by tying on SHA-256 output bits, which
        /// nobody can choose, so the table's seeded hash still spreads hostile ids.
        func hash(into hasher: inout Hasher) {
            hasher.combine((Self.hexDigits(head) << 32 | Self.hexDigits(middle)) ^ (last &* 0x9E37_79B9_7F4A_7C15) ^ UInt64(truncatingIfNeeded: count))
        }

        /// Eight ASCII hex digits (little-endian, the first in the low byte) as the
        /// 32-bit number they spell, first digit highest; other bytes give some number.
        static func hexDigits(_ word: UInt64) -> UInt64 {
            // '0'...'9' are 0x30...0x39 and 'a'...'f' 0x61...0x66: the low nibble, plus 9 for a letter.
            var digits = (word & 0x0F0F_0F0F_0F0F_0F0F) &+ ((word >> 6) & 0x0101_0101_0101_0101) &* 9
            digits = (digits << 4 | digits >> 8) & 0x00FF_00FF_00FF_00FF  // two digits a byte, the first high
            digits = (digits << 8 | digits >> 16) & 0x0000_FFFF_0000_FFFF
            return (digits << 16 | digits >> 32) & 0xFFFF_FFFF
        }
    }
}
