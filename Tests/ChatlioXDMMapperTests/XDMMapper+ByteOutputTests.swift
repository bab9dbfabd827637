import ChatlioAEPSupport
@testable import ChatlioXDMMapper
import ChatlioAEPTestSupport
import ChatlioWebhooks
import Foundation
import Testing
import XDMSchemaRegistry

/// The byte writer against the tree-building mapper it replaced
/// (`LegacyEventDraft`, kept here as the oracle): for every bundled sample
/// and the contract tests' randomized payloads, under every privacy policy,
/// with array caps and with size budgets that force each trim step, the
/// written event parses to the same JSON value, has the same byte length
/// (the budget counts bytes, so trimming must see the same sizes), the same
/// report, and fails with the same error when it fails.
@Suite struct XDMMapperByteOutputTests {
    static let configurations: [(String, @Sendable (inout XDMMapper.Configuration) -> Void)] = [
        ("default", { _ in }),
        ("hash everything", { $0.privacy = .init(email: .hash, name: .hash, ipAddress: .hash, userAgent: .hash, messageText: .hash); $0.namespaces.identUserId = "CRMID" }),
        ("drop everything", { $0.privacy = .init(email: .drop, name: .drop, ipAddress: .drop, userAgent: .drop, messageText: .drop) }),
        ("shared namespace, identUserId primary", { $0.namespaces.identUserId = "ECID"; $0.namespaces.email = "ECID"; $0.primaryIdentity = .identUserId }),
        ("array caps", { $0.arrayCaps = .init(transcriptMessages: 3, extraData: 2) }),
        ("budget 2,500", { $0.sizeBudget = .init(maxBytes: 2_500) }),
        ("budget 1,200", { $0.sizeBudget = .init(maxBytes: 1_200) }),
        ("budget 700", { $0.sizeBudget = .init(maxBytes: 700) }),
    ]

    /// Maps with both implementations (each with its own identity store fed
    /// the same sequence) and compares.
    struct Pair {
        let mapper: XDMMapper
        let oracle: XDMMapper

        init(_ configure: (inout XDMMapper.Configuration) -> Void) throws {
            mapper = try MapperFixtures.mapper(configure, store: InMemoryConversationIdentityStore(capacity: 20))
            oracle = try MapperFixtures.mapper(configure, store: InMemoryConversationIdentityStore(capacity: 20))
        }

        /// Whether the event was mapped (not refused); records mismatches as issues.
        @discardableResult
        func compare(_ webhook: ChatlioWebhook, _ label: String) -> Bool {
            let new = Result { () throws(XDMMapperError) in try mapper.map(webhook, receivedAt: MapperFixtures.receivedAt) }
            let old = Result { () throws(XDMMapperError) in try oracle.legacyMap(webhook, receivedAt: MapperFixtures.receivedAt) }
            switch (new, old) {
            case (.success(let event), .success(let expected)):
                let parsed = try? JSONValue(parsing: event.jsonBytes)
                #expect(parsed == expected.value, "\(label): the written JSON differs from the oracle's")
                #expect(event.value == expected.value, "\(label)")
                #expect(event.jsonBytes.count == expected.jsonBytes.count, "\(label): byte lengths differ")
                #expect(event.report == expected.report, "\(label)")
                return true
            case (.failure(let error), .failure(let expected)):
                #expect(error == expected, "\(label)")
            default:
                Issue.record("\(label): one implementation failed, the other did not: \(new) vs \(old)")
            }
            return false
        }
    }

    @Test(arguments: SamplePayloads.all)
    func everySampleMatchesTheOracle(_ sample: SamplePayloads.Sample) throws {
        let webhook = try ChatlioWebhook.decode(sample.data, kind: sample.kind)
        for (name, configure) in Self.configurations {
            try Pair(configure).compare(webhook, "\(sample) with \(name)")
        }
    }

    @Test func randomizedPayloadsMatchTheOracle() throws {
        let pairs = try Self.configurations.map { try Pair($0.1) }
        var random = SplitMix64(seed: 0x5EED_0004)
        var mapped = 0
        for iteration in 0..<3_000 {
            let kind = WebhookKind.allCases[iteration % WebhookKind.allCases.count]
            let webhook = try ChatlioWebhook(kind: kind, jsonObject: XDMMapperContractTests.payload(kind, &random))
            let index = iteration % pairs.count
            if pairs[index].compare(webhook, "iteration \(iteration) with \(Self.configurations[index].0)") { mapped += 1 }
        }
        #expect(mapped > 2_000, "most randomized payloads must map, so the comparison covers them")
    }

    @Test func escapingMatchesJSONWriterByteForByte() {
        var texts = ["", "plain", "\"", "\\", "a\"b\\c", "tab\there", "line\nbreak\r\n", "\u{08}\u{0C}", "Zoë 🚀 カート", "0123456789abcdef\"", String(repeating: "x", count: 70) + "\u{01}"]
        texts += (0..<0x20).map { String(UnicodeScalar(UInt8($0))) + "12345678" }
        for text in texts {
            var writer = EventJSONWriter(capacity: 1, reusingThreadBuffer: false)  // one byte, so the writes grow the buffer
            writer.string(text)
            let bytes = writer.finish()
            #expect(bytes == JSONValue.string(text).serialized(), "\(text.debugDescription)")
        }
        for number in [0, 7, 10, 99, 1_000_000, -3, Int.max, Int.min] {
            var writer = EventJSONWriter(capacity: 1, reusingThreadBuffer: false)  // one byte, so the writes grow the buffer
            writer.integer(number)
            let bytes = writer.finish()
            #expect(bytes == JSONValue.number(JSONNumber(number)).serialized(), "\(number)")
        }
    }
}
