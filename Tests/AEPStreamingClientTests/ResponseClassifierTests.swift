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

    @Test("a 2xx other than 207 without responses[] accepts every message")
    func noResponses() {
        #expect(classify(200, "", count: 3) == .perMessage(Array(repeating: .delivered(xactionID: nil), count: 3), retryAfter: nil))
    }

    @Test("a 207 without a readable responses[] proves nothing delivered: every message is retried",
          arguments: ["", "<html>bad gateway</html>", #"{"inletId":"i","batchId":"b"}"#, #"{"responses":"none"}"#])
    func multiStatusWithoutList(body: String) {
        let expected = MessageVerdict.retry(status: nil, message: "a 207 answer without a readable responses list: no message is proven delivered")
        #expect(classify(207, body, count: 3) == .perMessage(Array(repeating: expected, count: 3), retryAfter: nil))
        #expect(classify(207, body, count: 1) == .perMessage([expected], retryAfter: nil))
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

    // Broke a fuzz-aep-response property (Tests/Fuzz/Seeds/fuzz-aep-response/finding-status-and-status-code).
    @Test("an entry with both status and statusCode is delivered only if both say 2xx")
    func bothMarkers() {
        let body = #"{"responses":[{"status":200,"statusCode":500,"message":"busy"},{"status":"201","statusCode":"x"},{"status":200,"statusCode":"202","xactionId":"c"}]}"#
        #expect(classify(207, body, count: 3) == .perMessage([
            .retry(status: 500, message: "busy"),
            .retry(status: nil, message: "unreadable per-message status"),
            .delivered(xactionID: "c"),
        ], retryAfter: nil))
    }

    // Found by fuzz-aep-response (Tests/Fuzz/Seeds/fuzz-aep-response/finding-empty-entry-message).
    @Test("an empty or blank message is replaced by the next source or our own words")
    func blankMessages() {
        #expect(classify(207, #"{"responses":[{"status":500,"message":""},{"statusCode":"400","message":"  "}]}"#, count: 2) == .perMessage([
            .retry(status: 500, message: "message failed with status 500"),
            .reject(status: 400, message: "message failed with status 400"),
        ], retryAfter: nil))
        #expect(classify(400, #"{"title":"Invalid XDM Message Format","report":{"message":" "}}"#) == .rejectAll(status: 400, message: "Invalid XDM Message Format"))
    }
}

@Suite("Token response parsing (pure)")
struct TokenResponseParsingTests {
    let now = Date(timeIntervalSince1970: 1_700_000_000)
    let endpoint = "https://ims-na1.adobelogin.com/ims/token/v3"

    func parse(_ status: Int, _ body: String, secret: String = "p8e-client-secret") -> Result<TokenProvider.Token, AEPStreamingClientError> {
        TokenProvider.parseTokenResponse(status: status, body: Data(body.utf8), secret: secret, endpoint: endpoint, now: now)
    }

    func lifetime(_ result: Result<TokenProvider.Token, AEPStreamingClientError>) -> TimeInterval? {
        guard case .success(let token) = result else { return nil }
        return token.expiresAt.timeIntervalSince(now)
    }

    @Test("a 200 with an access_token: seconds as given, above a year read as milliseconds")
    func token() {
        #expect(lifetime(parse(200, #"{"access_token":"eyJ.e30.sig","token_type":"bearer","expires_in":86399}"#)) == 86_399)
        #expect(lifetime(parse(200, #"{"access_token":"eyJ.e30.sig","expires_in":"86399000"}"#)) == 86_399)
        guard case .failure(let error) = parse(200, #"{"access_token":""}"#) else {
            Issue.record("an empty access_token should fail")
            return
        }
        #expect(error.code == .authenticationFailed)
    }

    // Found by fuzz-aep-response (Tests/Fuzz/Seeds/fuzz-aep-response/finding-infinite-token-lifetime).
    @Test("an expires_in that is not a finite number means the usual day", arguments: [#""1e400""#, "1e400", #""inf""#, #""nan""#, #""-infinity""#])
    func nonFiniteLifetime(_ expiresIn: String) {
        #expect(lifetime(parse(200, #"{"access_token":"t","expires_in":\#(expiresIn)}"#)) == 86_400)
    }

    // Found by fuzz-aep-response (Tests/Fuzz/Seeds/fuzz-aep-response/finding-combining-mark-secret).
    @Test("a huge finite expires_in still means a refresh within a year", arguments: ["1e300", "1e20", #""9e99""#])
    func hugeLifetime(_ expiresIn: String) {
        #expect(lifetime(parse(200, #"{"access_token":"t","expires_in":\#(expiresIn)}"#)) == 31_536_000)
    }

    @Test("the client secret is redacted even where a combining mark joins it to the text around it")
    func redactsAcrossCombiningMarks() {
        let secret = "p8e-client-secret"
        for description in ["bad secret \(secret)\\u0301", "\\u0301\(secret) is wrong", "\(secret)"] {
            guard case .failure(let error) = parse(401, #"{"error":"invalid_client","error_description":"\#(description)"}"#, secret: secret) else {
                Issue.record("a 401 should fail")
                continue
            }
            #expect(!Array(error.reason.utf8).contains(Array(secret.utf8)), "\(error.reason)")
            // As bytes: "<redacted>" followed by the combining mark ends in a different Character.
            #expect(Array(error.reason.utf8).contains(Array("<redacted>".utf8)))
        }
    }
}
