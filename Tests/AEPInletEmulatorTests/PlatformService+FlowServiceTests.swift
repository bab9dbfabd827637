@testable import AEPInletEmulator
import ChatlioJSON
import Foundation
import Testing

@Suite("Platform emulator: Flow Service connections and flows, each with an inlet")
struct PlatformFlowServiceAPITests {
    static let flowService = "/data/foundation/flowservice"
    /// The Chatlio UI tutorial's sample JSON.
    static let chatlioMessage: JSONValue = [
        "visitor": ["email": "test@example.com", "UUID": "2d3f4260-2235-903b-0a82-a23d326cc257"],
        "message": "Hi", "channelId": "C04J7M7LCMQ", "slackChannelName": "aep", "slackChannelId": "C04JVR71WKS",
    ]

    @Test func theChatlioTutorialProvisionsAFlowWhoseInletTakesAMessage() async throws {
        let platform = try PlatformFixture.started()
        defer { platform.stop() }
        let client = PlatformClient(platform: platform)
        let ids = try await client.provisionChatlio()

        let flow = try await client.get("\(Self.flowService)/flows/\(ids.flow)")
        #expect(flow.status == 200)
        let item = try #require(flow.json?["items"]?[0])
        #expect(item["id"]?.stringValue == ids.flow)
        #expect(item["flowSpec"]?["id"] == "e77fde5a-22a8-11ed-861d-0242ac120002")
        #expect(item["sourceConnectionIds"]?[0]?.stringValue == ids.source)
        #expect(item["inheritedAttributes"]?["sourceConnections"]?[0]?["connectionSpec"]?["id"] == "073127a3-26e3-496c-9d94-9f48fb93fba8")
        #expect(item["state"] == "enabled")
        let inletText = try #require(item["options"]?["inletUrl"]?.stringValue)
        let inlet = try #require(platform.inlet(forFlow: ids.flow))
        #expect(inletText == inlet.inletURL.absoluteString)
        #expect(inlet.configuration.dataMode == .raw)
        #expect(inlet.configuration.inletId.count == 64)

        // The webhook URL the UI tutorial builds: {STREAMING_ENDPOINT}?x-adobe-flow-id={DATAFLOW_ID}.
        let webhook = try #require(URL(string: "\(inletText)?x-adobe-flow-id=\(ids.flow)"))
        let accepted = try await client.client.post(webhook, json: Self.chatlioMessage)
        #expect(accepted.status == 200)
        #expect(await inlet.record.waitForCount(1))
        #expect(inlet.record.messages.first?.flowID == ids.flow)
        #expect(inlet.record.messages.first?.message["message"] == "Hi")
        let wrongFlow = try #require(URL(string: "\(inletText)?x-adobe-flow-id=\(PlatformService.uuid())"))
        #expect(try await client.client.post(wrongFlow, json: Self.chatlioMessage).status == 400)
        let noFlow = try #require(URL(string: inletText))
        #expect(try await client.client.post(noFlow, json: Self.chatlioMessage).status == 400)
    }

    @Test func lookUpsFindWhatWasCreated() async throws {
        let platform = try PlatformFixture.started()
        defer { platform.stop() }
        let client = PlatformClient(platform: platform)
        let ids = try await client.provisionChatlio()
        let byName = try await client.get("\(Self.flowService)/flows?property=name==Streaming%20Dataflow%20for%20Chatlio")
        #expect(byName.json?["items"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [ids.flow])
        let bySource = try await client.get("\(Self.flowService)/flows?property=sourceConnectionIds[]==\(ids.source)")
        #expect(bySource.json?["items"]?.arrayValue?.count == 1)
        let bySpec = try await client.get("\(Self.flowService)/flows?property=flowSpec.id==d8a6f005-7eaf-4153-983e-e8574508b877")
        #expect(bySpec.json?["items"]?.arrayValue == [])
        let sources = try await client.get("\(Self.flowService)/sourceConnections?property=name==Streaming%20Source%20Connection%20for%20Chatlio.")
        #expect(sources.json?["items"]?[0]?["id"]?.stringValue == ids.source)
        let targets = try await client.get("\(Self.flowService)/targetConnections?property=params.dataSetId==\(ids.dataSet)")
        #expect(targets.json?["items"]?[0]?["id"]?.stringValue == ids.target)
        let absent = try await client.get("\(Self.flowService)/flows/\(PlatformService.uuid())")
        #expect(absent.status == 404)
        #expect(platform.flows.count == 1)
    }

    @Test func connectionsAreRefusedWithPreciseReasons() async throws {
        let platform = try PlatformFixture.started()
        defer { platform.stop() }
        let client = PlatformClient(platform: platform)
        func edited(_ body: JSONValue, _ change: (inout JSONObject) -> Void) -> JSONValue {
            var object = body.objectValue ?? [:]
            change(&object)
            return .object(object)
        }
        let path = "\(Self.flowService)/sourceConnections"
        let provider = try await client.post(path, edited(PlatformFixture.chatlioSourceConnection) { $0["providerId"] = "other" })
        #expect(provider.status == 400)
        #expect(provider.detail == "providerId must be 521eee4d-8cbe-4906-bb48-fb6bd4450033 for the Chatlio source")
        let spec = try await client.post(path, edited(PlatformFixture.chatlioSourceConnection) { $0["connectionSpec"] = ["id": "00000000", "version": "1.0"] })
        #expect(spec.detail.hasPrefix("connectionSpec.id \"00000000\" is not a spec this request takes"))
        let version = try await client.post(path, edited(PlatformFixture.chatlioSourceConnection) {
            $0["connectionSpec"] = ["id": "073127a3-26e3-496c-9d94-9f48fb93fba8", "version": "2.0"]
        })
        #expect(version.detail == "connectionSpec.version must be \"1.0\" (got \"2.0\")")
        let format = try await client.post(path, edited(PlatformFixture.chatlioSourceConnection) { $0["data"] = nil })
        #expect(format.detail.hasPrefix("data.format must be \"json\""))
        let name = try await client.post(path, edited(PlatformFixture.chatlioSourceConnection) { $0["name"] = "" })
        #expect(name.detail == "name is required: a non-empty string (got an empty string)")

        let registry = "/data/foundation/schemaregistry/tenant"
        let group = try await client.created("\(registry)/fieldgroups", PlatformFixture.fieldGroup())
        let schema = try await client.created("\(registry)/schemas", PlatformFixture.schema(fieldGroupID: group))
        let other = try await client.created("\(registry)/schemas", PlatformFixture.schema(title: "Other", fieldGroupID: group))
        let link = try #require(try await client.post("/data/foundation/catalog/dataSets", PlatformFixture.dataSet(schemaID: schema)).json?[0]?.stringValue)
        let dataSet = String(link.dropFirst("@/dataSets/".count))
        let targets = "\(Self.flowService)/targetConnections"
        let mismatch = try await client.post(targets, PlatformFixture.targetConnection(schemaID: other, dataSetID: dataSet))
        #expect(mismatch.detail == "params.dataSetId: dataset \(dataSet) is based on \(schema), not data.schema.id \(other)")
        let lake = try await client.post(targets, edited(PlatformFixture.targetConnection(schemaID: schema, dataSetID: dataSet)) {
            $0["connectionSpec"] = ["id": "073127a3-26e3-496c-9d94-9f48fb93fba8", "version": "1.0"]
        })
        #expect(lake.detail.hasPrefix("connectionSpec.id \"073127a3-26e3-496c-9d94-9f48fb93fba8\" is not a spec this request takes; Adobe documents c604ff05"))
        let noDataSet = try await client.post(targets, edited(PlatformFixture.targetConnection(schemaID: schema, dataSetID: dataSet)) { $0["params"] = [:] })
        #expect(noDataSet.detail.hasPrefix("params.dataSetId is required"))
        #expect(try await client.get(targets).json?["items"]?.arrayValue == [])
    }

    @Test func flowsAreRefusedWithPreciseReasons() async throws {
        let platform = try PlatformFixture.started()
        defer { platform.stop() }
        let client = PlatformClient(platform: platform)
        let ids = try await client.provisionChatlio()
        let path = "\(Self.flowService)/flows"
        func flow(_ change: (inout JSONObject) -> Void) -> JSONValue {
            var object = PlatformFixture.chatlioFlow(name: "Another", source: ids.source, target: ids.target, mapping: ids.mapping).objectValue ?? [:]
            change(&object)
            return .object(object)
        }
        let noMapping = try await client.post(path, flow { $0["transformations"] = nil })
        #expect(noMapping.status == 400)
        #expect(noMapping.detail.hasPrefix("transformations is required: [{\"name\": \"Mapping\""))
        let renamed = try await client.post(path, flow { $0["transformations"] = [["name": "Map", "params": ["mappingId": .string(ids.mapping), "mappingVersion": 0]]] })
        #expect(renamed.detail == "transformations[0].name must be \"Mapping\"")
        let unknownMapping = try await client.post(path, flow { $0["transformations"] = [["name": "Mapping", "params": ["mappingId": "nope", "mappingVersion": 0]]] })
        #expect(unknownMapping.detail == "transformations[0].params.mappingId: no mapping set has the id nope")
        let spec = try await client.post(path, flow { $0["flowSpec"] = ["id": "d8a6f005-7eaf-4153-983e-e8574508b877", "version": "1.0"] })
        #expect(spec.detail.hasPrefix("sourceConnectionIds: \(ids.source) is a 073127a3"))
        let twoSources = try await client.post(path, flow { $0["sourceConnectionIds"] = [.string(ids.source), .string(ids.source)] })
        #expect(twoSources.detail.hasPrefix("sourceConnectionIds is required: an array holding one connection id"))
        let unknownTarget = try await client.post(path, flow { $0["targetConnectionIds"] = ["nope"] })
        #expect(unknownTarget.detail == "targetConnectionIds: no target connection has the id nope")
        #expect(platform.flows.count == 1)
    }

    @Test func theHTTPAPISourceGetsAnXDMInletExpectingItsFlow() async throws {
        let platform = try PlatformFixture.started()
        defer { platform.stop() }
        let client = PlatformClient(platform: platform)
        let chatlio = try await client.provisionChatlio()
        let base = try await client.created("\(Self.flowService)/connections", PlatformFixture.httpBaseConnection(), key: "id")
        let connection = try await client.get("\(Self.flowService)/connections/\(base)")
        let params = try #require(connection.json?["items"]?[0]?["auth"]?["params"])
        let inletText = try #require(params["inletUrl"]?.stringValue)
        #expect(params["dataType"] == "xdm")
        #expect(params["inletId"]?.stringValue.map { inletText.hasSuffix("/collection/\($0)") } == true)
        let source = try await client.created("\(Self.flowService)/sourceConnections", PlatformFixture.httpSourceConnection(base: base), key: "id")
        let target = try await client.created(
            "\(Self.flowService)/targetConnections",
            PlatformFixture.targetConnection(name: "ACME Streaming Target Connection", schemaID: chatlio.schema, dataSetID: chatlio.dataSet), key: "id"
        )
        var withMapping = PlatformFixture.httpFlow(source: source, target: target).objectValue ?? [:]
        withMapping["transformations"] = [["name": "Mapping", "params": ["mappingId": .string(chatlio.mapping), "mappingVersion": 0]]]
        let refused = try await client.post("\(Self.flowService)/flows", .object(withMapping))
        #expect(refused.detail.hasPrefix("transformations must be absent for flowSpec d8a6f005"))
        let flow = try await client.created("\(Self.flowService)/flows", PlatformFixture.httpFlow(source: source, target: target), key: "id")
        let inlet = try #require(platform.inlet(forFlow: flow))
        #expect(inlet === platform.inlet(forBaseConnection: base))
        #expect(inlet.configuration.dataMode == .xdm)
        #expect(inlet.inletURL.absoluteString == inletText)
        let second = try await client.post("\(Self.flowService)/flows", PlatformFixture.httpFlow(source: source, target: target))
        #expect(second.detail.hasPrefix("(emulator) base connection \(base) already has flow \(flow)"))

        let envelope = Fixture.envelope(id: "evt-1", schemaID: chatlio.schema)
        let inletURL = try #require(URL(string: inletText))
        let headers = ["Content-Type": "application/json", "x-adobe-flow-id": flow]
        #expect(try await client.client.post(inletURL, json: envelope, headers: headers).status == 200)
        #expect(await inlet.record.waitForCount(1))
        #expect(inlet.record.messages.first?.id == "evt-1")
        #expect(inlet.record.messages.first?.flowID == flow)
        let otherFlow = ["Content-Type": "application/json", "x-adobe-flow-id": chatlio.flow]
        #expect(try await client.client.post(inletURL, json: envelope, headers: otherFlow).status == 400)
    }

    @Test func aRawHTTPAPIBaseConnectionNeedsTheMappingFlowSpec() async throws {
        let platform = try PlatformFixture.started()
        defer { platform.stop() }
        let client = PlatformClient(platform: platform)
        let chatlio = try await client.provisionChatlio()
        let base = try await client.created("\(Self.flowService)/connections", PlatformFixture.httpBaseConnection(dataType: "raw"), key: "id")
        let source = try await client.created("\(Self.flowService)/sourceConnections", PlatformFixture.httpSourceConnection(base: base), key: "id")
        let plain = try await client.post("\(Self.flowService)/flows", PlatformFixture.httpFlow(source: source, target: chatlio.target))
        #expect(plain.detail.hasPrefix("flowSpec d8a6f005-7eaf-4153-983e-e8574508b877 carries XDM data, but base connection \(base) takes raw data"))
        var mapped = PlatformFixture.httpFlow(source: source, target: chatlio.target).objectValue ?? [:]
        mapped["flowSpec"] = ["id": "c1a19761-d2c7-4702-b9fa-fe91f0613e81", "version": "1.0"]
        mapped["transformations"] = [["name": "Mapping", "params": ["mappingId": .string(chatlio.mapping), "mappingVersion": 0]]]
        let flow = try await client.created("\(Self.flowService)/flows", .object(mapped), key: "id")
        #expect(platform.inlet(forFlow: flow)?.configuration.dataMode == .raw)
        let badType = try await client.post("\(Self.flowService)/connections", .object({
            var object = PlatformFixture.httpBaseConnection().objectValue ?? [:]
            object["auth"] = ["specName": "Streaming Connection", "params": ["dataType": "csv"]]
            return object
        }()))
        #expect(badType.detail == "auth.params.dataType must be \"xdm\" or \"raw\" (got \"csv\")")
    }

    @Test func stopStopsEveryInlet() async throws {
        let platform = try PlatformFixture.started()
        let client = PlatformClient(platform: platform)
        let ids = try await client.provisionChatlio()
        let inlet = try #require(platform.inlet(forFlow: ids.flow))
        #expect(inlet.isRunning)
        platform.stop()
        #expect(!inlet.isRunning)
        #expect(!platform.isRunning)
        // Started again, it keeps what it had and gives new flows running inlets.
        try platform.start()
        defer { platform.stop() }
        #expect(try await client.get("/data/foundation/flowservice/flows/\(ids.flow)").status == 200)
        let again = try await client.created(
            "/data/foundation/flowservice/flows", PlatformFixture.chatlioFlow(name: "After restart", source: ids.source, target: ids.target, mapping: ids.mapping), key: "id"
        )
        #expect(platform.inlet(forFlow: again)?.isRunning == true)
        #expect(platform.inlet(forFlow: ids.flow)?.isRunning == false)
    }
}

@Suite("Platform emulator: authenticated HTTP API connections")
struct PlatformAuthenticatedConnectionTests {
    @Test func anAuthenticatedBaseConnectionsInletTakesThePlatformToken() async throws {
        let platform = try PlatformFixture.started()
        defer { platform.stop() }
        let client = PlatformClient(platform: platform)
        var body = PlatformFixture.httpBaseConnection().objectValue ?? [:]
        body["auth"] = ["specName": "Streaming Connection", "params": ["dataType": "xdm", "authenticationRequired": true]]
        let base = try await client.created("/data/foundation/flowservice/connections", .object(body), key: "id")
        let inlet = try #require(platform.inlet(forBaseConnection: base))
        let envelope = Fixture.envelope(id: "auth-1")
        #expect(try await client.client.post(inlet.inletURL, json: envelope).status == 401)
        // The flow id is required for XDM data too: the one the emulator reserved for this connection's flow.
        let flowID = try #require(inlet.configuration.flowId)
        let authorized = ["Content-Type": "application/json", "Authorization": "Bearer \(PlatformFixture.token)", "x-adobe-flow-id": flowID]
        #expect(try await client.client.post(inlet.inletURL, json: envelope, headers: authorized).status == 200)
    }
}

@Suite("Platform emulator: more refusals")
struct PlatformMoreRefusalTests {
    @Test func aMappingForAnotherSchemaThanTheTargetsIsRefused() async throws {
        let platform = try PlatformFixture.started()
        defer { platform.stop() }
        let client = PlatformClient(platform: platform)
        let ids = try await client.provisionChatlio()
        let registry = "/data/foundation/schemaregistry/tenant"
        let other = try await client.created("\(registry)/schemas", PlatformFixture.schema(title: "Other", fieldGroupID: ids.fieldGroup))
        let otherMapping = try await client.created("/data/foundation/conversion/mappingSets", PlatformFixture.mappingSet(schemaID: other), key: "id", status: 200)
        let flow = PlatformFixture.chatlioFlow(name: "Mismatched", source: ids.source, target: ids.target, mapping: otherMapping)
        let refused = try await client.post("/data/foundation/flowservice/flows", flow)
        #expect(refused.status == 400)
        #expect(refused.detail == "transformations[0].params.mappingId: mapping set \(otherMapping) maps to \(other), but the target connection writes \(ids.schema)")
        var wrongVersion = flow.objectValue ?? [:]
        wrongVersion["transformations"] = [["name": "Mapping", "params": ["mappingId": .string(ids.mapping), "mappingVersion": 3]]]
        let versioned = try await client.post("/data/foundation/flowservice/flows", .object(wrongVersion))
        #expect(versioned.detail == "transformations[0].params.mappingVersion: mapping set \(ids.mapping) has version 0, not 3")
    }

    @Test func descriptorFieldsAndMethodsAreChecked() async throws {
        let platform = try PlatformFixture.started()
        defer { platform.stop() }
        let client = PlatformClient(platform: platform)
        let ids = try await client.provisionChatlio()
        let path = "/data/foundation/schemaregistry/tenant/descriptors"
        var body = PlatformFixture.identityDescriptor(schemaID: ids.schema, property: "/_acme/chatlio/message", primary: false).objectValue ?? [:]
        body["xdm:sourceVersion"] = nil
        #expect(try await client.post(path, .object(body)).detail == "xdm:sourceVersion is required: the schema's major version, 1")
        body["xdm:sourceVersion"] = 1
        body["xdm:property"] = "xdm:name"
        #expect(try await client.post(path, .object(body)).detail == "xdm:property must be \"xdm:code\" or \"xdm:id\"")
        body["xdm:property"] = "xdm:code"
        body["xdm:sourceSchema"] = "https://ns.adobe.com/acme/schemas/none"
        #expect(try await client.post(path, .object(body)).detail == "xdm:sourceSchema: Object https://ns.adobe.com/acme/schemas/none with version 1 not found")
        let put = try await client.send("PUT", "/data/foundation/flowservice/flows/\(ids.flow)", json: [:])
        #expect(put.status == 405)
        #expect(put.header("Allow") == "GET")
        let baseName = try await client.post("/data/foundation/flowservice/connections", .object({
            var object = PlatformFixture.httpBaseConnection().objectValue ?? [:]
            object["auth"] = ["specName": "Basic Authentication", "params": ["dataType": "xdm"]]
            return object
        }()))
        #expect(baseName.detail == "auth.specName must be \"Streaming Connection\"")
        let unknownBase = try await client.post("/data/foundation/flowservice/sourceConnections", PlatformFixture.httpSourceConnection(base: "nope"))
        #expect(unknownBase.detail == "baseConnectionId: no base connection has the id nope")
    }
}
