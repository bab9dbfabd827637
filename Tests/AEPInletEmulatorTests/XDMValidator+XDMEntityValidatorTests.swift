import AEPInletEmulator
import ChatlioJSON
import Foundation
import Testing
import XDMSchemaRegistry

/// The registry's compiled validator plugged into the emulator: synchronous
/// validation answers in AEP's report shape with the registry's findings.
@Suite struct XDMValidatorEmulatorTests {
    static let entity: JSONObject = [
        "_id": "e-1", "timestamp": "2024-05-01T12:34:56.789Z", "eventType": "chat.conversationStarted",
        "_acme": ["chatlio": ["webhookKind": "conversation-started", "message": "hi"]],
    ]

    @Test func validEntitiesPassAndViolationsComeBackAsAEPReports() async throws {
        let validator = try ChatlioXDM(tenantID: "acme").experienceEventValidator()
        let emulator = try Fixture.startedEmulator { $0.validator = validator }
        defer { emulator.stop() }
        let client = Client()
        let url = emulator.inletURL(syncValidation: true)

        let valid = try await client.post(url, json: Fixture.envelope(id: "e-1", entity: Self.entity))
        #expect(valid.status == 200)
        #expect(valid.json?["syncValidation"] == ["status": "pass"])

        var broken = Self.entity
        broken["_id"] = 42
        broken["_acme"] = ["chatlio": ["webhookKind": "chat-started"]]
        let invalid = try await client.post(url, json: Fixture.envelope(id: "e-2", entity: broken))
        #expect(invalid.status == 400)
        let text = String(decoding: invalid.body, as: UTF8.self)
        #expect(text.contains("#/_id") && text.contains("#/_acme/chatlio/webhookKind"))
        #expect(emulator.record.count == 1)
    }

    @Test func theConformanceTranslatesPointersAndKeywords() throws {
        let validator = try ChatlioXDM(tenantID: "acme").experienceEventValidator()
        var broken = Self.entity
        broken["timestamp"] = "yesterday"
        let violations = validator.violations(of: .object(broken), schemaID: nil)
        #expect(violations == [XDMViolation(pointer: "/timestamp", schemaLocation: violations.first?.schemaLocation ?? "", keyword: .format, message: violations.first?.message ?? "")])
        #expect(violations.first?.schemaLocation.hasPrefix("#/") == true)
    }
}
