import ChatlioAEPSupport
import ChatlioJSON
import Foundation

/// `/data/foundation/flowservice`: base connections, source connections,
/// target connections and flows, each flow wired to a streaming inlet of its own.
///
/// - help/sources/tutorials/api/create/marketing-automation/chatlio-webhook.md: the Chatlio source
///   connection (`providerId`, `connectionSpec` 073127a3…, `data.format` json), the data lake target
///   connection (c604ff05…, `data.schema.id`/`version`, `params.dataSetId`), the flow (`flowSpec`
///   e77fde5a…, one source and one target connection, the `Mapping` transformation) and
///   `GET /flows/{id}` answering `items[0].options.inletUrl`.
/// - help/sources/tutorials/ui/create/marketing-automation/chatlio-webhook.md: the webhook URL is
///   `{STREAMING_ENDPOINT}?x-adobe-flow-id={DATAFLOW_ID}`, so each Chatlio flow's inlet is a raw one
///   that expects that flow id.
/// - help/sources/tutorials/api/create/streaming/http.md: the HTTP API base connection (bc7b00d6…,
///   `auth.specName` "Streaming Connection", `auth.params.dataType` xdm or raw) whose GET answers
///   `auth.params.inletUrl` and `inletId`, its source connection (`baseConnectionId`), and its flows
///   (d8a6f005… without transformations, c1a19761… with a mapping; the transformation's name "must
///   always be set to Mapping"); 201 with `{id, etag}` for every create; the flow id is required
///   for XDM and raw data alike.
/// - help/dataflows/api/sort-and-filter.md: `property=` filters on lists, `[]` for array items.
extension PlatformService {
    func flowService(_ request: PlatformRequest, endpoint: PlatformEndpoint) throws(HTTPResponseBox) -> HTTPResponse {
        let id = request.segments.count == 2 ? request.segments[1] : nil
        switch (request.method, id) {
        case ("GET", nil):
            let items = state.withLock { state in collection(endpoint, in: state) }
            return HTTPResponse(status: 200, json: ["items": .array(try Self.filter(items, request).map(JSONValue.object))])
        case ("GET", let id?):
            guard let found = state.withLock({ state in collection(endpoint, in: state).first { $0["id"]?.stringValue == id } }) else {
                throw Self.refusal(PlatformProblem.notFound("No \(endpoint.description.replacingOccurrences(of: "flowservice/", with: "")) object has the id \(id)"))
            }
            return HTTPResponse(status: 200, json: ["items": [.object(found)]])
        case ("POST", nil):
            let body = try Self.object(request.body)
            _ = try Self.string(body["name"], "name")
            if let description = body["description"], description.stringValue == nil {
                throw Self.refusal(PlatformProblem.field("description", "must be a string"))
            }
            switch endpoint {
            case .connections: return try createBaseConnection(body)
            case .sourceConnections: return try createSourceConnection(body)
            case .targetConnections: return try createTargetConnection(body)
            default: return try createFlow(body)
            }
        default:
            return PlatformProblem.methodNotAllowed(request.method, allowed: id == nil ? "GET, POST" : "GET")
        }
    }

    private func collection(_ endpoint: PlatformEndpoint, in state: PlatformState) -> [JSONObject] {
        switch endpoint {
        case .connections: state.baseConnections
        case .sourceConnections: state.sourceConnections
        case .targetConnections: state.targetConnections
        default: state.flows
        }
    }

    /// What every Flow Service object carries besides its body.
    private func stamp(_ body: JSONObject, id: String) -> JSONObject {
        let now = Self.number(nowMilliseconds())
        let etag = JSONValue.string(Self.etag())
        var object = body
        object["id"] = .string(id)
        object["createdAt"] = now
        object["updatedAt"] = now
        object["createdBy"] = "emulated@AdobeID"
        object["updatedBy"] = "emulated@AdobeID"
        object["createdClient"] = "emulated"
        object["updatedClient"] = "emulated"
        object["sandboxId"] = "emulated-sandbox"
        object["sandboxName"] = .string(configuration.sandboxName ?? "prod")
        object["imsOrgId"] = .string(configuration.imsOrgId)
        object["state"] = "enabled"
        object["version"] = etag
        object["etag"] = etag
        return object
    }

    private static func created(_ object: JSONObject) -> HTTPResponse {
        HTTPResponse(status: 201, json: ["id": object["id"] ?? .null, "etag": object["etag"] ?? .null])
    }

    // MARK: Connections

    private func createBaseConnection(_ body: JSONObject) throws(HTTPResponseBox) -> HTTPResponse {
        _ = try Self.spec(body["connectionSpec"], "connectionSpec", allowed: [AEPPlatformSpecs.httpAPIConnectionSpecID])
        guard body["auth"]?["specName"]?.stringValue == AEPPlatformSpecs.streamingConnectionSpecName else {
            throw Self.refusal(PlatformProblem.field("auth.specName", "must be \"\(AEPPlatformSpecs.streamingConnectionSpecName)\""))
        }
        let dataType = try Self.string(body["auth"]?["params"]?["dataType"], "auth.params.dataType")
        guard dataType == "xdm" || dataType == "raw" else {
            throw Self.refusal(PlatformProblem.field("auth.params.dataType", "must be \"xdm\" or \"raw\" (got \"\(dataType)\")"))
        }
        if let required = body["auth"]?["params"]?["authenticationRequired"], required.boolValue == nil {
            throw Self.refusal(PlatformProblem.field("auth.params.authenticationRequired", "must be a boolean"))
        }
        // The inlet exists from the base connection on (http.md: "The streaming endpoint URL is
        // automatically created with the connection"), so it is started now, expecting the id
        // the emulator reserves for this connection's flow.
        let id = Self.uuid()
        let reservedFlowID = Self.uuid()
        let authenticated = body["auth"]?["params"]?["authenticationRequired"]?.boolValue == true
        let inlet = try startInlet(dataMode: dataType == "raw" ? .raw : .xdm, flowID: reservedFlowID, authenticated: authenticated)
        var params = body["auth"]?["params"]?.objectValue ?? [:]
        params["inletUrl"] = .string(inlet.inletURL.absoluteString)
        params["inletId"] = .string(inlet.configuration.inletId)
        params["sourceId"] = params["sourceId"] ?? body["name"]
        params["name"] = params["name"] ?? body["name"]
        params["authenticationRequired"] = params["authenticationRequired"] ?? false
        var object = body
        object["auth"] = ["specName": .string(AEPPlatformSpecs.streamingConnectionSpecName), "params": .object(params)]
        object = stamp(object, id: id)
        state.withLock { state in
            state.baseConnections.append(object)
            state.reservedFlowIDs[id] = reservedFlowID
            state.inlets[id] = inlet
        }
        if stopped.withLock({ $0 }) { inlet.stop() }
        return Self.created(object)
    }

    private func createSourceConnection(_ body: JSONObject) throws(HTTPResponseBox) -> HTTPResponse {
        let spec = try Self.spec(
            body["connectionSpec"], "connectionSpec", allowed: [AEPPlatformSpecs.chatlioConnectionSpecID, AEPPlatformSpecs.httpAPIConnectionSpecID]
        )
        if spec == AEPPlatformSpecs.chatlioConnectionSpecID {
            guard body["providerId"]?.stringValue == AEPPlatformSpecs.chatlioProviderID else {
                throw Self.refusal(PlatformProblem.field("providerId", "must be \(AEPPlatformSpecs.chatlioProviderID) for the Chatlio source"))
            }
            guard body["data"]?["format"]?.stringValue == "json" else {
                throw Self.refusal(PlatformProblem.field("data.format", "must be \"json\": the only format the Chatlio source supports"))
            }
            if body["baseConnectionId"] != nil {
                throw Self.refusal(PlatformProblem.field("baseConnectionId", "has no place in a Chatlio source connection (the tutorial creates none)"))
            }
        } else {
            let base = try Self.string(body["baseConnectionId"], "baseConnectionId")
            guard state.withLock({ $0.baseConnections.contains { $0["id"]?.stringValue == base } }) else {
                throw Self.badRequest("baseConnectionId: no base connection has the id \(base)")
            }
        }
        let object = stamp(body, id: Self.uuid())
        state.withLock { $0.sourceConnections.append(object) }
        return Self.created(object)
    }

    private func createTargetConnection(_ body: JSONObject) throws(HTTPResponseBox) -> HTTPResponse {
        _ = try Self.spec(body["connectionSpec"], "connectionSpec", allowed: [AEPPlatformSpecs.dataLakeConnectionSpecID])
        if let format = body["data"]?["format"], format.stringValue != "json" {
            throw Self.refusal(PlatformProblem.field("data.format", "must be \"json\""))
        }
        let schemaID = try Self.string(body["data"]?["schema"]?["id"], "data.schema.id")
        let version = try Self.string(body["data"]?["schema"]?["version"], "data.schema.version")
        guard Self.isSchemaContentType(version) else {
            throw Self.refusal(PlatformProblem.field("data.schema.version", "\"\(version)\" is not a schema format such as application/vnd.adobe.xed-full+json;version=1"))
        }
        let dataSetID = try Self.string(body["params"]?["dataSetId"], "params.dataSetId")
        try state.withLock { (state: inout PlatformState) throws(HTTPResponseBox) in
            guard state.schemas.contains(where: { $0["$id"]?.stringValue == schemaID }) else {
                throw Self.badRequest("data.schema.id: Object \(schemaID) with version 1 not found")
            }
            guard let dataSet = state.dataSets.first(where: { $0.id == dataSetID }) else {
                throw Self.badRequest("params.dataSetId: no dataset has the id \(dataSetID)")
            }
            let dataSetSchema = dataSet.value["schemaRef"]?["id"]?.stringValue ?? ""
            guard dataSetSchema == schemaID else {
                throw Self.badRequest("params.dataSetId: dataset \(dataSetID) is based on \(dataSetSchema), not data.schema.id \(schemaID)")
            }
        }
        let object = stamp(body, id: Self.uuid())
        state.withLock { $0.targetConnections.append(object) }
        return Self.created(object)
    }

    // MARK: Flows

    private func createFlow(_ body: JSONObject) throws(HTTPResponseBox) -> HTTPResponse {
        let flowSpec = try Self.spec(body["flowSpec"], "flowSpec", allowed: [
            AEPPlatformSpecs.chatlioFlowSpecID, AEPPlatformSpecs.httpAPIFlowSpecID, AEPPlatformSpecs.httpAPIMappingFlowSpecID,
        ])
        func single(_ key: String) throws(HTTPResponseBox) -> String {
            guard let ids = body[key]?.arrayValue, ids.count == 1, let id = ids[0].stringValue, !id.isEmpty else {
                throw Self.refusal(PlatformProblem.field(key, "is required: an array holding one connection id"))
            }
            return id
        }
        let sourceID = try single("sourceConnectionIds")
        let targetID = try single("targetConnectionIds")
        let transformations = body["transformations"]?.arrayValue ?? []
        if body["transformations"] != nil, body["transformations"]?.arrayValue == nil {
            throw Self.refusal(PlatformProblem.field("transformations", "must be an array"))
        }

        // Everything is checked under one lock; the inlet (for a Chatlio flow) is started after.
        let plan = try state.withLock { (state: inout PlatformState) throws(HTTPResponseBox) -> (source: JSONObject, target: JSONObject, reserved: String?) in
            guard let source = state.sourceConnections.first(where: { $0["id"]?.stringValue == sourceID }) else {
                throw Self.badRequest("sourceConnectionIds: no source connection has the id \(sourceID)")
            }
            guard let target = state.targetConnections.first(where: { $0["id"]?.stringValue == targetID }) else {
                throw Self.badRequest("targetConnectionIds: no target connection has the id \(targetID)")
            }
            let sourceSpec = source["connectionSpec"]?["id"]?.stringValue ?? ""
            let isChatlioFlow = flowSpec == AEPPlatformSpecs.chatlioFlowSpecID
            let expectedSpec = isChatlioFlow ? AEPPlatformSpecs.chatlioConnectionSpecID : AEPPlatformSpecs.httpAPIConnectionSpecID
            guard sourceSpec == expectedSpec else {
                throw Self.badRequest("sourceConnectionIds: \(sourceID) is a \(sourceSpec) source connection; flowSpec \(flowSpec) takes \(expectedSpec)")
            }
            let needsMapping = flowSpec != AEPPlatformSpecs.httpAPIFlowSpecID
            if needsMapping {
                try checkMapping(transformations, target: target, in: state)
            } else if !transformations.isEmpty {
                throw Self.refusal(PlatformProblem.field(
                    "transformations", "must be absent for flowSpec \(flowSpec) (no transformations); a mapping needs \(AEPPlatformSpecs.httpAPIMappingFlowSpecID)"
                ))
            }
            var reserved: String?
            if !isChatlioFlow {
                let baseID = source["baseConnectionId"]?.stringValue ?? ""
                guard let flowID = state.reservedFlowIDs[baseID] else {
                    throw Self.badRequest("sourceConnectionIds: \(sourceID) has no base connection")
                }
                if let existing = state.flows.first(where: { $0["id"]?.stringValue == flowID }) {
                    throw Self.badRequest("(emulator) base connection \(baseID) already has flow \(existing["id"]?.stringValue ?? ""); the emulator wires one flow per base connection")
                }
                let dataType = state.baseConnections.first { $0["id"]?.stringValue == baseID }?["auth"]?["params"]?["dataType"]?.stringValue
                if !needsMapping, dataType == "raw" {
                    throw Self.badRequest("flowSpec \(flowSpec) carries XDM data, but base connection \(baseID) takes raw data: use \(AEPPlatformSpecs.httpAPIMappingFlowSpecID) with a mapping")
                }
                reserved = flowID
            }
            return (source, target, reserved)
        }

        let flowID = plan.reserved ?? Self.uuid()
        var inlet: AEPInletEmulator?
        if plan.reserved == nil { inlet = try startInlet(dataMode: .raw, flowID: flowID, dataPrepMapping: try flowMapping(transformations)) }
        var object = body
        object["transformations"] = body["transformations"].map { _ in .array(transformations) }
        object["inheritedAttributes"] = [
            "properties": ["isSourceFlow": true],
            "sourceConnections": [["id": .string(sourceID), "connectionSpec": plan.source["connectionSpec"] ?? .null]],
            "targetConnections": [["id": .string(targetID), "connectionSpec": plan.target["connectionSpec"] ?? .null]],
        ]
        if let inlet { object["options"] = ["inletUrl": .string(inlet.inletURL.absoluteString)] }
        object["runs"] = .string("/runs?property=flowId==\(flowID)")
        object["lastOperation"] = ["started": 0, "updated": 0, "operation": "enable"]
        object = stamp(object, id: flowID)
        let stored = object
        // Checked again where it is stored: two requests for one base connection may race here.
        let raced = state.withLock { state -> Bool in
            if state.flows.contains(where: { $0["id"]?.stringValue == flowID }) { return true }
            state.flows.append(stored)
            if let inlet { state.inlets[flowID] = inlet }
            return false
        }
        if raced { throw Self.badRequest("(emulator) flow \(flowID) was created by a concurrent request") }
        // A stop that ran while the inlet started has not seen it: stop it now.
        if let inlet, stopped.withLock({ $0 }) { inlet.stop() }
        return Self.created(object)
    }

    /// The mapping set the (checked) `Mapping` transformation names, read for the flow's inlet to apply.
    private func flowMapping(_ transformations: [JSONValue]) throws(HTTPResponseBox) -> DataPrepMappingSet? {
        guard let id = transformations.first?["params"]?["mappingId"]?.stringValue,
              let body = state.withLock({ $0.mappingSets.first { $0["id"]?.stringValue == id } }) else { return nil }
        do throws(DataPrepError) {
            return try DataPrepMappingSet(.object(body))
        } catch {
            // Checked when the mapping set was created, so only a change to the evaluator gets here.
            throw Self.refusal(PlatformProblem.problem(500, title: "InternalServerError", detail: "(emulator) mapping set \(id) no longer reads: \(error)"))
        }
    }

    /// One `Mapping` transformation naming an existing mapping set whose output schema is the target's.
    private func checkMapping(_ transformations: [JSONValue], target: JSONObject, in state: PlatformState) throws(HTTPResponseBox) {
        guard transformations.count == 1, let mapping = transformations.first else {
            throw Self.refusal(PlatformProblem.field(
                "transformations", "is required: [{\"name\": \"Mapping\", \"params\": {\"mappingId\": …, \"mappingVersion\": 0}}] (got \(transformations.count) entries)"
            ))
        }
        guard mapping["name"]?.stringValue == "Mapping" else {
            throw Self.refusal(PlatformProblem.field("transformations[0].name", "must be \"Mapping\""))
        }
        let mappingID = try Self.string(mapping["params"]?["mappingId"], "transformations[0].params.mappingId")
        guard let version = mapping["params"]?["mappingVersion"]?.int64Value else {
            throw Self.refusal(PlatformProblem.field("transformations[0].params.mappingVersion", "is required: an integer (0)"))
        }
        guard let set = state.mappingSets.first(where: { $0["id"]?.stringValue == mappingID }) else {
            throw Self.badRequest("transformations[0].params.mappingId: no mapping set has the id \(mappingID)")
        }
        guard version == 0 else {
            throw Self.badRequest("transformations[0].params.mappingVersion: mapping set \(mappingID) has version 0, not \(version)")
        }
        let targetSchema = target["data"]?["schema"]?["id"]?.stringValue ?? ""
        let mappedSchema = set["xdmSchema"]?.stringValue ?? ""
        guard targetSchema == mappedSchema else {
            throw Self.badRequest("transformations[0].params.mappingId: mapping set \(mappingID) maps to \(mappedSchema), but the target connection writes \(targetSchema)")
        }
    }
}
