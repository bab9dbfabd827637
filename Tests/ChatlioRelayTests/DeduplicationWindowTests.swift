@testable import ChatlioRelay
import Testing

@Suite("DeduplicationWindow (pure)")
struct DeduplicationWindowTests {
    /// Reserves and stores each id, as the relay does for a copy the sink accepted.
    private func store(_ window: inout DeduplicationWindow, _ ids: String...) -> [DeduplicationWindow.Reservation] {
        ids.map { id in
            let key = DeduplicationWindow.Key(id)
            let reservation = window.reserve(key)
            if reservation == .reserved { window.commit(key) }
            return reservation
        }
    }

    @Test("a stored id is a duplicate; the oldest is forgotten first once full")
    func oldestFirst() {
        var window = DeduplicationWindow(capacity: 3)
        #expect(store(&window, "a", "b", "c") == [.reserved, .reserved, .reserved])
        #expect(store(&window, "a") == [.stored], "still inside the window")
        #expect(store(&window, "d") == [.reserved], "takes a's slot")
        #expect(window.count == 3)
        #expect(store(&window, "a") == [.reserved], "a was the oldest, so it is forgotten")
        #expect(store(&window, "c", "d") == [.stored, .stored])
    }

    @Test("an id is seen only once committed: in flight it is neither free nor a duplicate")
    func inFlightIsNotStored() {
        var window = DeduplicationWindow(capacity: 3)
        #expect(window.reserve("a") == .reserved)
        #expect(window.reserve("a") == .inFlight, "the first copy's outcome is not known")
        #expect(window.count == 0 && window.inFlightCount == 1)
        window.release("a")
        #expect(window.reserve("a") == .reserved, "refused, so free again — never a duplicate")
        window.commit("a")
        #expect(window.reserve("a") == .stored)
        #expect(window.count == 1 && window.inFlightCount == 0)
    }

    @Test("a full window never evicts a reservation in flight")
    func reservationsSurviveEviction() {
        var window = DeduplicationWindow(capacity: 2)
        #expect(window.reserve("slow") == .reserved)
        #expect(store(&window, "a", "b", "c", "d") == [.reserved, .reserved, .reserved, .reserved])
        #expect(window.reserve("slow") == .inFlight, "still being stored however many ids passed")
        window.commit("slow")
        #expect(store(&window, "slow", "d", "c") == [.stored, .stored, .reserved], "slow took c's slot, the oldest")
    }

    @Test("an id stored again takes a new slot, and its old slot's eviction does not forget it")
    func staleSlot() {
        var window = DeduplicationWindow(capacity: 3)
        window.remember("a")
        window.remember("a")  // read back twice from a journal: the ring holds [a (stale), a]
        #expect(store(&window, "b") == [.reserved])
        // c overwrites the stale a slot; a's live slot stays.
        #expect(store(&window, "c") == [.reserved])
        #expect(store(&window, "a", "b", "c") == [.stored, .stored, .stored])
        #expect(window.count == 3)
    }

    @Test("a window of 0 remembers nothing; the window stays at capacity however many ids pass")
    func boundedForever() {
        var none = DeduplicationWindow(capacity: 0)
        #expect(store(&none, "x", "x") == [.reserved, .reserved])
        #expect(none.reserve("y") == .reserved && none.reserve("y") == .reserved, "nothing is held in flight either")
        var window = DeduplicationWindow(capacity: 100)
        #expect((0 ..< 10_000).allSatisfy { store(&window, "id-\($0)") == [.reserved] })
        #expect(window.count == 100 && window.inFlightCount == 0)
        #expect(store(&window, "id-9999", "id-9899") == [.stored, .reserved])
    }

    @Test("ids that share what the key hashes (first 16 bytes, last 8, length) are still told apart by the whole id")
    func idsSharingTheHashedBytesStayDistinct() {
        var window = DeduplicationWindow(capacity: 8)
        let prefix = "0123456789abcdef"
        let suffix = "01234567"
        let ids = [prefix, prefix + "0", prefix + "1", prefix + "0" + suffix, prefix + "1" + suffix, prefix + String(repeating: "f", count: 48), "short", ""]
        #expect(ids.map { store(&window, $0) } == Array(repeating: [.reserved], count: ids.count))
        #expect(ids.map { store(&window, $0) } == Array(repeating: [.stored], count: ids.count))
        let (first, second) = (DeduplicationWindow.Key(prefix + "0" + suffix), DeduplicationWindow.Key(prefix + "1" + suffix))
        #expect(first != second)
        #expect(first.hashValue == second.hashValue, "the same hashed bytes: the same hash, so equality alone separates them")
        #expect(DeduplicationWindow.Key(prefix + "0").hashValue != DeduplicationWindow.Key(prefix + "1").hashValue,
                "the last 8 bytes are hashed: ids that differ only there spread")
    }

    @Test("the key's hash reads an id's first 16 bytes as the hex number they spell, so every digit counts")
    func hexDigitsAreTheNumberTheySpell() throws {
        var generator = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef")
        for _ in 0 ..< 2_000 {
            let text = String((0 ..< 8).map { _ in digits[Int.random(in: 0 ..< 16, using: &generator)] })
            let word = text.utf8.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }  // the first byte lowest, as loaded
            #expect(DeduplicationWindow.Key.hexDigits(word) == UInt64(text, radix: 16), "\(text)")
        }
        // Ids one digit apart anywhere in the first 16 never share the hashed word.
        let id = String(repeating: "0123456789abcdef", count: 4)
        let hashes = (0 ..< 16).flatMap { place in
            digits.filter { $0 != Array(id)[place] }.map { digit in
                var changed = Array(id)
                changed[place] = digit
                return DeduplicationWindow.Key(String(changed)).hashValue
            }
        }
        #expect(Set(hashes + [DeduplicationWindow.Key(id).hashValue]).count == hashes.count + 1)
    }
}

/// Ids written in place, as the relay's keys.
extension DeduplicationWindow.Key: ExpressibleByStringLiteral {
    public init(stringLiteral id: String) { self.init(id) }
}
