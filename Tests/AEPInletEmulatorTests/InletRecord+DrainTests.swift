import AEPInletEmulator
import ChatlioJSON
import Foundation
import Testing

@Suite struct InletRecordDrainTests {
    @Test func drainingHandsOverEachMessageOnce() async throws {
        let emulator = try Fixture.startedEmulator()
        defer { emulator.stop() }
        let client = Client()
        for id in ["a", "b"] { _ = try await client.post(emulator.inletURL, json: Fixture.envelope(id: id)) }
        #expect(emulator.record.drainMessages().map(\.id) == ["a", "b"])
        #expect(emulator.record.count == 0 && emulator.record.requests.isEmpty)
        _ = try await client.post(emulator.inletURL, json: Fixture.envelope(id: "c"))
        #expect(emulator.record.drainMessages().map(\.id) == ["c"])
        #expect(emulator.record.drainMessages().isEmpty)
    }
}
