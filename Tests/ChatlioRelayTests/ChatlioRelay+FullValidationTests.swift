import ChatlioAEPTestSupport
import ChatlioRelay
import ChatlioWebhooks
import ChatlioXDMMapper
import Foundation
import Testing
import XDMSchemaRegistry

/// The relay relies on the mapper's validity by construction unless
/// `fullValidation` is set; either way a value the schema refuses is a 400
/// naming the field, and every accepted entity passes XDMValidator.
@Suite struct ChatlioRelayFullValidationTests {
    @Test func fullValidationIsOffByDefaultAndShownInTheDescription() {
        #expect(ChatlioRelay.Configuration().fullValidation == false)
        var configuration = ChatlioRelay.Configuration()
        configuration.fullValidation = true
        #expect(configuration.description.contains("fullValidation: true"))
    }

    @Test(arguments: [false, true])
    func everySampleIsAcceptedAndValid(fullValidation: Bool) async throws {
        let validator = try ChatlioXDM(tenantID: "acme").experienceEventValidator()
        for sample in SamplePayloads.all {
            let sink = RecordingSink()
            let relay = try RelayFixtures.relay({ $0.fullValidation = fullValidation }, sink: sink)
            let response = await relay.handle(WebhookRequest(route: sample.kind.rawValue, body: sample.data))
            #expect(response.status == 202, "\(sample)")
            let event = try #require(sink.accepted.first)
            #expect(validator.validate(try JSONValue(parsing: event.body)).isValid, "\(sample)")
        }
    }

    @Test(arguments: [false, true])
    func aValueOutsideTheSchemaIs400NamingTheField(fullValidation: Bool) async throws {
        var configuration = ChatlioRelay.Configuration()
        configuration.fullValidation = fullValidation
        let sink = RecordingSink()
        let quarantine = InMemoryQuarantineStore()
        let relay = try ChatlioRelay(
            configuration: configuration, mapper: XDMMapper(configuration: .init(tenantID: "acme", environmentType: "spaceship")),
            sink: sink, quarantine: quarantine)
        let response = await relay.handle(WebhookRequest(route: "conversation-started", body: try SamplePayloads.named(.conversationStarted, "basic")))
        #expect(response.status == 400)
        #expect(response.json?["error"]?["code"] == "invalid event")
        #expect(response.json?["error"]?["pointer"] == "/environment/type")
        #expect(sink.accepted.isEmpty && quarantine.items.first?.pointer == "/environment/type")
    }
}
