import ChatlioAEPSupport
@testable import AEPInletEmulator
import ChatlioAEPTestSupport
import ChatlioJSON
import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite("Scripted faults over loopback HTTP")
struct EmulatorFaultTests {
    @Test func failNextWithRetryAfterSecondsThenSucceed() async throws {
        let emulator = try Fixture.startedEmulator()
        defer { emulator.stop() }
        emulator.faults.failNext(2, status: 503, retryAfter: .seconds(2))
        let client = Client()
        let first = try await client.post(emulator.inletURL, json: Fixture.envelope(id: "r"))
        #expect(first.status == 503)
        #expect(first.header("Retry-After") == "2")
        #expect(first.json?["status"]?.int64Value == 503)
        #expect(try await client.post(emulator.inletURL, json: Fixture.envelope(id: "r")).status == 503)
        #expect(try await client.post(emulator.inletURL, json: Fixture.envelope(id: "r")).status == 200)
        #expect(emulator.record.messages.map(\.id) == ["r"])
        #expect(emulator.record.requests.map(\.status) == [503, 503, 200])
        #expect(emulator.record.requests.map { $0.fault != nil } == [true, true, false])
    }

    @Test func throttledWithAnHTTPDate() async throws {
        let emulator = try Fixture.startedEmulator()
        defer { emulator.stop() }
        let date = Date(timeIntervalSince1970: 1_900_000_000)
        emulator.faults.failNext(1, status: 429, retryAfter: .date(date))
        let reply = try await Client().post(emulator.batchURL, json: Fixture.batch([Fixture.envelope(id: "t")]))
        #expect(reply.status == 429)
        #expect(reply.header("Retry-After") == HTTPDate.string(from: date))
        #expect(reply.header("Retry-After")?.hasSuffix(" GMT") == true)
        #expect(emulator.record.count == 0)
    }

    @Test func forbiddenWithoutBodyLikeAnIPAllowlistBlock() async throws {
        let emulator = try Fixture.startedEmulator()
        defer { emulator.stop() }
        emulator.faults.inject(.status(403, emptyBody: true))
        let reply = try await Client().post(emulator.inletURL, json: Fixture.envelope(id: "f"))
        #expect(reply.status == 403)
        #expect(reply.body.isEmpty)
    }

    @Test func perMessageFailuresInside207() async throws {
        let emulator = try Fixture.startedEmulator { $0.failureShape = .status }
        defer { emulator.stop() }
        emulator.faults.failMessagesInNext(at: [1], status: 400, message: "bad one")
        emulator.faults.failMessages(where: { $0["body"]?["xdmEntity"]?["_id"] == "poison" }, status: 422, message: "poison")
        let client = Client()
        let messages = [Fixture.envelope(id: "m0"), Fixture.envelope(id: "m1"), Fixture.envelope(id: "poison")]
        let reply = try await client.post(emulator.batchURL, json: Fixture.batch(messages))
        #expect(reply.status == 207)
        let responses = try #require(reply.json?["responses"]?.arrayValue)
        #expect(responses[0]["status"] == nil)
        #expect(responses[1]["status"]?.int64Value == 400)
        #expect(responses[1]["message"] == "bad one")
        #expect(responses[2]["status"]?.int64Value == 422)
        #expect(emulator.record.messages.map(\.id) == ["m0"])
        // The one-shot is spent; the poison rule keeps failing on retry.
        let retry = try await client.post(emulator.batchURL, json: Fixture.batch([Fixture.envelope(id: "m1"), Fixture.envelope(id: "poison")]))
        let retried = try #require(retry.json?["responses"]?.arrayValue)
        #expect(retried[0]["status"] == nil)
        #expect(retried[1]["status"]?.int64Value == 422)
        #expect(emulator.record.messages.map(\.id) == ["m0", "m1"])
    }

    @Test func droppedConnectionGivesAClientErrorAndAcceptsNothing() async throws {
        let emulator = try Fixture.startedEmulator()
        defer { emulator.stop() }
        emulator.faults.dropNext()
        await #expect(throws: (any Error).self) {
            _ = try await Client().post(emulator.inletURL, json: Fixture.envelope(id: "d"))
        }
        #expect(emulator.record.count == 0)
        #expect(emulator.record.requests.first?.status == nil)
        #expect(try await Client().post(emulator.inletURL, json: Fixture.envelope(id: "d")).status == 200)
    }

    @Test func droppedAfterAcceptingMakesARetryADuplicate() async throws {
        let emulator = try Fixture.startedEmulator()
        defer { emulator.stop() }
        emulator.faults.dropNext(afterAccepting: true)
        await #expect(throws: (any Error).self) {
            _ = try await Client().post(emulator.inletURL, json: Fixture.envelope(id: "dup"))
        }
        #expect(try await Client().post(emulator.inletURL, json: Fixture.envelope(id: "dup")).status == 200)
        #expect(emulator.record.duplicateIDs == ["dup": 2])
    }

    @Test func slowResponsesStillAnswer() async throws {
        let emulator = try Fixture.startedEmulator()
        defer { emulator.stop() }
        emulator.faults.delayNext(by: .milliseconds(200))
        emulator.faults.inject(.status(503).delayed(by: .milliseconds(100)))
        let client = Client()
        #expect(try await client.post(emulator.inletURL, json: Fixture.envelope(id: "slow")).status == 200)
        #expect(try await client.post(emulator.inletURL, json: Fixture.envelope(id: "slow2")).status == 503)
        #expect(emulator.record.messages.map(\.id) == ["slow"])
    }

    @Test func aClientTimeoutOnASlowResponseLeavesTheMessageAccepted() async throws {
        let emulator = try Fixture.startedEmulator()
        defer { emulator.stop() }
        emulator.faults.delayNext(by: .seconds(1))
        emulator.faults.inject(.delay(.seconds(30)))
        // The client gives up while the response is delayed. A raw connection closed
        // once the delay has begun, not a short URLSession timeout: that timeout raced
        // the request itself, and under ThreadSanitizer fired before it was even sent.
        do {
            let late = try RawConnection(port: emulator.port)
            late.send(.post(emulator.inletURL.path, body: Fixture.envelope(id: "late").jsonString()))
            #expect(await eventually(timeout: .seconds(30)) { emulator.faults.injectedCount >= 1 })
            withExtendedLifetime(late) {}
        }
        #expect(await eventually(timeout: .seconds(30)) { emulator.record.message(withID: "late") != nil })
        // A request stuck in a 30 s delay does not hold up stop(): it is interrupted.
        let stuck = Task { try? await Client().post(emulator.inletURL, json: Fixture.envelope(id: "stuck")) }
        #expect(await eventually(timeout: .seconds(30)) { emulator.faults.injectedCount >= 2 })
        emulator.stop()
        #expect(await stuck.value?.status == nil)
        #expect(emulator.record.message(withID: "stuck") == nil)
    }

    @Test func seededRandomFaultsAreReproducibleOverHTTP() async throws {
        func run(seed: UInt64) async throws -> [Int?] {
            let emulator = try Fixture.startedEmulator {
                $0.faultRate = 0.5
                $0.faultSeed = seed
            }
            defer { emulator.stop() }
            for index in 0 ..< 30 {
                // A fresh session per request: URLSession on Linux does not notice a reused
                // keep-alive connection closed without a response until its timeout.
                _ = try? await Client().post(emulator.inletURL, json: Fixture.envelope(id: "r\(index)"))
            }
            return emulator.record.requests.map(\.status)
        }
        let first = try await run(seed: 99)
        #expect(first.count >= 30)
        #expect(first.contains(200))
        #expect(first.contains { $0 != 200 })
        #expect(try await run(seed: 99) == first)
    }

    @Test func faultRulesOverHTTP() async throws {
        let emulator = try Fixture.startedEmulator()
        defer { emulator.stop() }
        let rule = emulator.faults.add(FaultRule(.status(500), endpoint: .batch) { $0.body?["messages"]?.arrayValue?.count == 2 })
        let client = Client()
        #expect(try await client.post(emulator.batchURL, json: Fixture.batch([Fixture.envelope(id: "1"), Fixture.envelope(id: "2")])).status == 500)
        #expect(try await client.post(emulator.batchURL, json: Fixture.batch([Fixture.envelope(id: "1")])).status == 207)
        #expect(try await client.post(emulator.inletURL, json: Fixture.envelope(id: "3")).status == 200)
        emulator.faults.remove(rule)
        #expect(try await client.post(emulator.batchURL, json: Fixture.batch([Fixture.envelope(id: "4"), Fixture.envelope(id: "5")])).status == 207)
        #expect(emulator.faults.injectedCount == 1)
    }
}
