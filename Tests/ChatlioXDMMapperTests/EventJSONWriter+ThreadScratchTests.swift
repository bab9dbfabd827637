import Foundation
@testable import ChatlioXDMMapper
import Testing

/// The writer buffer a thread keeps between events: reused when it is large
/// enough, replaced by a larger one, never kept above the cap, and never
/// shared between threads.
@Suite struct EventJSONWriterThreadScratchTests {
    typealias Scratch = EventJSONWriter.ThreadScratch

    /// Empties this thread's slot (an earlier test on it may have left a buffer), so a test starts from nothing kept.
    private func emptySlot() {
        Scratch.release(Scratch.take(atLeast: 1).base)
    }

    @Test func aKeptBufferServesTheNextWriterOfItsSizeOrLess() {
        emptySlot()
        let first = Scratch.take(atLeast: 4_096)
        #expect(first.capacity == 4_096)
        first.base.initialize(repeating: 0xAB, count: 4_096)
        Scratch.give(first.base, capacity: first.capacity)
        let second = Scratch.take(atLeast: 100)
        #expect(second.base == first.base && second.capacity == 4_096, "the kept buffer, with its whole capacity")
        let third = Scratch.take(atLeast: 100)
        #expect(third.base != second.base && third.capacity == 100, "taken, it is no longer kept")
        Scratch.release(third.base)
        Scratch.give(second.base, capacity: second.capacity)
    }

    @Test func aLargerBufferReplacesTheKeptOneAndOneAboveTheCapIsNotKept() {
        emptySlot()
        let small = Scratch.take(atLeast: 64)
        Scratch.give(small.base, capacity: small.capacity)
        let large = Scratch.take(atLeast: 8_192)
        #expect(large.capacity == 8_192, "the kept 64 bytes are too few: a new buffer")
        Scratch.give(large.base, capacity: large.capacity)
        let kept = Scratch.take(atLeast: 1)
        #expect(kept.capacity == 8_192, "the larger buffer replaced the smaller")
        Scratch.release(kept.base)
        let huge = Scratch.take(atLeast: Scratch.keptCapacity + 1)
        Scratch.give(huge.base, capacity: huge.capacity)
        let next = Scratch.take(atLeast: 1)
        #expect(next.capacity == 1, "a buffer above the cap was freed, not kept")
        Scratch.release(next.base)
    }

    @Test func threadsKeepTheirOwnBuffers() async {
        // Each thread writes its own pattern into the buffer it takes and finds it again:
        // a buffer kept by one thread is never handed to another.
        let threads = 4
        let results = (0 ..< threads).map { _ in LockedFlag() }
        let done = DispatchGroup()
        for index in 0 ..< threads {
            done.enter()
            Thread.detachNewThread {
                var intact = true
                for round in 0 ..< 200 {
                    var writer = EventJSONWriter(capacity: 512)
                    let text = "thread \(index) round \(round)"
                    writer.string(text)
                    let written = writer.finish()
                    intact = intact && written == Array("\"\(text)\"".utf8)
                }
                results[index].set(intact)
                done.leave()
            }
        }
        done.wait()
        #expect(results.allSatisfy { $0.value })
    }
}

private final class LockedFlag: @unchecked Sendable {  // written by one thread, read after `DispatchGroup.wait`
    private(set) var value = false
    func set(_ value: Bool) { self.value = value }
}
