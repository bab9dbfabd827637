@testable import AEPStreamingClient
import ChatlioAEPSupport
import Foundation
import Testing

/// The tape-reading classifier against the tree-reading one it replaced
/// (``ReferenceResponseClassifier``): the same outcome, verdict for verdict and
/// message for message, for the fuzz seeds and for thousands of generated answers
/// (every status class, both endpoints, short, long and mismatched lists, markers as
/// numbers, strings, floats and junk, shuffled and duplicated `xactionId` suffixes,
/// escapes, non-ASCII text, and bodies cut or corrupted at random).
@Suite("ResponseClassifier matches the JSONValue reference")
struct ResponseClassifierReferenceTests {
    let now = Date(timeIntervalSince1970: 1_700_000_000)
    static let statuses = [200, 207, 299, 302, 400, 401, 403, 404, 408, 413, 429, 500, 501, 502, 503, 505, 599, 99, 600]

    func expectSame(_ body: [UInt8], messageCount: Int, file: String = "") {
        for status in Self.statuses {
            for batch in [true, false] {
                for sync in [false, true] {
                    for truncated in [false, true] where !truncated || status == 207 {
                        let count = batch ? messageCount : 1
                        let new = ResponseClassifier.classify(
                            status: status, retryAfterHeader: "120", locationHeader: "https://example.com/x", body: Data(body), bodyTruncated: truncated,
                            messageCount: count, batchEndpoint: batch, syncValidation: sync, now: now
                        )
                        let old = ReferenceResponseClassifier.classify(
                            status: status, retryAfterHeader: "120", locationHeader: "https://example.com/x", body: Data(body), bodyTruncated: truncated,
                            messageCount: count, batchEndpoint: batch, syncValidation: sync, now: now
                        )
                        #expect(new == old, "status \(status), \(count) messages, batch \(batch), sync \(sync), cut \(truncated), \(file) body \(String(decoding: body.prefix(300), as: UTF8.self))")
                        if new != old { return }
                    }
                }
            }
        }
    }

    @Test("every fuzz seed's body gives the reference's outcome")
    func fuzzSeeds() throws {
        let seeds = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fuzz/Seeds/fuzz-aep-response")
        let names = try FileManager.default.contentsOfDirectory(atPath: seeds.path).sorted()
        #expect(names.count >= 10)
        for name in names {
            let input = try [UInt8](Data(contentsOf: seeds.appendingPathComponent(name)))
            guard input.count >= 14 else { continue }
            let rest = Array(input[14...])
            let body = rest.firstIndex(of: 0).map { Array(rest[($0 + 1)...]) } ?? rest
            let count = 1 + (Int(input[2]) << 8 | Int(input[3])) % 600
            for messageCount in Set([1, 2, 3, count]) { expectSame(body, messageCount: messageCount, file: name) }
        }
    }

    @Test("generated answers give the reference's outcome", arguments: 0 ..< 8)
    func generated(seed: UInt64) {
        var random = Generator(seed: seed)
        for _ in 0 ..< 150 {
            let messageCount = 1 + random.below(7)
            var body = Array(Self.answer(&random, messageCount: messageCount).utf8)
            switch random.below(8) {
            case 0 where !body.isEmpty: body = Array(body.prefix(random.below(body.count)))   // cut anywhere
            case 1 where !body.isEmpty: body[random.below(body.count)] = UInt8(truncatingIfNeeded: random.next())   // one byte corrupted
            default: break
            }
            expectSame(body, messageCount: messageCount)
        }
    }

    // MARK: - Generated answers

    static func answer(_ random: inout Generator, messageCount: Int) -> String {
        switch random.below(10) {
        case 0: return ""
        case 1: return problem(&random)
        case 2: return random.pick([#"[]"#, #"null"#, #""responses""#, #"{"responses":{}}"#, #"{"responses":"x"}"#, #"{"xactionId":7}"#])
        case 3, 4, 5: return consistent(&random, messageCount: messageCount)
        default: break
        }
        let entryCount = random.below(4) == 0 ? random.below(messageCount + 3) : messageCount
        let order = random.below(3) == 0 ? (0 ..< entryCount).shuffled(using: &random) : Array(0 ..< entryCount)
        let entries = order.map { entry(&random, index: $0, messageCount: messageCount) }
        var members = [#""inletId":"i""#, #""batchId":"b""#, #""responses":[\#(entries.joined(separator: ","))]"#]
        if random.below(4) == 0 { members.append(#""xactionId":"\#(xactionID(&random, index: 0))""#) }
        if random.below(5) == 0 { members.append(#""message":\#(text(&random))"#) }
        return "{" + members.shuffled(using: &random).joined(separator: ",") + "}"
    }

    /// An answer as AEP writes it: one entry per message, each `xactionId` ending in its message's
    /// index (in the spellings `Int(_:)` reads), in a shuffled order, some entries failed.
    static func consistent(_ random: inout Generator, messageCount: Int) -> String {
        let entries = (0 ..< messageCount).shuffled(using: &random).map { index in
            let suffix = random.pick(["\(index)", "\(index)", "+\(index)", "00\(index)"])
            var members = [#""xactionId":"\#(random.pick(["1565628583792:1485:153:", "f7a2b2c8-4d06a58d2dc7-", "b:"]))\#(suffix)""#]
            if random.below(3) == 0 { members.append(#""statusCode":\#(marker(&random))"#) }
            if random.below(2) == 0 { members.append(#""message":\#(text(&random))"#) }
            return "{" + members.shuffled(using: &random).joined(separator: ",") + "}"
        }
        return #"{"inletId":"i","batchId":"b","receivedTimeMs":1,"responses":[\#(entries.joined(separator: ","))]}"#
    }

    static func entry(_ random: inout Generator, index: Int, messageCount: Int) -> String {
        switch random.below(12) {
        case 0: return random.pick(["null", "1", #""ok""#, "[]", #"[{"status":500}]"#])
        case 1: return "{}"
        default: break
        }
        var members: [String] = []
        if random.below(4) != 0 { members.append(#""xactionId":\#(random.below(12) == 0 ? "12" : #""\#(xactionID(&random, index: random.below(6) == 0 ? random.below(messageCount + 2) : index))""#)"#) }
        if random.below(3) == 0 { members.append(#""status":\#(marker(&random))"#) }
        if random.below(3) == 0 { members.append(#""statusCode":\#(marker(&random))"#) }
        if random.below(2) == 0 { members.append(#""message":\#(text(&random))"#) }
        if random.below(6) == 0 { members.append(#""report":{"message":\#(text(&random))}"#) }
        return "{" + members.shuffled(using: &random).joined(separator: ",") + "}"
    }

    static func xactionID(_ random: inout Generator, index: Int) -> String {
        let suffix = random.below(10) == 0 ? random.pick(["", "x", "+\(index)", "0\(index)", "99999999999999999999", "-1", "1.0", " \(index)", "\u{0663}"]) : String(index)
        let separator = random.pick([":", ":", "-", "\\u002d", "é:", ":\u{301}", "\u{0600}:"])
        return random.pick(["1565628583792:1485:153", "f7a2b2c8-4d06a58d2dc7", "b", ""]) + separator + suffix
    }

    static func marker(_ random: inout Generator) -> String {
        random.pick([
            "200", "201", "299", "300", "400", "401", "404", "408", "429", "500", "501", "503", "505", "199", "0", "-5", "200.0", "200.9", "4.2e2",
            "1e400", "-0", "99999999999999999999", #""200""#, #""503""#, #"" 429 ""#, #""4O4""#, #""""#, "true", "null", "[]", "{}", #""\u0035\u0030\u0030""#,
        ])
    }

    static func text(_ random: inout Generator) -> String {
        random.pick([#""busy""#, #""""#, #""   ""#, #""\t\n""#, #""Message has unknown xdm format""#, #""caf\u00e9 \"quoted\"""#, #""ünïcödé""#, "7", "null", #"["x"]"#])
    }

    static func problem(_ random: inout Generator) -> String {
        var members: [String] = []
        for name in ["title", "detail", "message"] where random.below(2) == 0 { members.append(#""\#(name)":\#(text(&random))"#) }
        if random.below(2) == 0 { members.append(random.pick([#""report":{"message":"\#(random.pick(["bad org", " ", ""]))"}"#, #""report":"flat""#, #""report":{}"#])) }
        return "{" + members.shuffled(using: &random).joined(separator: ",") + "}"
    }

    /// SplitMix64 (the package's): reproducible per seed.
    struct Generator: RandomNumberGenerator {
        var source: SplitMix64
        init(seed: UInt64) { source = SplitMix64(seed: seed &* 0x9E37_79B9_7F4A_7C15 &+ 1) }
        mutating func next() -> UInt64 { source.next() }
        mutating func below(_ bound: Int) -> Int { bound <= 0 ? 0 : Int(next() % UInt64(bound)) }
        mutating func pick<T>(_ options: [T]) -> T { options[below(options.count)] }
    }
}
