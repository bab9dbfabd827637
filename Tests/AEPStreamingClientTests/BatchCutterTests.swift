@testable import AEPStreamingClient
import Foundation
import Testing

@Suite("BatchCutter (pure)")
struct BatchCutterTests {
    let now = Date(timeIntervalSince1970: 1_700_000_000)
    let cutter = BatchCutter(maxMessages: 4, maxRequestBytes: 100, linger: .milliseconds(200), wrapperBytes: 15)

    func candidates(_ sizes: [Int], age: TimeInterval = 0) -> [BatchCutter.Candidate] {
        sizes.map { BatchCutter.Candidate(messageBytes: $0, readySince: now.addingTimeInterval(-age)) }
    }

    @Test("closes on the message count")
    func count() {
        #expect(cutter.decide(candidates([5, 5, 5, 5, 5, 5]), now: now, force: false) == .send(count: 4))
    }

    @Test("closes on bytes, wrapper and commas included")
    func bytes() {
        // 15 + 40 + 1 + 40 = 96 fits; + 1 + 10 = 107 does not.
        #expect(cutter.decide(candidates([40, 40, 10]), now: now, force: false) == .send(count: 2))
        #expect(cutter.requestBytes([40, 40]) == 96)
    }

    @Test("waits for the linger, then sends")
    func linger() {
        #expect(cutter.decide(candidates([5, 5]), now: now, force: false) == .wait(until: now.addingTimeInterval(0.2)))
        #expect(cutter.decide(candidates([5, 5], age: 0.2), now: now, force: false) == .send(count: 2))
    }

    @Test("force skips the linger")
    func force() {
        #expect(cutter.decide(candidates([5]), now: now, force: true) == .send(count: 1))
    }

    @Test("nothing to send")
    func idle() {
        #expect(cutter.decide(candidates([]), now: now, force: true) == .idle)
    }

    @Test("a single message above the limit goes alone")
    func oversized() {
        #expect(cutter.decide(candidates([200, 5]), now: now, force: false) == .send(count: 1))
        #expect(!cutter.fitsAlone(messageBytes: 86))
        #expect(cutter.fitsAlone(messageBytes: 85))
    }
}
