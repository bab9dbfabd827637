import ChatlioAEPSupport
import ChatlioAEPTestSupport
import ChatlioRelay
import ChatlioWebhooks
import ChatlioXDMMapper
import Foundation
import Testing

/// The URL token never leaves the relay: not in descriptions, logs,
/// responses, errors or the quarantine.
@Suite struct RelaySecretHygieneTests {
    static let presented = "presented-but-wrong-7f3a"

    @Test func configurationAndRequestDescriptionsNeverShowTheToken() {
        var configuration = ChatlioRelay.Configuration()
        configuration.sharedSecret = RelayFixtures.secret
        let request = WebhookRequest(
            route: "offline-message", body: Data("{}".utf8), headers: [("x-chatlio", "1")],
            query: ["token": RelayFixtures.secret], pathToken: RelayFixtures.secret)
        for value in [configuration as Any, request as Any] {
            var dumped = ""
            dump(value, to: &dumped)
            for text in [String(describing: value), String(reflecting: value), dumped] {
                #expect(!text.contains(RelayFixtures.secret), "\(text)")
                #expect(text.contains("<redacted>"), "\(text)")
            }
        }
        #expect(String(describing: request).contains("query: [token]"))
    }

    @Test func logsResponsesQuarantineAndErrorsNeverShowAToken() async throws {
        let logs = Locked<[String]>([])
        let quarantine = InMemoryQuarantineStore()
        let relay = try ChatlioRelay(
            configuration: .init(sharedSecret: RelayFixtures.secret),
            mapper: XDMMapper(configuration: .init(tenantID: "acme")),
            sink: RecordingSink(), quarantine: quarantine,
            log: { event in logs.withLock { $0.append(event.message) } },
            now: { RelayFixtures.receivedAt })
        let good = try SamplePayloads.named(.offlineMessage, "basic")
        let responses = [
            await relay.handle(WebhookRequest(route: "offline-message", body: good, query: ["token": Self.presented])),
            await relay.handle(WebhookRequest(route: "offline-message", body: good, pathToken: Self.presented)),
            await relay.handle(WebhookRequest(route: "offline-message", body: good, query: ["token": RelayFixtures.secret])),
            await relay.handle(WebhookRequest(route: "offline-message", body: Data(#"{"visitor":1}"#.utf8), query: ["token": RelayFixtures.secret])),
            await relay.handle(WebhookRequest(route: "offline-message", body: Data(count: 2 << 20), query: ["token": RelayFixtures.secret])),
        ]
        #expect(responses.map(\.status) == [401, 401, 202, 400, 413])
        var texts = responses.map { String(decoding: $0.body, as: UTF8.self) + "\($0.headers)" }
        texts += logs.withLock { $0 }
        texts += quarantine.items.map { "\($0)" }
        texts += [String(describing: relay.configuration), String(describing: relay.metrics())]
        do {
            _ = try ChatlioRelay(configuration: .init(sharedSecret: "short-secret"), mapper: nil, sink: RecordingSink(), quarantine: quarantine)
        } catch {
            texts.append(String(describing: error))
            #expect(!String(describing: error).contains("short-secret"))
        }
        #expect(quarantine.items.count == 1)
        #expect(!logs.withLock { $0 }.isEmpty)
        for text in texts {
            #expect(!text.contains(RelayFixtures.secret), "\(text)")
            #expect(!text.contains(Self.presented), "\(text)")
        }
    }
}
