import ChatlioJSON
import ChatlioAEPSupport
import ChatlioWebhooks
import ChatlioAEPTestSupport
import Foundation
import Testing

/// Mutates valid samples thousands of times (drop, retype, truncate, nest,
/// corrupt bytes) and checks each result either decodes or throws the typed
/// error with the class the mutation implies; a trap would end the run.
@Suite struct ChatlioWebhookMutationTests {
    /// Every container path in a value, as pointer tokens.
    static func paths(in value: JSONValue, prefix: [String] = []) -> [[String]] {
        switch value {
        case .object(let object):
            return object.flatMap { key, member in [prefix + [key]] + paths(in: member, prefix: prefix + [key]) }
        case .array(let array):
            return array.indices.flatMap { index in [prefix + [String(index)]] + paths(in: array[index], prefix: prefix + [String(index)]) }
        default:
            return []
        }
    }

    static func replacing(_ path: ArraySlice<String>, in value: JSONValue, with replacement: JSONValue?) -> JSONValue {
        guard let head = path.first else { return replacement ?? .null }
        switch value {
        case .object(var object):
            if path.count == 1 && replacement == nil {
                object[head] = nil
            } else if let member = object[head] {
                object[head] = replacing(path.dropFirst(), in: member, with: replacement)
            }
            return .object(object)
        case .array(var array):
            guard let index = Int(head), array.indices.contains(index) else { return value }
            if path.count == 1 && replacement == nil {
                array.remove(at: index)
            } else {
                array[index] = replacing(path.dropFirst(), in: array[index], with: replacement)
            }
            return .array(array)
        default:
            return value
        }
    }

    static let otherTypes: [JSONValue] = [nil, true, 17, -3.25, "", "text", [], [1, "a"], [:], ["k": "v"]]

    @Test func mutatedPayloadsDecodeOrThrowTypedErrors() throws {
        let samples = SamplePayloads.all
        try #require(!samples.isEmpty)
        var random = SplitMix64(seed: 0xC4A7_1105)
        var outcomes: [String: Int] = [:]
        for iteration in 0..<6_000 {
            let sample = samples[Int(random.next() % UInt64(samples.count))]
            let original = try JSONValue(parsing: sample.data)
            let paths = Self.paths(in: original)
            let body: Data
            var expected: Set<ChatlioWebhookError.Code>? = nil
            switch iteration % 5 {
            case 0:  // drop a member or element
                let path = paths[Int(random.next() % UInt64(paths.count))]
                body = Data(Self.replacing(path[...], in: original, with: nil).serialized())
            case 1:  // retype a value
                let path = paths[Int(random.next() % UInt64(paths.count))]
                let replacement = Self.otherTypes[Int(random.next() % UInt64(Self.otherTypes.count))]
                body = Data(Self.replacing(path[...], in: original, with: replacement).serialized())
            case 2:  // truncate
                let bytes = original.serialized()
                body = Data(bytes.prefix(Int(random.next() % UInt64(bytes.count))))
                expected = [.invalidJSON]
            case 3:  // nest a value deeply
                let path = paths[Int(random.next() % UInt64(paths.count))]
                var nested = original.value(at: JSONPointer.string(from: path)) ?? .null
                for _ in 0..<Int(random.next() % 80) { nested = .array([nested]) }
                body = Data(Self.replacing(path[...], in: original, with: nested).serialized())
            default:  // corrupt bytes
                var bytes = original.serialized()
                for _ in 0...Int(random.next() % 4) {
                    bytes[Int(random.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: random.next())
                }
                body = Data(bytes)
            }
            let result = Result { () throws(ChatlioWebhookError) in try ChatlioWebhook.decode(body, kind: sample.kind) }
            switch result {
            case .success(let webhook):
                #expect(webhook.kind == sample.kind)
                #expect(expected == nil, "iteration \(iteration) decoded but should have failed")
                // Whatever decodes must round-trip exactly.
                #expect(try JSONValue(parsing: webhook.serialized()) == (try JSONValue(parsing: body)))
                outcomes["decoded", default: 0] += 1
            case .failure(let error):
                if let expected { #expect(expected.contains(error.code), "iteration \(iteration): \(error)") }
                #expect(error.kind == sample.kind)
                #expect(error.pointer.isEmpty || error.pointer.hasPrefix("/"))
                outcomes[error.code.description, default: 0] += 1
            }
        }
        // The mutations must exercise both outcomes and the main error classes.
        for outcome in ["decoded", "invalid JSON", "type mismatch", "missing field", "nesting too deep"] {
            #expect(outcomes[outcome, default: 0] > 0, "no \(outcome) among \(outcomes)")
        }
    }
}
