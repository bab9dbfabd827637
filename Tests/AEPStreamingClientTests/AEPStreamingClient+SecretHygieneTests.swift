import ChatlioAEPSupport
@testable import AEPStreamingClient
import AEPInletEmulator
import Foundation
import Testing

@Suite("AEPStreamingClient over loopback: secrets an inlet echoes never reach logs, reports or dead letters", loopbackTimeLimit)
struct AEPStreamingClientSecretHygieneTests {
    static let token = "static-token+with/odd=chars 42"

    /// An inlet that refuses the one message with a 400 whose message echoes the Authorization header raw,
    /// percent-encoded and form-encoded, after one 503 that does the same.
    static func echoingInlet() throws -> ScriptedHTTPServer {
        let answered = Locked(0)
        return try ScriptedHTTPServer { request, connection in
            let header = request.headers["authorization"] ?? ""
            let encoded = header.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            let form = header.replacingOccurrences(of: " ", with: "+")
            let text = "we got \(header) (\(encoded), \(form))"
            let first = answered.withLock { $0 += 1; return $0 == 1 }
            let body = #"{"title":"Nope","report":{"message":\#(String(decoding: JSONEncoder.escaped(text), as: UTF8.self))}}"#
            _ = connection.respond(status: first ? 503 : 400, headers: [("Content-Type", "application/json")], body: body)
        }
    }

    // Regression (issue 13): an inlet echoing `Bearer …` put the access token into logs and dead-letter reasons.
    @Test("a 503 then a 400 echoing the bearer token: the log, the report and the kept dead letter say <redacted>")
    func echoedTokenRedacted() async throws {
        let inlet = try Self.echoingInlet()
        defer { inlet.stop() }
        let logs = LogCollector()
        var configuration = AEPStreamingClient.Configuration(
            inletURL: inlet.url("/collection/abc"), format: .xdm(schemaID: "https://ns.adobe.com/acme/schemas/s", datasetID: "d"), flowID: "flow-1",
            authentication: .bearerToken(Secret(Self.token))
        )
        configuration.batching.mode = .single()
        configuration.retry = RetryPolicy(initialBackoff: .milliseconds(10), maxBackoff: .milliseconds(50))
        configuration.log = logs.handler
        let letters = InMemoryDeadLetterStore()
        let client = try await AEPStreamingClient(configuration: configuration, outbox: InMemoryOutbox(), deadLetters: letters)
        let reports = ReportCollector(client)
        try await client.send(Fixture.event("evt-1"))
        #expect(await client.flush(timeout: .seconds(10)))
        #expect(await reports.waitFor(1))
        guard case .deadLettered(400, let message)? = reports.all.first?.outcome else {
            Issue.record("expected a 400 dead letter: \(reports.all)")
            return
        }
        let reason = try #require(try await letters.letter(id: "evt-1")).entry.reason
        #expect(message.contains("<redacted>"), "\(message)")
        let token = Self.token
        let forms = [token, token.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? token, token.replacingOccurrences(of: " ", with: "+")]
        for text in [message, reason] + logs.all.map(\.message) {
            for form in forms { #expect(!text.contains(form), "the token shows in \(text)") }
        }
        #expect(logs.all.contains { $0.message.contains("HTTP 503") && $0.message.contains("<redacted>") }, "\(logs.all.map(\.message))")
        await client.shutdown(timeout: .seconds(5))
    }
}

extension JSONEncoder {
    /// `text` as a JSON string literal.
    static func escaped(_ text: String) -> Data {
        (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8)
    }
}
