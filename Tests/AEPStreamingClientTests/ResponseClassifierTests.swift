@testable import AEPStreamingClient
import Foundation
import Testing

@Suite("ResponseClassifier (pure)")
struct ResponseClassifierTests {
    let now = Date(timeIntervalSince1970: 1_700_000_000)

    func classify(_ status: Int, _ body: String = "", count: Int = 1, retryAfter: String? = nil, sync: Bool = false) -> BatchOutcome {
        ResponseClassifier.classify(status: status, retryAfterHeader: retryAfter, body: Data(body.utf8), messageCount: count, syncValidation: sync, now: now)
    }

    @Test("200 single message: delivered with its xactionId")
    func single200() {
        let outcome = classify(200, #"{"inletId":"i","xactionId":"1584479347507:2153:240","receivedTimeMs":1584479347507,"syncValidation":{"skipped":true}}"#)
        #expect(outcome == .perMessage([.delivered(xactionID: "1584479347507:2153:240")], retryAfter: nil))
    }

    @Test("207 with the documented statusCode shape: failures matched by position")
    func statusCodeShape() {
        let body = #"{"inletId":"i","batchId":"b","receivedTimeMs":1,"responses":[{"xactionId":"b:0"},{"statusCode":400,"message":"Message has unknown xdm format"},{"xactionId":"b:2"},{"statusCode":503,"message":"busy"}]}"#
        #expect(classify(207, body, count: 4) == .perMessage([
            .delivered(xactionID: "b:0"),
            .reject(status: 400, message: "Message has unknown xdm format"),
            .delivered(xactionID: "b:2"),
            .retry(status: 503, message: "busy"),
        ], retryAfter: nil))
    }

    @Test("207 with the connector's status shape, status as number or string")
    func statusShape() {
        let body = #"{"responses":[{"xactionId":"u-0","status":400,"message":"The 'header' field is mandatory."},{"xactionId":"u-1"},{"xactionId":"u-2","status":"429","message":"slow down"}]}"#
        #expect(classify(207, body, count: 3) == .perMessage([
            .reject(status: 400, message: "The 'header' field is mandatory."),
            .delivered(xactionID: "u-1"),
            .retry(status: 429, message: "slow down"),
        ], retryAfter: nil))
    }

    @Test("missing per-message entries are retried, not assumed delivered")
    func shortResponses() {
        let outcome = classify(207, #"{"responses":[{"xactionId":"a"}]}"#, count: 2)
        guard case .perMessage(let verdicts, _) = outcome else {
            Issue.record("unexpected \(outcome)")
            return
        }
        #expect(verdicts.first == .delivered(xactionID: "a"))
        if case .retry = verdicts.last {} else { Issue.record("the second message should be retried, got \(String(describing: verdicts.last))") }
    }

    @Test("a 2xx without responses[] accepts every message")
    func noResponses() {
        #expect(classify(200, "", count: 3) == .perMessage(Array(repeating: .delivered(xactionID: nil), count: 3), retryAfter: nil))
    }

    @Test("400: split a batch, reject a single message with AEP's message")
    func badRequest() {
        let body = #"{"type":"t","status":400,"title":"Invalid XDM Message Format","report":{"message":"Message is invalid"}}"#
        #expect(classify(400, body, count: 5) == .split(status: 400, message: "Message is invalid"))
        #expect(classify(400, body, count: 1) == .rejectAll(status: 400, message: "Message is invalid"))
    }

    @Test("413: split, down to a single message that is rejected")
    func tooLarge() {
        #expect(classify(413, #"{"report":{"message":"too big"}}"#, count: 2) == .split(status: 413, message: "too big"))
        #expect(classify(413, #"{"report":{"message":"too big"}}"#, count: 1) == .rejectAll(status: 413, message: "too big"))
    }

    @Test("401 and 403 (string status, empty body) ask for a token refresh")
    func auth() {
        let body = #"{"type":"t","status":"401","title":"Authorization","report":{"message":"[id] Ims service token is empty"}}"#
        #expect(classify(401, body) == .refreshAuthentication(status: 401, message: "[id] Ims service token is empty"))
        guard case .refreshAuthentication(403, let message) = classify(403) else {
            Issue.record("403 should ask for a refresh")
            return
        }
        #expect(message.contains("no body"))
    }

    @Test("429, 408 and 5xx retry every message and carry Retry-After", arguments: [408, 429, 500, 502, 503, 504])
    func retryable(_ status: Int) {
        #expect(classify(status, "", count: 3, retryAfter: "7") == .retryAll(status: status, message: "HTTP \(status)", retryAfter: now.addingTimeInterval(7)))
    }

    @Test("501 drops syncValidation when it was asked for, else is permanent")
    func notImplemented() {
        #expect(classify(501, #"{"message":"not here"}"#, sync: true) == .disableSyncValidation(message: "not here"))
        #expect(classify(501, #"{"message":"not here"}"#, sync: false) == .rejectAll(status: 501, message: "not here"))
    }

    @Test("other 4xx are permanent", arguments: [404, 405, 415, 422])
    func permanent(_ status: Int) {
        #expect(classify(status, #"{"title":"Nope"}"#, count: 2) == .rejectAll(status: status, message: "Nope"))
    }

    @Test("unparsable bodies fall back to the status")
    func garbage() {
        #expect(classify(503, "<html>oops</html>") == .retryAll(status: 503, message: "HTTP 503", retryAfter: nil))
    }
}
