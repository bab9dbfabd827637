@testable import AEPInletEmulator
import ChatlioJSON
import XDMSchemaRegistry
import Foundation
import Testing

@Suite("AEPInletEmulator.respond: the DCS protocol in process, XDM messages kept as bytes")
struct AEPInletEmulatorInProcessTests {
    @Test func batchesAreAnsweredAndRecordedWithoutASocket() throws {
        let emulator = try AEPInletEmulator(configuration: .init(inletId: "in-process", now: { .init(timeIntervalSince1970: 1_700_000_000) }))
        let messages: [JSONValue] = [Fixture.envelope(id: "a"), ["body": [:]], Fixture.envelope(id: "c", entity: ["n": ["nested": "{\"}"]])]
        let answer = emulator.respond(target: "/collection/batch/in-process", body: Fixture.batch(messages).serialized())
        #expect(answer.status == 207)
        let body = try JSONValue(parsing: answer.body)
        #expect(body["responses"]?[0] == ["xactionId": "1700000000000:1:244:0"])
        #expect(body["responses"]?[1]?["statusCode"] == 400)
        #expect(body["responses"]?[2] == ["xactionId": "1700000000000:1:244:2"])
        let recorded = emulator.record.messages
        #expect(recorded.map(\.id) == ["a", "c"])
        #expect(recorded[1].message == messages[2], "the tree is rebuilt from the kept bytes")
        #expect(recorded[1].xdmEntity == messages[2]["body"]?["xdmEntity"])
        #expect(recorded[1].messageBytes.map { try? JSONValue(parsing: $0) } == messages[2])
        #expect(recorded[1].sourceName == "tests")
        #expect(recorded[1].schemaID == Fixture.schemaID)
        #expect(emulator.respond(target: "/collection/other", body: []).status == 404)
    }

    /// The all-accepted 207 body is written as bytes: the same bytes the JSON tree serialises to.
    @Test(arguments: [AEPInletEmulator.FailureShape.statusCode, .status])
    func allAcceptedBatchBodyIsTheTreesBytes(shape: AEPInletEmulator.FailureShape) throws {
        let emulator = try AEPInletEmulator(configuration: .init(inletId: "in-process", failureShape: shape, now: { .init(timeIntervalSince1970: 1_700_000_000.5) }))
        let answer = emulator.respond(target: "/collection/batch/in-process", body: Fixture.batch((0..<12).map { Fixture.envelope(id: "m\($0)") }).serialized())
        let parsed = try JSONValue(parsing: answer.body)
        let batchID = try #require(parsed["batchId"]?.stringValue)
        let expected: JSONValue = [
            "inletId": "in-process", "batchId": .string(batchID), "receivedTimeMs": 1_700_000_000_500,
            "responses": .array((0..<12).map { ["xactionId": .string(shape == .status ? "\(batchID)-\($0)" : "\(batchID):\($0)")] }),
        ]
        #expect(answer.body == expected.serialized(sortedKeys: true), "\(String(decoding: answer.body, as: UTF8.self))")
        #expect(emulator.record.messages.map(\.xactionID) == (0..<12).map { shape == .status ? "\(batchID)-\($0)" : "\(batchID):\($0)" })
    }

    /// The messages of a batch share its body in the record: each still has its own bytes, its own
    /// entity, and compares (and hashes) by those bytes, not by the body around them.
    @Test func batchMessagesShareTheBodyButKeepTheirOwnBytes() throws {
        let emulator = try AEPInletEmulator(configuration: .init(inletId: "in-process", now: { .init(timeIntervalSince1970: 1_700_000_000) }))
        let messages = (0..<5).map { Fixture.envelope(id: "m\($0)", entity: ["n": .number(JSONNumber($0))]) }
        let body = Fixture.batch(messages).serialized()
        #expect(emulator.respond(target: "/collection/batch/in-process", body: body).status == 207)
        let recorded = emulator.record.messages
        #expect(recorded.map(\.sequence) == [0, 1, 2, 3, 4])
        for (index, message) in recorded.enumerated() {
            #expect(message.messageBytes == messages[index].serialized(), "message \(index)")
            #expect(message.xdmEntity == messages[index]["body"]?["xdmEntity"], "message \(index)")
            #expect(message.byteCount == messages[index].serialized().count)
        }
        // The same message alone, as the only one of another body: equal to the one from the batch.
        let single = try AEPInletEmulator(configuration: .init(inletId: "in-process", now: { .init(timeIntervalSince1970: 1_700_000_000) }))
        #expect(single.respond(target: "/collection/batch/in-process", body: Fixture.batch([messages[0]]).serialized()).status == 207)
        let alone = try #require(single.record.messages.first)
        #expect(alone.payload == recorded[0].payload)
        #expect(alone.payload.hashValue == recorded[0].payload.hashValue)
        #expect(alone.payload != recorded[1].payload)
        #expect(alone.xactionID == recorded[0].xactionID)
    }

    /// A batch with failures: the 207 lists accepted and failed entries in order, the record has
    /// the accepted ones with the ids the answer gave them.
    @Test(arguments: [AEPInletEmulator.FailureShape.statusCode, .status])
    func mixedBatchEntriesStayInOrder(shape: AEPInletEmulator.FailureShape) throws {
        let emulator = try AEPInletEmulator(configuration: .init(inletId: "in-process", failureShape: shape))
        let messages: [JSONValue] = [Fixture.envelope(id: "a"), ["body": [:]], Fixture.envelope(id: "c"), 7, Fixture.envelope(id: "e")]
        let answer = emulator.respond(target: "/collection/batch/in-process", body: Fixture.batch(messages).serialized())
        #expect(answer.status == 207)
        let responses = try #require(try JSONValue(parsing: answer.body)["responses"]?.arrayValue)
        #expect(responses.count == 5)
        let recorded = emulator.record.messages
        #expect(recorded.map(\.indexInRequest) == [0, 2, 4])
        #expect(recorded.map { Optional(JSONValue.string($0.xactionID)) } == [0, 2, 4].map { responses[$0]["xactionId"] })
        for failed in [1, 3] {
            #expect(responses[failed][shape == .status ? "status" : "statusCode"] == 400, "\(responses[failed])")
        }
    }

    @Test func faultsApplyAndMessageRulesSeeTheTree() throws {
        let emulator = try AEPInletEmulator(configuration: .init(inletId: "in-process"))
        emulator.faults.failMessages(where: { $0["body"]?["xdmEntity"]?["_id"] == "poison" }, status: 422, message: "poison")
        emulator.faults.dropNext()
        let body = Fixture.batch([Fixture.envelope(id: "ok"), Fixture.envelope(id: "poison")]).serialized()
        #expect(emulator.respond(target: "/collection/batch/in-process", body: body).status == nil)
        let answer = emulator.respond(target: "/collection/batch/in-process", body: body)
        #expect(try JSONValue(parsing: answer.body)["responses"]?[1]?["statusCode"] == 422)
        #expect(emulator.record.messages.map(\.id) == ["ok"])
    }

    @Test func validationFailuresKeepBytesAndViolations() throws {
        let validator = ClosureXDMEntityValidator { entity, _ in
            entity["eventType"] == "bad" ? [XDMViolation(pointer: "/eventType", schemaLocation: "#", keyword: .enum, message: "bad")] : []
        }
        let emulator = try AEPInletEmulator(configuration: .init(inletId: "in-process", validator: validator))
        let body = Fixture.batch([Fixture.envelope(id: "good"), Fixture.envelope(id: "bad", entity: ["eventType": "bad"])]).serialized()
        #expect(emulator.respond(target: "/collection/batch/in-process", body: body).status == 207)
        #expect(emulator.record.messages.map(\.id) == ["good"])
        let failed = try #require(emulator.record.failedValidation.first)
        #expect(failed.id == "bad" && failed.violations.map(\.keyword) == [.enum])
        #expect(failed.xdmEntity?["eventType"] == "bad")
    }

    @Test func invalidJSONGetsTheParsersAnswer() throws {
        let emulator = try AEPInletEmulator(configuration: .init(inletId: "in-process"))
        let answer = emulator.respond(target: "/collection/batch/in-process", body: Array(#"{"messages":[{"a":1,"a":2}]}"#.utf8))
        #expect(answer.status == 400)
        let message = try JSONValue(parsing: answer.body)["report"]?["message"]?.stringValue ?? ""
        #expect(message.contains("The payload is not valid JSON") && message.contains("more than once"), "\(message)")
    }
}
