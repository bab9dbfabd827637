@testable import AEPStreamingClient
import ChatlioAEPTestSupport
import Foundation
import Testing

@Suite("DeliveryReportChannel: the newest reports kept, handed to readers, finished")
struct DeliveryReportChannelTests {
    static func report(_ id: String) -> DeliveryReport {
        DeliveryReport(eventID: id, outcome: .delivered(xactionID: nil), attempts: 1)
    }

    @Test("nobody reading: the oldest are dropped and counted, the newest come out in order, then nil after finish")
    func dropsOldest() async {
        let channel = DeliveryReportChannel(capacity: 3)
        #expect(channel.yield(contentsOf: ["a", "b"].map(Self.report)) == 0)
        #expect(channel.yield(contentsOf: ["c", "d", "e"].map(Self.report)) == 2)
        channel.finish()
        #expect(channel.yield(contentsOf: [Self.report("late")]) == 0, "after finish nothing is kept or counted")
        var ids: [String] = []
        for await report in channel.stream { ids.append(report.eventID) }
        #expect(ids == ["c", "d", "e"])
    }

    @Test("a reader waiting gets reports yielded later, in order, and its loop ends at finish")
    func waitingReader() async {
        let channel = DeliveryReportChannel(capacity: 1)
        let reader = Task { () -> [String] in
            var ids: [String] = []
            for await report in channel.stream { ids.append(report.eventID) }
            return ids
        }
        var delivered: [String] = []
        for round in 0 ..< 20 {
            let id = "r\(round)"
            delivered.append(id)
            // One at a time, each taken before the next: nothing is dropped with a reader keeping up.
            #expect(channel.yield(contentsOf: [Self.report(id)]) == 0)
            let taken = await eventually { await Task.yield(); return channel.isDrained }
            #expect(taken)
        }
        channel.finish()
        #expect(await reader.value == delivered)
    }

    @Test("cancelling the reading task ends its loop")
    func cancellation() async {
        let channel = DeliveryReportChannel(capacity: 4)
        let reader = Task { () -> Int in
            var count = 0
            for await _ in channel.stream { count += 1 }
            return count
        }
        channel.yield(contentsOf: [Self.report("a")])
        _ = await eventually { channel.isDrained }
        reader.cancel()
        #expect(await reader.value == 1)
    }
}
