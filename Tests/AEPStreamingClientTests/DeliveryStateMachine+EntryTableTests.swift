@testable import AEPStreamingClient
import Foundation
import Testing

@Suite("DeliveryStateMachine.EntryTable")
struct EntryTableTests {
    typealias Table = DeliveryStateMachine.EntryTable

    static func entry(_ seq: UInt64) -> DeliveryStateMachine.Entry {
        DeliveryStateMachine.Entry(
            id: "evt-\(seq)", seq: seq, payloadBytes: Int(seq % 97), enqueuedAt: Date(timeIntervalSince1970: 0), readySince: Date(timeIntervalSince1970: 0),
            phase: .queued
        )
    }

    @Test("entries come back by sequence number, changed in place, and go")
    func basics() {
        var table = Table()
        for seq in UInt64(0) ..< 10 { table[seq] = Self.entry(seq) }
        #expect(table.count == 10)
        table[3]?.phase = .inFlight
        #expect(table[3]?.phase == .inFlight)
        #expect(table[3]?.id == "evt-3")
        table[0] = nil
        table[5] = nil
        #expect(table[0] == nil && table[5] == nil && table[10] == nil)
        #expect(table.count == 8)
        #expect(table.values.map(\.seq) == [1, 2, 3, 4, 6, 7, 8, 9])
        table[5]?.phase = .parked   // absent: nothing happens
        #expect(table[5] == nil && table.count == 8)
    }

    @Test("one event held while 100,000 pass behind it: it moves out of the ring, and every look-up stays right")
    func straggler() {
        var table = Table()
        table[0] = Self.entry(0)
        var model: [UInt64: DeliveryStateMachine.Entry] = [0: Self.entry(0)]
        var random = ResponseClassifierReferenceTests.Generator(seed: 3)
        var next: UInt64 = 1
        var held: [UInt64] = []
        while next < 100_000 {
            for _ in 0 ..< 1 + random.below(40) {
                table[next] = Self.entry(next)
                model[next] = Self.entry(next)
                held.append(next)
                next += 1
            }
            // Resolve most of what is held, in a shuffled order; a few stay a while.
            held.shuffle(using: &random)
            let keep = random.below(10) == 0 ? 2 : 0
            while held.count > keep {
                let seq = held.removeLast()
                table[seq] = nil
                model[seq] = nil
            }
        }
        #expect(table.count == model.count)
        #expect(table[0]?.id == "evt-0")
        for seq in UInt64(0) ..< next where table[seq]?.seq != model[seq]?.seq {
            Issue.record("seq \(seq): table \(String(describing: table[seq]?.seq)), model \(String(describing: model[seq]?.seq))")
            break
        }
        #expect(table.values.map(\.seq) == model.keys.sorted())
        table[0]?.phase = .parked
        #expect(table[0]?.phase == .parked)
        table[0] = nil
        #expect(table[0] == nil && table.count == model.count - 1)
    }
}
