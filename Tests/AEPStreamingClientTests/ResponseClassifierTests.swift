@testable import AEPStreamingClient
import Foundation
import Testing

@Suite("ResponseClassifier (pure)")
struct ResponseClassifierTests {
    let now = Date(timeIntervalSince1970: 1_700_000_000)

    /// A batch-endpoint answer unless `batch` says otherwise (the single endpoint carries one message).
    func classify(
        _ status: Int, _ body: String = "", count: Int = 1, batch: Bool = true, retryAfter: String? = nil, location: String? = nil,
        truncated: Bool = false, sync: Bool = false
    ) -> BatchOutcome {
        ResponseClassifier.classify(
            status: status, retryAfterHeader: retryAfter, locationHeader: location, body: Data(body.utf8), bodyTruncated: truncated,
            messageCount: count, batchEndpoint: batch, syncValidation: sync, now: now
        )
    }

    func failed(_ cause: RequestFailure.Cause, _ status: Int?, _ message: String, retryAfter: Date? = nil) -> BatchOutcome {
        .requestFailed(RequestFailure(cause: cause, status: status, message: message, retryAfter: retryAfter))
    }

    @Test("200 single message: delivered with its xactionId")
    func single200() {
        let outcome = classify(200, #"{"inletId":"i","xactionId":"1584479347507:2153:240","receivedTimeMs":1584479347507,"syncValidation":{"skipped":true}}"#, batch: false)
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

    // AEP documents 207 with one entry per message as the batch answer, for success and failure alike
    // (help/ingestion/tutorials/streaming-multiple-messages.md): any 2xx to a batch without that list
    // proves no message delivered. The single endpoint's 200 is its documented success.
    @Test("a 2xx to a batch without a readable responses[] proves nothing: the request failed, nothing counted delivered",
          arguments: [200, 201, 202, 204, 207], ["", "<html>bad gateway</html>", #"{"inletId":"i","batchId":"b"}"#, #"{"responses":"none"}"#])
    func batchWithoutList(status: Int, body: String) {
        let expected = failed(.serverError, status, "HTTP \(status) with no readable responses list: no message is proven delivered")
        #expect(classify(status, body, count: 3) == expected)
        #expect(classify(status, body, count: 1) == expected)
        #expect(classify(200, body, count: 1, batch: false) == .perMessage([.delivered(xactionID: nil)], retryAfter: nil))
    }

    @Test("a body cut at the transport's read cap is no document, even if its prefix parses")
    func truncatedBody() {
        let body = #"{"responses":[{"xactionId":"a"},{"xactionId":"b"}]}"#
        #expect(classify(207, body, count: 2, truncated: true) == failed(.serverError, 207, "HTTP 207 with a body cut at the read cap: no message is proven delivered"))
    }

    @Test("a 3xx is never followed: a configuration failure naming the status and where it pointed, the query dropped", arguments: [301, 302, 303, 307, 308])
    func redirects(_ status: Int) {
        let outcome = classify(status, "", count: 4, location: "https://elsewhere.example/collection/x?token=secret")
        guard case .requestFailed(let failure) = outcome else {
            Issue.record("a \(status) should fail the request, got \(outcome)")
            return
        }
        #expect(failure.cause == .configuration)
        #expect(failure.status == status)
        #expect(failure.message.contains("HTTP \(status) redirect to https://elsewhere.example/collection/x"))
        #expect(!failure.message.contains("secret"))
        guard case .requestFailed(let bare) = classify(status) else { return }
        #expect(bare.message.contains("without a Location"))
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

    @Test("408, 429, 503, 504: the inlet is unavailable; Retry-After carried", arguments: [408, 429, 503, 504])
    func unavailable(_ status: Int) {
        #expect(classify(status, "", count: 3, retryAfter: "7") == failed(.unavailable, status, "HTTP \(status)", retryAfter: now.addingTimeInterval(7)))
    }

    @Test("other 5xx: a server error, which may be a payload's fault (AEP answers 500 for a payload that does not match)", arguments: [500, 502, 599])
    func serverError(_ status: Int) {
        #expect(classify(status, "", count: 3, retryAfter: "7") == failed(.serverError, status, "HTTP \(status)", retryAfter: now.addingTimeInterval(7)))
    }

    @Test("501 drops syncValidation when it was asked for, else is permanent")
    func notImplemented() {
        #expect(classify(501, #"{"message":"not here"}"#, sync: true) == .disableSyncValidation(message: "not here"))
        #expect(classify(501, #"{"message":"not here"}"#, sync: false) == failed(.configuration, 501, "not here"))
    }

    @Test("other whole-request 4xx are the configuration's fault, not the events': they wait", arguments: [404, 405, 415, 422])
    func configuration(_ status: Int) {
        #expect(classify(status, #"{"title":"Nope"}"#, count: 2) == failed(.configuration, status, "Nope"))
        #expect(classify(status, #"{"title":"Nope"}"#, count: 1) == failed(.configuration, status, "Nope"))
    }

    @Test("unparsable bodies fall back to the status")
    func garbage() {
        #expect(classify(503, "<html>oops</html>") == failed(.unavailable, 503, "HTTP 503"))
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

@Suite("ResponseClassifier: 207 entries matched by their xactionId index")
struct ResponseClassifierEntryOrderTests {
    func verdicts(_ body: String, count: Int) -> [MessageVerdict] {
        guard case .perMessage(let verdicts, _) = ResponseClassifier.classify(
            status: 207, retryAfterHeader: nil, body: Data(body.utf8), messageCount: count, batchEndpoint: true, syncValidation: false, now: Date()
        ) else { return [] }
        return verdicts
    }

    // Adobe's Kafka connector (AEPPublisher.java) reads the message index from the xactionId suffix.
    @Test("entries out of order, each with an index suffix (connector shape): matched by the suffix")
    func bySuffix() {
        let body = #"{"responses":[{"xactionId":"9341f8eb-494a-4c89-9879-4d06a58d2dc7-2"},{"xactionId":"9341f8eb-494a-4c89-9879-4d06a58d2dc7-0","status":400,"message":"bad"},{"xactionId":"9341f8eb-494a-4c89-9879-4d06a58d2dc7-1"}]}"#
        #expect(verdicts(body, count: 3) == [
            .reject(status: 400, message: "bad"),
            .delivered(xactionID: "9341f8eb-494a-4c89-9879-4d06a58d2dc7-1"),
            .delivered(xactionID: "9341f8eb-494a-4c89-9879-4d06a58d2dc7-2"),
        ])
    }

    @Test("colon-separated suffixes (the docs' success example) in order stay in order")
    func colonSuffix() {
        let body = #"{"responses":[{"xactionId":"1565628583792:1485:153:0"},{"xactionId":"1565628583792:1485:153:1"}]}"#
        #expect(verdicts(body, count: 2) == [.delivered(xactionID: "1565628583792:1485:153:0"), .delivered(xactionID: "1565628583792:1485:153:1")])
    }

    @Test("an incomplete or inconsistent set of suffixes falls back to position", arguments: [
        // The docs' partial-failure example: failures without xactionId, a success whose suffix is 3.
        #"{"responses":[{"xactionId":"1565650704337:2124:92:3"},{"statusCode":400,"message":"m1"},{"statusCode":400,"message":"m2"}]}"#,
        // A repeated index.
        #"{"responses":[{"xactionId":"a-1"},{"xactionId":"b-1","statusCode":400,"message":"m1"},{"xactionId":"c-0","statusCode":400,"message":"m2"}]}"#,
    ])
    func fallback(_ body: String) {
        let result = verdicts(body, count: 3)
        #expect(result.count == 3)
        if case .delivered = result.first {} else { Issue.record("position 0 is the success entry: \(result)") }
        #expect(result.dropFirst().allSatisfy { if case .reject = $0 { true } else { false } })
    }
}
