import ChatlioAEPTestSupport
import Foundation
import Testing

/// The built `chatlio-replay`, driven as a new user drives it: bad flags, bad lines, sample
/// files by path, long runs.
@Suite(.serialized) struct ChatlioReplayCommandTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let samples = packageRoot.appendingPathComponent("Examples/Payloads")

    static func compactSample(_ kind: String, _ name: String) throws -> String {
        let data = try Data(contentsOf: samples.appendingPathComponent(kind).appendingPathComponent(name))
        let object = try JSONSerialization.jsonObject(with: data)
        return String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    static func line(_ kind: String, _ payload: String) -> String { #"{"kind":"\#(kind)","payload":\#(payload)}"# }

    func output(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("chatlio-replay-test-\(UUID().uuidString)-\(name)").path
    }

    @Test(arguments: [
        (["--timeout", "abc"], "--timeout must be a positive whole number, not 'abc'"),
        (["--timeout", "-5"], "--timeout must be a positive whole number, not '-5'"),
        (["--timeout", "0"], "--timeout must be a positive whole number, not '0'"),
        (["--mode", "json"], "--mode is xdm or raw, not 'json'"),
        (["--kind", "nope"], "unknown kind 'nope'"),
        (["--bogus"], "unknown option '--bogus'"),
        (["/nonexistent/chatlio.json"], "cannot read /nonexistent/chatlio.json: no such file"),
    ])
    func aBadCommandLineIsAUsageErrorThatSaysWhy(arguments: [String], message: String) async throws {
        let run = try await BuiltExecutable.run("chatlio-replay", arguments)
        #expect(run.status == 2, "\(run.errors)")
        #expect(run.errors.contains(message), "\(run.errors)")
    }

    @Test func badStdinLinesAreRefusedOneByOneAndTheOthersGoOn() async throws {
        let good = try Self.compactSample("conversation-started", "basic.json")
        let lines = [#"{"kind":"nope","payload":{}}"#, "garbage", "", #"{"kind":"conversation-started"}"#, Self.line("conversation-started", good)]
        let run = try await BuiltExecutable.run(
            "chatlio-replay", ["--stdin", "--output", output("delivered.ndjson")], standardInput: Data(lines.joined(separator: "\n").utf8))
        #expect(run.status == 1, "one line is delivered, three are refused: \(run.output)")
        #expect(run.output.contains("stdin:1: unknown kind \"nope\""), "\(run.output)")
        #expect(run.output.contains("stdin:2: not a JSON object"), "\(run.output)")
        #expect(run.output.contains("stdin:4: no \"payload\" object"), "line numbers count the blank line: \(run.output)")
        #expect(run.output.contains("refused         3"), "\(run.output)")
        #expect(run.output.contains("delivered       1 "), "\(run.output)")
    }

    @Test func aSampleFileGivenByPathTakesItsKindFromItsFolder() async throws {
        // The three conversation-event kinds share one shape, so only the folder can tell them apart.
        let file = Self.samples.appendingPathComponent("unanswered-message/basic.json").path
        let run = try await BuiltExecutable.run("chatlio-replay", ["--dry-run", file])
        #expect(run.status == 0, "\(run.errors)")
        #expect(run.output.contains(#""webhookKind":"unanswered-message""#), "\(run.output)")
    }

    @Test func aDryRunWritesTheSameBytesEveryTime() async throws {
        let arguments = ["--dry-run", Self.samples.appendingPathComponent("conversation-started/emoji-unknown-keys.json").path]
        let first = try await BuiltExecutable.run("chatlio-replay", arguments)
        let second = try await BuiltExecutable.run("chatlio-replay", arguments)
        #expect(first.status == 0 && second.status == 0, "\(first.errors)\(second.errors)")
        #expect(!first.output.isEmpty)
        // Each run hashes with its own seed, so an unsorted dictionary would differ between them. The
        // event time of a conversation event is when it was received, so that member is set aside.
        func withoutReceiveTime(_ text: String) -> String {
            text.replacingOccurrences(of: #""timestamp":"[^"]*""#, with: #""timestamp":"…""#, options: .regularExpression)
        }
        #expect(first.output.contains(#""timestamp":""#))
        #expect(withoutReceiveTime(first.output) == withoutReceiveTime(second.output))
    }

    @Test func aLongRunPrintsProgressInsteadOfALinePerInputAndQuietPrintsNeither() async throws {
        let good = try Self.compactSample("conversation-started", "basic.json")
        // Distinct bodies (a distinct message each), so none is a duplicate of another.
        let lines = (0..<250).map { index in
            Self.line("conversation-started", good.replacingOccurrences(of: #""message":""#, with: #""message":"copy \#(index) "#))
        }
        let input = Data(lines.joined(separator: "\n").utf8)
        let run = try await BuiltExecutable.run("chatlio-replay", ["--stdin", "--output", output("long.ndjson")], standardInput: input)
        #expect(run.status == 0, "\(run.errors)")
        #expect(run.errors.contains("sent to the relay 250 of 250"), "\(run.errors)")
        #expect(run.errors.contains("waiting for delivery of 250 events"), "\(run.errors)")
        #expect(!run.errors.contains("[1/250]"), "no line per input above 200 inputs")
        #expect(run.output.contains("delivered       250 "), "\(run.output)")

        let quiet = try await BuiltExecutable.run("chatlio-replay", ["--stdin", "--quiet", "--output", output("quiet.ndjson")], standardInput: input)
        #expect(quiet.status == 0, "\(quiet.errors)")
        #expect(quiet.errors.isEmpty, "\(quiet.errors)")
        #expect(quiet.output.contains("delivered       250 "), "\(quiet.output)")
    }
}
