import ChatlioAEPSupport
@testable import AEPInletEmulator
import Foundation
import Testing

@Suite("Support: PRNG, HTTP dates, Retry-After")
struct SupportTests {
    @Test func splitMix64MatchesTheReferenceSequence() {
        // Reference values of SplitMix64 seeded with 0 (Vigna's splitmix64.c).
        var generator = SplitMix64(seed: 0)
        #expect(generator.next() == 0xE220_A839_7B1D_CDAF)
        #expect(generator.next() == 0x6E78_9E6A_A1B9_65F4)
        #expect(generator.next() == 0x06C4_5D18_8009_454F)
    }

    @Test func unitIntervalStaysInRange() {
        var generator = SplitMix64(seed: 42)
        for _ in 0 ..< 10_000 {
            let value = generator.nextUnitInterval()
            #expect(value >= 0 && value < 1)
        }
    }

    @Test func httpDateIsIMFFixdate() {
        #expect(HTTPDate.string(from: Date(timeIntervalSince1970: 784_111_777)) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(HTTPDate.string(from: Date(timeIntervalSince1970: 0)) == "Thu, 01 Jan 1970 00:00:00 GMT")
    }

    @Test func retryAfterHeaderValues() {
        #expect(RetryAfter.seconds(2).headerValue == "2")
        #expect(RetryAfter.seconds(-5).headerValue == "0")
        #expect(RetryAfter.date(Date(timeIntervalSince1970: 784_111_777)).headerValue == "Sun, 06 Nov 1994 08:49:37 GMT")
    }

    @Test func configurationProblemsAreReported() {
        let bad: [AEPInletEmulator.Configuration] = [
            .init(inletId: ""), .init(inletId: "has space"), .init(inletId: "batch"), .init(port: 70_000),
            .init(maxRequestBodyBytes: 0), .init(faultRate: 1.5), .init(requiredToken: ""),
        ]
        for configuration in bad {
            #expect(throws: AEPInletEmulatorError.self) { try AEPInletEmulator(configuration: configuration) }
            #expect(configuration.problem() != nil)
        }
        #expect(AEPInletEmulator.Configuration().problem() == nil)
    }
}
