@testable import AEPInletEmulator
import ChatlioAEPSupport
import Foundation
import Testing

/// The emulator's required token: compared in constant time, never shown.
@Suite("Emulator token hygiene")
struct EmulatorTokenHygieneTests {
    private static let token = "emulator-token-5c1e7a9b"

    @Test func theConfigurationNeverShowsTheToken() {
        var configuration = AEPInletEmulator.Configuration()
        configuration.requiredToken = Self.token
        var dumped = ""
        dump(configuration, to: &dumped)
        for text in ["\(configuration)", String(reflecting: configuration), dumped] {
            #expect(!text.contains(Self.token), "\(text)")
            #expect(text.contains("<redacted>"))
        }
        #expect("\(AEPInletEmulator.Configuration())".contains("requiredToken: none"))
    }

    @Test func refusalsAndLogsNeverEchoEitherToken() async throws {
        let events = LogCollector()
        let emulator = try Fixture.startedEmulator {
            $0.requiredToken = Self.token
            $0.log = { events.append($0.message) }
        }
        defer { emulator.stop() }
        let presented = "presented-wrong-token-91d2"
        let client = Client()
        let forbidden = try await client.post(
            emulator.inletURL, json: Fixture.envelope(id: "e1"),
            headers: ["Content-Type": "application/json", "Authorization": "Bearer \(presented)"])
        #expect(forbidden.status == 403)
        let unauthorized = try await client.post(emulator.inletURL, json: Fixture.envelope(id: "e2"))
        #expect(unauthorized.status == 401)
        let accepted = try await client.post(
            emulator.inletURL, json: Fixture.envelope(id: "e3"),
            headers: ["Content-Type": "application/json", "Authorization": "Bearer \(Self.token)"])
        #expect(accepted.status == 200)
        emulator.stop()
        let texts = [forbidden, unauthorized, accepted].map { String(decoding: $0.body, as: UTF8.self) } + events.messages
        for text in texts {
            #expect(!text.contains(Self.token), "\(text)")
            #expect(!text.contains(presented), "\(text)")
        }
        #expect(!events.messages.isEmpty)
    }
}

private final class LogCollector: Sendable {
    private let storage = Locked<[String]>([])
    func append(_ message: String) { storage.withLock { $0.append(message) } }
    var messages: [String] { storage.withLock { $0 } }
}
