@testable import AEPInletEmulator
import ChatlioJSON
import XDMSchemaRegistry
import Testing

@Suite("DCS protocol handler (no sockets)")
struct DCSRequestHandlerTests {
    private func handler(
        dataMode: AEPInletEmulator.DataMode = .xdm, shape: AEPInletEmulator.FailureShape = .statusCode,
        token: String? = nil, flowID: String? = nil, validator: (any XDMEntityValidator)? = nil
    ) -> DCSRequestHandler {
        DCSRequestHandler(settings: .init(
            inletID: "inlet-1", dataMode: dataMode, failureShape: shape, requiredToken: token, flowID: flowID,
            imsOrgID: "ORG@AdobeOrg", validator: validator, maxBodyBytes: 1_048_576
        ))
    }

    private func request(_ target: String, _ body: JSONValue?, headers: [(name: String, value: String)] = [("Content-Type", "application/json")], method: String = "POST") -> HTTPRequest {
        HTTPRequest(method: method, target: target, headers: [("Host", "h")] + headers, body: body?.serialized() ?? [])
    }

    private let context = DCSRequestHandler.Context(receivedTimeMs: 1_700_000_000_123, requestNumber: 7, transactionID: "uuid-1", forcedFailure: nil)

    private func run(_ handler: DCSRequestHandler, _ request: HTTPRequest, context: DCSRequestHandler.Context? = nil) -> DCSRequestHandler.Outcome? {
        guard case .success(let route) = handler.admit(request, requestID: "rid") else { return nil }
        return handler.process(request, route: route, context: context ?? self.context)
    }

    private func refusal(_ handler: DCSRequestHandler, _ request: HTTPRequest) -> HTTPResponse? {
        if case .failure(let box) = handler.admit(request, requestID: "rid") { return box.response }
        return nil
    }

    @Test func singleMessageIsAcceptedWithAnAEPBody() throws {
        let outcome = try #require(run(handler(), request("/collection/inlet-1", Fixture.envelope(id: "e1"))))
        #expect(outcome.response.status == 200)
        let body = try #require(outcome.response.jsonBody)
        #expect(body["inletId"] == "inlet-1")
        #expect(body["xactionId"] == "1700000000123:7:240")
        #expect(body["receivedTimeMs"]?.int64Value == 1_700_000_000_123)
        #expect(body["syncValidation"] == ["skipped": true])
        #expect(outcome.accepted.map(\.id) == ["e1"])
        #expect(outcome.accepted.first?.schemaID == Fixture.schemaID)
        #expect(outcome.accepted.first?.datasetID == Fixture.datasetID)
    }

    @Test func batchAnswers207WithOneEntryPerMessageInTheStatusCodeShape() throws {
        let messages: [JSONValue] = [Fixture.envelope(id: "a"), ["header": ["schemaRef": ["id": "s"], "datasetId": "d"]], Fixture.envelope(id: "c")]
        let outcome = try #require(run(handler(), request("/collection/batch/inlet-1", Fixture.batch(messages))))
        #expect(outcome.response.status == 207)
        let body = try #require(outcome.response.jsonBody)
        #expect(body["batchId"] == "1700000000123:7:244")
        let responses = try #require(body["responses"]?.arrayValue)
        #expect(responses.count == 3)
        #expect(responses[0] == ["xactionId": "1700000000123:7:244:0"])
        #expect(responses[1]["statusCode"]?.int64Value == 400)
        #expect(responses[1]["xactionId"] == nil)
        #expect(responses[1]["message"]?.stringValue?.contains("Message has unknown xdm format") == true)
        #expect(responses[2] == ["xactionId": "1700000000123:7:244:2"])
        #expect(outcome.accepted.map(\.id) == ["a", "c"])
        #expect(outcome.accepted.map(\.indexInRequest) == [0, 2])
    }

    @Test func statusShapeCarriesUUIDTransactionIDs() throws {
        let messages: [JSONValue] = [Fixture.envelope(id: "a"), ["body": [:]]]
        let outcome = try #require(run(handler(shape: .status), request("/collection/batch/inlet-1", Fixture.batch(messages))))
        let responses = try #require(outcome.response.jsonBody?["responses"]?.arrayValue)
        #expect(responses[0] == ["xactionId": "uuid-1-0"])
        #expect(responses[1]["xactionId"] == "uuid-1-1")
        #expect(responses[1]["status"]?.int64Value == 400)
        #expect(responses[1]["statusCode"] == nil)
        #expect(responses[1]["message"]?.stringValue?.hasPrefix("The 'header' field is mandatory") == true)
    }

    @Test(arguments: [
        ("missing body", #"{"header":{"schemaRef":{"id":"s"},"datasetId":"d"}}"#, "unknown xdm format"),
        ("missing xdmEntity", #"{"header":{"schemaRef":{"id":"s"},"datasetId":"d"},"body":{"xdmMeta":{"schemaRef":{"id":"s"}}}}"#, "unknown xdm format"),
        ("missing xdmMeta", #"{"header":{"schemaRef":{"id":"s"},"datasetId":"d"},"body":{"xdmEntity":{}}}"#, "unknown xdm format"),
        ("schema mismatch", #"{"header":{"schemaRef":{"id":"s"},"datasetId":"d"},"body":{"xdmMeta":{"schemaRef":{"id":"t"}},"xdmEntity":{}}}"#, "unknown xdm format"),
        ("legacy header", #"{"header":{"msgType":"xdmEntityCreate","xdmSchema":{"name":"_xdm.context.experienceevent"}},"body":{}}"#, "unknown xdm format"),
        ("missing dataset", #"{"header":{"schemaRef":{"id":"s"}},"body":{"xdmMeta":{"schemaRef":{"id":"s"}},"xdmEntity":{}}}"#, "dataset id"),
        ("wrong org", #"{"header":{"schemaRef":{"id":"s"},"datasetId":"d","imsOrgId":"OTHER@AdobeOrg"},"body":{"xdmMeta":{"schemaRef":{"id":"s"}},"xdmEntity":{}}}"#, "wrong ims org"),
        ("no header", #"{"body":{"xdmEntity":{}}}"#, "'header' field is mandatory"),
        ("not an object", "[1,2]", "unknown xdm format"),
    ])
    func envelopeChecksAnswer400(name: String, json: String, expected: String) throws {
        let message = try JSONValue(parsing: json)
        let outcome = try #require(run(handler(), request("/collection/inlet-1", message)))
        #expect(outcome.response.status == 400, "\(name)")
        let body = try #require(outcome.response.jsonBody)
        #expect(body["type"] == "http://ns.adobe.com/adobecloud/problem/data-collection-service/inlet")
        #expect(body["status"]?.int64Value == 400)
        #expect(body["report"]?["message"]?.stringValue?.contains(expected) == true, "\(name): \(body)")
        #expect(outcome.accepted.isEmpty)
    }

    @Test func routingAnswers404And405() throws {
        let unknownInlet = try #require(refusal(handler(), request("/collection/other", Fixture.envelope(id: "a"))))
        #expect(unknownInlet.status == 404)
        #expect(unknownInlet.jsonBody?["report"]?["message"]?.stringValue?.contains("[other] Inlet not found") == true)
        #expect(refusal(handler(), request("/collection/batch/other", nil))?.status == 404)
        #expect(refusal(handler(), request("/elsewhere", nil))?.status == 404)
        #expect(refusal(handler(), request("/collection/", nil))?.status == 404)
        #expect(refusal(handler(), request("/collection/inlet-1/extra", nil))?.status == 404)
        let get = try #require(refusal(handler(), request("/collection/inlet-1", nil, method: "GET")))
        #expect(get.status == 405)
        #expect(get.header("Allow") == "POST")
    }

    @Test func bearerTokensAnswer401And403WithAEPBodies() throws {
        let secured = handler(token: "secret")
        let missing = try #require(refusal(secured, request("/collection/inlet-1", Fixture.envelope(id: "a"))))
        #expect(missing.status == 401)
        #expect(missing.jsonBody?["status"] == "401")
        #expect(missing.jsonBody?["title"] == "Authorization")
        #expect(missing.jsonBody?["type"] == "https://ns.adobe.com/adobecloud/problem/data-collection-service-authorization")
        #expect(missing.jsonBody?["report"]?["message"] == "[rid] Ims service token is empty")
        let emptyBearer = request("/collection/inlet-1", nil, headers: [("Authorization", "Bearer ")])
        #expect(refusal(secured, emptyBearer)?.status == 401)
        let wrong = request("/collection/inlet-1", nil, headers: [("Authorization", "Bearer nope")])
        let forbidden = try #require(refusal(secured, wrong))
        #expect(forbidden.status == 403)
        #expect(forbidden.jsonBody?["status"] == "403")
        let right = request("/collection/inlet-1", Fixture.envelope(id: "a"), headers: [("Authorization", "Bearer secret"), ("Content-Type", "application/json")])
        #expect(run(secured, right)?.response.status == 200)
    }

    /// Issue 16: without a validator nothing is checked, so a requested synchronous validation
    /// must not answer "pass" (it did, for an xdmEntity of `{"bogus":1}`).
    @Test func syncValidationWithoutAValidatorIsSkippedAndSaysWhyNeverPass() throws {
        let bogus: JSONValue = [
            "header": ["schemaRef": ["id": .string(Fixture.schemaID), "contentType": "application/vnd.adobe.xed-full+json;version=1"],
                       "datasetId": .string(Fixture.datasetID)],
            "body": ["xdmMeta": ["schemaRef": ["id": .string(Fixture.schemaID), "contentType": "application/vnd.adobe.xed-full+json;version=1"]],
                     "xdmEntity": ["bogus": 1]],
        ]
        let unchecked = handler()
        let requested = try #require(run(unchecked, request("/collection/inlet-1?syncValidation=true", bogus)))
        #expect(requested.response.status == 200)
        let answer = try #require(requested.response.jsonBody?["syncValidation"])
        #expect(answer["status"] == nil, "\(answer)")
        #expect(answer["skipped"] == true)
        #expect(answer["emulator"]?.stringValue?.hasPrefix("not validated: this emulator has no schema") == true, "\(answer)")
        // Not asked for: AEP's own answer, nothing added.
        let plain = try #require(run(unchecked, request("/collection/inlet-1", bogus)))
        #expect(plain.response.jsonBody?["syncValidation"] == ["skipped": true])
    }

    @Test func syncValidationPassesOrAnswersTheStreamingValidationBody() throws {
        let validator = ClosureXDMEntityValidator { entity, schemaID in
            guard schemaID == Fixture.schemaID else { return [] }
            var violations: [XDMViolation] = []
            if entity["_id"]?.stringValue == "bad" {
                violations.append(XDMViolation(pointer: "/_id", schemaLocation: "#/properties/_id", keyword: .format, message: "bad id"))
            }
            if entity["eventType"] == nil || entity["_id"]?.stringValue == "bad" {
                violations.append(XDMViolation(pointer: "", schemaLocation: "#", keyword: .required, message: "required key [eventType] not found"))
            }
            return violations
        }
        let checked = handler(validator: validator)
        let pass = try #require(run(checked, request("/collection/inlet-1?syncValidation=true", Fixture.envelope(id: "ok"))))
        #expect(pass.response.status == 200)
        #expect(pass.response.jsonBody?["syncValidation"] == ["status": "pass"])

        let fail = try #require(run(checked, request("/collection/inlet-1?syncValidation=true", Fixture.envelope(id: "bad"))))
        #expect(fail.response.status == 400)
        #expect(fail.accepted.isEmpty && fail.failedValidation.isEmpty)
        let body = try #require(fail.response.jsonBody)
        #expect(body["title"] == "Invalid XDM Message Format")
        #expect(body["report"]?["message"]?.stringValue?.hasSuffix("Message is invalid") == true)
        let cause = try #require(body["report"]?["cause"]?["_streamingValidation"]?[0])
        #expect(cause["message"] == "2 schema violations found")
        #expect(cause["causingExceptions"]?[0]?["pointerToViolation"] == "#/_id")
        #expect(cause["causingExceptions"]?[0]?["keyword"] == "format")
        #expect(cause["causingExceptions"]?[1]?["keyword"] == "required")

        // Without syncValidation AEP answers 200 and sends the record to the failed batch.
        let async = try #require(run(checked, request("/collection/inlet-1", Fixture.envelope(id: "bad"))))
        #expect(async.response.status == 200)
        #expect(async.accepted.isEmpty)
        #expect(async.failedValidation.map(\.id) == ["bad"])
        #expect(async.failedValidation.first?.violations.count == 2)
    }

    @Test func aSingleViolationIsReportedWithoutAWrapperAndAtMostFiveAreReported() throws {
        let one = handler(validator: ClosureXDMEntityValidator { _, _ in
            [XDMViolation(pointer: "/_id", schemaLocation: "#/properties/_id", keyword: .type, message: "expected type: String, found: Long")]
        })
        let single = try #require(run(one, request("/collection/inlet-1?syncValidation=true", Fixture.envelope(id: "x")))?.response.jsonBody)
        #expect(single["report"]?["cause"]?["_streamingValidation"]?[0]?["keyword"] == "type")
        let many = handler(validator: ClosureXDMEntityValidator { _, _ in
            (0 ..< 9).map { XDMViolation(pointer: "/f\($0)", schemaLocation: "#", keyword: .type, message: "m") }
        })
        let capped = try #require(run(many, request("/collection/inlet-1?syncValidation=true", Fixture.envelope(id: "x")))?.response.jsonBody)
        #expect(capped["report"]?["cause"]?["_streamingValidation"]?[0]?["causingExceptions"]?.arrayValue?.count == 5)
    }

    @Test func batchIgnoresSyncValidationAndRecordsFailuresAsync() throws {
        let checked = handler(validator: ClosureXDMEntityValidator { entity, _ in
            entity["_id"] == "bad" ? [XDMViolation(pointer: "", schemaLocation: "#", keyword: .required, message: "m")] : []
        })
        let outcome = try #require(run(checked, request("/collection/batch/inlet-1?syncValidation=true", Fixture.batch([Fixture.envelope(id: "ok"), Fixture.envelope(id: "bad")]))))
        #expect(outcome.response.status == 207)
        #expect(outcome.response.jsonBody?["responses"]?.arrayValue?.allSatisfy { $0["xactionId"] != nil } == true)
        #expect(outcome.accepted.map(\.id) == ["ok"])
        #expect(outcome.failedValidation.map(\.id) == ["bad"])
    }

    @Test func rawModeNeedsAFlowIDAndTakesAnyObject() throws {
        let raw = handler(dataMode: .raw, flowID: "flow-1")
        let chatlio: JSONValue = ["visitor": ["email": "test@example.com"], "message": "Hi", "_id": "r1"]
        let missing = try #require(run(raw, request("/collection/inlet-1", chatlio)))
        #expect(missing.response.status == 400)
        #expect(missing.response.jsonBody?["report"]?["message"]?.stringValue?.contains("flow id is required") == true)
        let viaQuery = try #require(run(raw, request("/collection/inlet-1?x-adobe-flow-id=flow-1", chatlio)))
        #expect(viaQuery.response.status == 200)
        #expect(viaQuery.response.jsonBody?["syncValidation"] == nil)
        #expect(viaQuery.accepted.first?.flowID == "flow-1")
        #expect(viaQuery.accepted.first?.id == "r1")
        #expect(viaQuery.accepted.first?.xdmEntity == nil)
        let viaHeader = try #require(run(raw, request("/collection/inlet-1", chatlio, headers: [("Content-Type", "application/json"), ("x-adobe-flow-id", "flow-1")])))
        #expect(viaHeader.response.status == 200)
        let wrongFlow = try #require(run(raw, request("/collection/inlet-1?x-adobe-flow-id=other", chatlio)))
        #expect(wrongFlow.response.status == 400)
        let notObject = try #require(run(raw, request("/collection/inlet-1?x-adobe-flow-id=flow-1", "text")))
        #expect(notObject.response.status == 400)
    }

    @Test func payloadProblemsAnswer4xx() throws {
        let plain = handler()
        let invalidJSON = HTTPRequest(method: "POST", target: "/collection/inlet-1", headers: [("Host", "h"), ("Content-Type", "application/json")], body: Array("{".utf8))
        #expect(run(plain, invalidJSON)?.response.status == 400)
        let noType = request("/collection/inlet-1", Fixture.envelope(id: "a"), headers: [])
        #expect(run(plain, noType)?.response.status == 415)
        let gzip = request("/collection/inlet-1", Fixture.envelope(id: "a"), headers: [("Content-Type", "application/json"), ("Content-Encoding", "gzip")])
        #expect(run(plain, gzip)?.response.status == 415)
        let withCharset = request("/collection/inlet-1", Fixture.envelope(id: "a"), headers: [("Content-Type", "Application/JSON; charset=utf-8")])
        #expect(run(plain, withCharset)?.response.status == 200)
        #expect(run(plain, request("/collection/batch/inlet-1", ["messages": []]))?.response.status == 400)
        #expect(run(plain, request("/collection/batch/inlet-1", ["items": [1]]))?.response.status == 400)
    }

    @Test func forcedAndRuleFailuresFailOnlyTheirMessages() throws {
        var forced = context
        forced.forcedFailure = .init(indices: [1], status: 500, message: "boom")
        forced.messageFailure = { $0()["body"]?["xdmEntity"]?["_id"] == "poison" ? (422, "poisoned") : nil }
        let messages = [Fixture.envelope(id: "a"), Fixture.envelope(id: "b"), Fixture.envelope(id: "poison")]
        let outcome = try #require(run(handler(), request("/collection/batch/inlet-1", Fixture.batch(messages)), context: forced))
        let responses = try #require(outcome.response.jsonBody?["responses"]?.arrayValue)
        #expect(responses[1] == ["statusCode": 500, "message": "boom"])
        #expect(responses[2] == ["statusCode": 422, "message": "poisoned"])
        #expect(outcome.accepted.map(\.id) == ["a"])

        var single = context
        single.forcedFailure = .init(indices: nil, status: 400, message: "nope")
        let one = try #require(run(handler(), request("/collection/inlet-1", Fixture.envelope(id: "a")), context: single))
        #expect(one.response.status == 400)
        #expect(one.response.jsonBody?["report"]?["message"] == "nope")
    }
}
