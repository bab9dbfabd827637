import ChatlioRelayServer
import ChatlioWebhooks
import Foundation
import Testing

@Suite struct RelayServerAnswerTests {
    @Test func methodNotAllowedSaysPOSTInTheHeaderAndTheBody() throws {
        let answer = RelayServerAnswer.methodNotAllowed
        #expect(answer.status == 405 && answer.headers.contains { $0.name == "Allow" && $0.value == "POST" })
        #expect(answer.headers.contains { $0.name == "Content-Type" && $0.value == "application/json" })
        #expect(try JSONValue(parsing: answer.body) == ["allow": "POST", "status": "method not allowed"])
    }

    @Test func aFrameworkErrorIsItsReasonInLowerCase() throws {
        let answer = RelayServerAnswer.frameworkError(status: 404, reason: "Not Found")
        #expect(answer.status == 404 && String(decoding: answer.body, as: UTF8.self) == #"{"status":"not found"}"#)
    }

    /// The path of `/chatlio/{token}/{kind}` holds the URL token: the line keeps the first segment only.
    @Test func theRefusalLineNeverHoldsMoreThanTheFirstPathSegment() {
        let line = RelayServerAnswer.refusalLine(method: "PUT", path: "/chatlio/a-long-enough-url-token/visitor-feedback", status: 405, reason: "Method Not Allowed")
        #expect(line == "refused PUT /chatlio/…: 405 method not allowed")
        #expect(RelayServerAnswer.refusalLine(method: "GET", path: "/", status: 404, reason: "Not Found") == "refused GET /: 404 not found")
    }
}
