import ChatlioAEPTestSupport
import Foundation
import Testing

/// The built `chatlio-decode` (Examples/chatlio-decode): its exit status, as every ChatlioAEP tool has it.
@Suite struct ChatlioDecodeCommandTests {
    static let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Examples/Payloads")

    @Test(arguments: [
        (["--kind", "nope"], "unknown kind 'nope'"),
        (["--kind"], "--kind needs a value"),
        (["--bogus"], "unknown option '--bogus'"),
        (["--help=yes"], "--help takes no value"),
        (["/nonexistent/chatlio.json"], "cannot read /nonexistent/chatlio.json: no such file"),
        (["/"], "cannot read /: it is a directory"),
    ])
    func aBadCommandLineIsAUsageErrorThatExitsTwo(arguments: [String], message: String) async throws {
        let run = try await BuiltExecutable.run("chatlio-decode", arguments)
        #expect(run.status == 2, "\(arguments): \(run.errors)")
        #expect(run.errors.contains(message), "\(run.errors)")
        #expect(run.output.isEmpty, "nothing is decoded before the usage error: \(run.output)")
    }

    @Test func aSampleDecodesWithStatusZeroAndABodyThatIsNotAWebhookWithOne() async throws {
        let sample = Self.samples.appendingPathComponent("offline-message/basic.json").path
        let decoded = try await BuiltExecutable.run("chatlio-decode", [sample])
        #expect(decoded.status == 0, "\(decoded.output)\(decoded.errors)")
        #expect(decoded.output.contains("1 of 1 decoded"), "\(decoded.output)")

        let notAWebhook = FileManager.default.temporaryDirectory.appendingPathComponent("chatlio-decode-test-\(UUID().uuidString).json")
        try Data(#"{"bogus":1}"#.utf8).write(to: notAWebhook)
        defer { try? FileManager.default.removeItem(at: notAWebhook) }
        let refused = try await BuiltExecutable.run("chatlio-decode", [notAWebhook.path])
        #expect(refused.status == 1, "a body that does not decode is a failure, not a usage error: \(refused.output)")
        #expect(refused.output.contains("0 of 1 decoded"), "\(refused.output)")
    }
}
