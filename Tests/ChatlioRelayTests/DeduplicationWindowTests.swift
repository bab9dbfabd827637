@testable import ChatlioRelay
import Testing

@Suite("DeduplicationWindow (pure)")
struct DeduplicationWindowTests {
    /// What `reserve` answered for each id, in order.
    private func reserve(_ window: inout DeduplicationWindow, _ ids: String...) -> [Bool] {
        ids.map { window.reserve($0) }
    }

    @Test("a known id is refused; the oldest is forgotten first once full")
    func oldestFirst() {
        var window = DeduplicationWindow(capacity: 3)
        #expect(reserve(&window, "a", "b", "c") == [true, true, true])
        #expect(reserve(&window, "a") == [false], "still inside the window")
        #expect(reserve(&window, "d") == [true], "takes a's slot")
        #expect(window.count == 3)
        #expect(reserve(&window, "a") == [true], "a was the oldest, so it is forgotten")
        #expect(reserve(&window, "c", "d") == [false, false])
    }

    @Test("a released id can be reserved again, and its old slot's eviction does not forget it")
    func releaseAndReserveAgain() {
        var window = DeduplicationWindow(capacity: 3)
        #expect(reserve(&window, "a") == [true])
        window.release("a")
        // The ring holds [a (released), b, c]; a, reserved again, overwrites the oldest slot: its own stale one.
        #expect(reserve(&window, "b", "c", "a") == [true, true, true], "released, so not a duplicate")
        // d overwrites the next oldest, b's; a stays.
        #expect(reserve(&window, "d") == [true])
        #expect(reserve(&window, "a", "d") == [false, false], "the live reservations are kept")
        #expect(reserve(&window, "b") == [true], "the evicted one is forgotten")
    }

    @Test("the eviction of a released id's old slot forgets nothing live")
    func staleSlot() {
        var window = DeduplicationWindow(capacity: 2)
        #expect(reserve(&window, "a", "b") == [true, true])
        window.release("b")
        #expect(window.count == 1)
        // c overwrites a's slot (the oldest); b's stale slot is next, and e overwrites it without touching c.
        #expect(reserve(&window, "c", "e") == [true, true])
        #expect(reserve(&window, "c", "e") == [false, false])
        #expect(window.count == 2)
    }

    @Test("a window of 0 remembers nothing; the window stays at capacity however many ids pass")
    func boundedForever() {
        var none = DeduplicationWindow(capacity: 0)
        #expect(reserve(&none, "x", "x") == [true, true])
        var window = DeduplicationWindow(capacity: 100)
        #expect((0 ..< 10_000).allSatisfy { window.reserve("id-\($0)") })
        #expect(window.count == 100)
        #expect(reserve(&window, "id-9999", "id-9899") == [false, true])
    }
}
