import AEPInletEmulator
import ChatlioAEPSupport
import ChatlioJSON
import Foundation
import Testing

@Suite struct InletRecordConsistencyTests {
    @Test("a reader that sees a message counted sees the request that brought it in the request log")
    func messagesAndTheirRequestsAreRecordedTogether() async throws {
        let emulator = try Fixture.startedEmulator()
        defer { emulator.stop() }
        let record = emulator.record
        let stop = Locked(false)
        let lapses = Locked<[String]>([])
        let readerDone = DispatchSemaphore(value: 0)
        // A thread of its own reads as fast as it can while requests land: the count first, then the log,
        // which only grows, so the log's accepted messages can never be fewer than the count read before.
        Thread.detachNewThread {
            while !stop.withLock({ $0 }) {
                let counted = record.count
                let logged = record.requests.reduce(0) { $0 + $1.acceptedCount }
                if logged < counted { lapses.withLock { $0.append("\(counted) counted, \(logged) in the request log") } }
            }
            readerDone.signal()
        }
        let client = Client()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for lane in 0 ..< 4 {
                group.addTask {
                    for index in 0 ..< 100 { _ = try await client.post(emulator.inletURL, json: Fixture.envelope(id: "m-\(lane)-\(index)")) }
                }
            }
            try await group.waitForAll()
        }
        stop.withLock { $0 = true }
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                readerDone.wait()
                continuation.resume()
            }
        }
        #expect(record.count == 400)
        #expect(lapses.withLock { $0 }.isEmpty, "\(lapses.withLock { Array($0.prefix(3)) })")
    }
}
