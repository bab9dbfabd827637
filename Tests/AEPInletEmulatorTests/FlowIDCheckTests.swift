@testable import AEPInletEmulator
import ChatlioJSON
import Foundation
import Testing

/// An envelope of ``Fixture/envelope(id:entity:schemaID:)`` with `header.flowId` set (or a non-string there).
private func envelope(id: String, flowId: JSONValue?, schemaID: String = Fixture.schemaID) -> JSONValue {
    guard case .object(var root) = Fixture.envelope(id: id, schemaID: schemaID), case .object(var header)? = root["header"] else { return .null }
    header["flowId"] = flowId
    root["header"] = .object(header)
    return .object(root)
}

/// Adobe's HTTP API tutorial (help/sources/tutorials/api/create/streaming/http.md, "Post data to be
/// ingested"): the flow id "is required for both XDM and RAW data"; its XDM example carries it as
/// `header.flowId`, its raw examples as the `x-adobe-flow-id` header or query parameter.
@Suite("Inlet emulator: the dataflow id of XDM envelopes, over loopback HTTP")
struct FlowIDCheckTests {
    @Test func anInletExpectingAFlowRefusesAnEnvelopeNamingAnotherOrNone() async throws {
        let emulator = try Fixture.startedEmulator { $0.flowId = "flow-1" }
        defer { emulator.stop() }
        let client = Client()
        #expect(try await client.post(emulator.inletURL, json: envelope(id: "right", flowId: "flow-1")).status == 200)

        let other = try await client.post(emulator.inletURL, json: envelope(id: "other", flowId: "flow-2"))
        #expect(other.status == 400)
        #expect(other.json?["title"] == "Invalid XDM Message Format")
        let otherText = try #require(other.json?["report"]?["message"]?.stringValue)
        #expect(otherText.hasPrefix("inletId: [test-inlet] imsOrgId: [EMULATED0000000000000000@AdobeOrg] Message has an absent or wrong flow id in the header"))
        #expect(otherText.contains("header.flowId [flow-2] is not this inlet's dataflow flow-1"))

        let none = try await client.post(emulator.inletURL, json: envelope(id: "none", flowId: nil))
        #expect(none.status == 400)
        #expect(none.json?["report"]?["message"]?.stringValue?.contains("header.flowId is required: this inlet feeds dataflow flow-1") == true)

        let number = try await client.post(emulator.inletURL, json: envelope(id: "number", flowId: 7))
        #expect(number.status == 400)
        #expect(number.json?["report"]?["message"]?.stringValue?.contains("header.flowId is not a non-empty string") == true)

        #expect(emulator.record.messages.map(\.id) == ["right"])
        #expect(emulator.record.messages.first?.flowID == "flow-1")
    }

    @Test func inABatchOnlyTheEnvelopesWithoutTheFlowFail() async throws {
        let emulator = try Fixture.startedEmulator { $0.flowId = "flow-1" }
        defer { emulator.stop() }
        let batch = Fixture.batch([envelope(id: "a", flowId: "flow-1"), envelope(id: "b", flowId: "flow-2"), envelope(id: "c", flowId: nil)])
        let reply = try await Client().post(emulator.batchURL, json: batch)
        #expect(reply.status == 207)
        let entries = try #require(reply.json?["responses"]?.arrayValue)
        #expect(entries.count == 3)
        #expect(entries[0]["xactionId"] != nil && entries[0]["statusCode"] == nil)
        #expect(entries[1]["statusCode"] == 400)
        #expect(entries[1]["message"]?.stringValue?.contains("header.flowId [flow-2]") == true)
        #expect(entries[2]["statusCode"] == 400)
        #expect(emulator.record.messages.map(\.id) == ["a"])
    }

    @Test func theFlowHeaderOrQueryStandsInForAMissingHeaderFlowId() async throws {
        let emulator = try Fixture.startedEmulator { $0.flowId = "flow-1" }
        defer { emulator.stop() }
        let client = Client()
        let headers = ["Content-Type": "application/json", "x-adobe-flow-id": "flow-1"]
        #expect(try await client.post(emulator.inletURL, json: envelope(id: "h", flowId: nil), headers: headers).status == 200)
        #expect(try await client.post(emulator.inletURL(flowId: "flow-1"), json: envelope(id: "q", flowId: nil)).status == 200)
        // Both sent, and they disagree: the envelope names another dataflow than the request.
        let split = try await client.post(emulator.inletURL, json: envelope(id: "split", flowId: "flow-2"), headers: headers)
        #expect(split.status == 400)
        // A request-level flow id for another dataflow refuses the whole request, as before.
        let wrongHeader = ["Content-Type": "application/json", "x-adobe-flow-id": "flow-2"]
        let refused = try await client.post(emulator.inletURL, json: envelope(id: "w", flowId: "flow-1"), headers: wrongHeader)
        #expect(refused.status == 400)
        #expect(refused.json?["report"]?["message"]?.stringValue?.contains("Unknown flow id [flow-2]") == true)
        #expect(emulator.record.messages.map(\.id) == ["h", "q"])
    }

    @Test func anInletWithoutAnExpectedFlowTakesAnyConsistentFlowIdOrNone() async throws {
        let emulator = try Fixture.startedEmulator()
        defer { emulator.stop() }
        let client = Client()
        #expect(try await client.post(emulator.inletURL, json: envelope(id: "none", flowId: nil)).status == 200)
        #expect(try await client.post(emulator.inletURL, json: envelope(id: "some", flowId: "any-flow")).status == 200)
        let headers = ["Content-Type": "application/json", "x-adobe-flow-id": "flow-a"]
        let split = try await client.post(emulator.inletURL, json: envelope(id: "split", flowId: "flow-b"), headers: headers)
        #expect(split.status == 400)
        #expect(split.json?["report"]?["message"]?.stringValue?.contains("header.flowId [flow-b] differs from the request's x-adobe-flow-id [flow-a]") == true)
        #expect(emulator.record.messages.map(\.id) == ["none", "some"])
        #expect(emulator.record.message(withID: "some")?.flowID == "any-flow")
    }

    @Test func theHTTPAPIFlowsXDMInletChecksHeaderFlowId() async throws {
        let platform = try PlatformFixture.started()
        defer { platform.stop() }
        let client = PlatformClient(platform: platform)
        let chatlio = try await client.provisionChatlio()
        let flowService = "/data/foundation/flowservice"
        let base = try await client.created("\(flowService)/connections", PlatformFixture.httpBaseConnection(), key: "id")
        let source = try await client.created("\(flowService)/sourceConnections", PlatformFixture.httpSourceConnection(base: base), key: "id")
        let target = try await client.created(
            "\(flowService)/targetConnections",
            PlatformFixture.targetConnection(name: "ACME Streaming Target Connection", schemaID: chatlio.schema, dataSetID: chatlio.dataSet), key: "id"
        )
        let flow = try await client.created("\(flowService)/flows", PlatformFixture.httpFlow(source: source, target: target), key: "id")
        let inlet = try #require(platform.inlet(forFlow: flow))
        // Adobe's "Send XDM data" example, flow id in the header only.
        #expect(try await client.client.post(inlet.inletURL, json: envelope(id: "mine", flowId: .string(flow), schemaID: chatlio.schema)).status == 200)
        let other = try await client.client.post(inlet.inletURL, json: envelope(id: "theirs", flowId: .string(chatlio.flow), schemaID: chatlio.schema))
        #expect(other.status == 400)
        #expect(try await client.client.post(inlet.inletURL, json: envelope(id: "none", flowId: nil, schemaID: chatlio.schema)).status == 400)
        #expect(await inlet.record.waitForCount(1))
        #expect(inlet.record.messages.map(\.id) == ["mine"])
    }
}
