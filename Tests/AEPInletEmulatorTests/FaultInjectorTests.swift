@testable import AEPInletEmulator
import ChatlioJSON
import Testing

@Suite("Fault injector decisions")
struct FaultInjectorTests {
    private func request(_ number: Int, endpoint: InletEndpoint = .single, headers: [String: String] = [:]) -> FaultRule.Request {
        FaultRule.Request(endpoint: endpoint, number: number, body: nil, headers: headers, query: [:])
    }

    @Test func oneShotFaultsComeFirstAndInOrder() {
        let faults = FaultInjector()
        faults.add(FaultRule(.status(500)))
        faults.failNext(2, status: 503, retryAfter: .seconds(3))
        faults.dropNext()
        #expect(faults.pendingCount == 3)
        #expect(faults.decide(for: request(1)) == .status(503, retryAfter: .seconds(3)))
        #expect(faults.decide(for: request(2)) == .status(503, retryAfter: .seconds(3)))
        #expect(faults.decide(for: request(3)) == .dropConnection)
        #expect(faults.decide(for: request(4)) == .status(500))
        #expect(faults.pendingCount == 0)
        #expect(faults.injectedCount == 4)
    }

    @Test func rulesMatchEndpointConditionAndRetire() {
        let faults = FaultInjector()
        let batchOnly = faults.add(FaultRule(.status(429), endpoint: .batch, times: 2))
        faults.add(FaultRule(.status(502)) { $0.headers["x-adobe-flow-id"] == "flow-x" })
        #expect(faults.decide(for: request(1)) == nil)
        #expect(faults.decide(for: request(2, endpoint: .batch)) == .status(429))
        #expect(faults.decide(for: request(3, endpoint: .batch)) == .status(429))
        #expect(faults.decide(for: request(4, endpoint: .batch)) == nil)
        #expect(faults.decide(for: request(5, headers: ["x-adobe-flow-id": "flow-x"])) == .status(502))
        faults.remove(batchOnly)
        faults.reset()
        #expect(faults.decide(for: request(6, headers: ["x-adobe-flow-id": "flow-x"])) == nil)
    }

    @Test func seededRandomFaultsReplayExactly() {
        func sequence(seed: UInt64) -> [Fault?] {
            let faults = FaultInjector()
            faults.setRandomFaults(rate: 0.3, seed: seed)
            return (1 ... 500).map { faults.decide(for: request($0)) }
        }
        let first = sequence(seed: 7)
        #expect(first == sequence(seed: 7))
        #expect(first != sequence(seed: 8))
        let hits = first.compactMap { $0 }.count
        #expect(hits > 100 && hits < 200, "about 30 % of 500, got \(hits)")
        #expect(Set(first.compactMap { $0?.description }).count == Fault.defaultRandomChoices.count)
    }

    @Test func rateZeroAndOneAreExact() {
        let never = FaultInjector()
        never.setRandomFaults(rate: 0, seed: 1)
        #expect((1 ... 100).allSatisfy { never.decide(for: request($0)) == nil })
        let always = FaultInjector()
        always.setRandomFaults(rate: 1, seed: 1, choices: [.status(503)])
        #expect((1 ... 100).allSatisfy { always.decide(for: request($0)) == .status(503) })
        always.clearRandomFaults()
        #expect(always.decide(for: request(101)) == nil)
    }

    @Test func messageRulesMatchMessages() {
        let faults = FaultInjector()
        let id = faults.failMessages(where: { $0["body"]?["xdmEntity"]?["_id"] == "poison" }, status: 422, message: "no")
        #expect(faults.messageFailure(for: Fixture.envelope(id: "poison"))?.status == 422)
        #expect(faults.messageFailure(for: Fixture.envelope(id: "fine")) == nil)
        faults.remove(id)
        #expect(faults.messageFailure(for: Fixture.envelope(id: "poison")) == nil)
    }

    @Test func descriptionsNameTheFault() {
        #expect(Fault.status(503, retryAfter: .seconds(2)).description == "status 503 (Retry-After: 2)")
        #expect(Fault.dropConnection.delayed(by: .seconds(1)).description == "drop connection after 1.0 seconds")
        #expect(Fault.failMessages(at: [2, 0]).description == "fail messages [0, 2] with 400")
    }
}
