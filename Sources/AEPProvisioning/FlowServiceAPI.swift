public import ChatlioJSON

/// Flow Service requests: base connection, source connection, target
/// connection, flow, and the inlet URL.
///
/// Pages (AdobeDocs/experience-platform.en):
/// - help/sources/tutorials/api/create/marketing-automation/chatlio-webhook.md:
///   the Chatlio source connection (provider `521eee4d-…`, connection spec
///   `073127a3-…` 1.0, `data.format` `json`), the data lake target connection
///   (`c604ff05-…`), the flow (flow spec `e77fde5a-…` with a `Mapping`
///   transformation) and `GET /flows/{id}` → `items[0].options.inletUrl`.
/// - help/sources/tutorials/api/create/streaming/http.md: the HTTP API
///   streaming source, for XDM: a base connection (connection spec
///   `bc7b00d6-623a-4dfc-9fdb-f1240aeadaeb`, `auth.specName`
///   `Streaming Connection`, `auth.params.dataType` `xdm`) whose
///   `GET /connections/{id}` gives `items[0].auth.params.inletUrl`; a source
///   connection on it; a flow with flow spec `d8a6f005-7eaf-4153-983e-e8574508b877`
///   (without transformations; `c1a19761-d2c7-4702-b9fa-fe91f0613e81` with them).
/// - help/dataflows/api/sort-and-filter.md: lists filter with `property=name==…`
///   and answer `{"items": […]}`.
///
/// ```swift
/// let request = FlowServiceAPI.createSourceConnection(.chatlio(name: "Chatlio source"))
/// ```
public enum FlowServiceAPI {
    /// The service's base path.
    public static let basePath = "/data/foundation/flowservice"
    static let service = "Flow Service"

    /// A connection or flow specification reference.
    public struct Spec: Sendable, Hashable {
        /// The spec id.
        public var id: String
        /// Its version.
        public var version: String
        /// Creates a reference.
        public init(id: String, version: String = "1.0") {
            self.id = id
            self.version = version
        }
        var json: JSONValue { ["id": .string(id), "version": .string(version)] }
    }

    /// The provider of streaming sources (Chatlio and HTTP API alike).
    public static let streamingProviderID = "521eee4d-8cbe-4906-bb48-fb6bd4450033"
    /// The Chatlio source's connection spec.
    public static let chatlioConnectionSpec = Spec(id: "073127a3-26e3-496c-9d94-9f48fb93fba8")
    /// The Chatlio source's flow spec.
    public static let chatlioFlowSpec = Spec(id: "e77fde5a-22a8-11ed-861d-0242ac120002")
    /// The data lake's fixed connection spec (target connections).
    public static let dataLakeConnectionSpec = Spec(id: "c604ff05-7f1a-43c0-8e18-33bf874cb11c")
    /// The HTTP API streaming source's connection spec.
    public static let httpAPIConnectionSpec = Spec(id: "bc7b00d6-623a-4dfc-9fdb-f1240aeadaeb")
    /// The HTTP API streaming flow spec without transformations (XDM sent as is).
    public static let httpAPIFlowSpec = Spec(id: "d8a6f005-7eaf-4153-983e-e8574508b877")
    /// The HTTP API streaming flow spec with a mapping transformation.
    public static let httpAPIMappedFlowSpec = Spec(id: "c1a19761-d2c7-4702-b9fa-fe91f0613e81")
    /// `data.schema.version` of a target connection.
    public static let targetSchemaVersion = "application/vnd.adobe.xed-full+json;version=1"

    // MARK: Requests

    /// `POST /connections`: an HTTP API base connection (unauthenticated, `dataType` `xdm` or `raw`).
    public static func createBaseConnection(name: String, description: String, dataType: String = "xdm") -> PlatformRequest {
        PlatformRequest(service: service, method: "POST", path: basePath + "/connections", body: [
            "name": .string(name),
            "description": .string(description),
            "connectionSpec": httpAPIConnectionSpec.json,
            "auth": ["specName": "Streaming Connection", "params": ["dataType": .string(dataType)]],
        ])
    }

    /// `POST /sourceConnections`.
    public static func createSourceConnection(_ body: SourceConnectionBody) -> PlatformRequest {
        PlatformRequest(service: service, method: "POST", path: basePath + "/sourceConnections", body: body.json)
    }

    /// `POST /targetConnections`.
    public static func createTargetConnection(_ body: TargetConnectionBody) -> PlatformRequest {
        PlatformRequest(service: service, method: "POST", path: basePath + "/targetConnections", body: body.json)
    }

    /// `POST /flows`.
    public static func createFlow(_ body: FlowBody) -> PlatformRequest {
        PlatformRequest(service: service, method: "POST", path: basePath + "/flows", body: body.json)
    }

    /// `GET /{collection}?property=name==…` (`connections`, `sourceConnections`, `targetConnections`, `flows`).
    public static func list(_ collection: Collection, name: String) -> PlatformRequest {
        PlatformRequest(service: service, method: "GET", path: basePath + "/" + collection.rawValue, query: [.init("property", "name==" + name)])
    }

    /// `GET /{collection}/{id}`.
    public static func lookup(_ collection: Collection, id: String) -> PlatformRequest {
        PlatformRequest(service: service, method: "GET", path: basePath + "/" + collection.rawValue + "/" + PlatformRequest.encode(id))
    }

    /// `GET /flows/{id}`: the flow, with `options.inletUrl` for a Chatlio flow.
    public static func flow(id: String) -> PlatformRequest { lookup(.flows, id: id) }

    /// The Flow Service collections the plan uses.
    public enum Collection: String, Sendable, Hashable, CaseIterable {
        case connections, sourceConnections, targetConnections, flows
    }

    // MARK: Bodies

    /// A source connection to create.
    public struct SourceConnectionBody: Sendable, Hashable {
        /// `name` (the plan looks it up by this).
        public var name: String
        /// `description`.
        public var description: String
        /// `providerId` (Chatlio), or `nil`.
        public var providerID: String?
        /// `baseConnectionId` (HTTP API), or `nil`.
        public var baseConnectionID: String?
        /// `connectionSpec`.
        public var connectionSpec: Spec
        /// `data.format`, or `nil`.
        public var dataFormat: String?

        /// The Chatlio source connection of Adobe's tutorial.
        public static func chatlio(name: String, description: String = "Chatlio webhooks, streamed.") -> SourceConnectionBody {
            SourceConnectionBody(
                name: name, description: description, providerID: streamingProviderID, baseConnectionID: nil, connectionSpec: chatlioConnectionSpec,
                dataFormat: "json"
            )
        }

        /// An HTTP API source connection on a base connection.
        public static func httpAPI(name: String, baseConnectionID: String, description: String = "XDM envelopes from the Chatlio relay.") -> SourceConnectionBody {
            SourceConnectionBody(
                name: name, description: description, providerID: nil, baseConnectionID: baseConnectionID, connectionSpec: httpAPIConnectionSpec,
                dataFormat: nil
            )
        }

        /// Creates a body.
        public init(name: String, description: String, providerID: String?, baseConnectionID: String?, connectionSpec: Spec, dataFormat: String?) {
            self.name = name
            self.description = description
            self.providerID = providerID
            self.baseConnectionID = baseConnectionID
            self.connectionSpec = connectionSpec
            self.dataFormat = dataFormat
        }

        /// The body as JSON.
        public var json: JSONValue {
            var object: JSONObject = ["name": .string(name), "description": .string(description), "connectionSpec": connectionSpec.json]
            if let providerID { object["providerId"] = .string(providerID) }
            if let baseConnectionID { object["baseConnectionId"] = .string(baseConnectionID) }
            if let dataFormat { object["data"] = ["format": .string(dataFormat)] }
            return .object(object)
        }
    }

    /// A data lake target connection to create.
    public struct TargetConnectionBody: Sendable, Hashable {
        /// `name`.
        public var name: String
        /// `description`.
        public var description: String
        /// `data.schema.id`.
        public var schemaID: String
        /// `params.dataSetId`.
        public var datasetID: String

        /// Creates a body.
        public init(name: String, description: String = "Chatlio events into the data lake.", schemaID: String, datasetID: String) {
            self.name = name
            self.description = description
            self.schemaID = schemaID
            self.datasetID = datasetID
        }

        /// The body as JSON: `data.format` `json`, the data lake's connection spec.
        public var json: JSONValue {
            [
                "name": .string(name),
                "description": .string(description),
                "connectionSpec": dataLakeConnectionSpec.json,
                "data": ["format": "json", "schema": ["id": .string(schemaID), "version": .string(targetSchemaVersion)]],
                "params": ["dataSetId": .string(datasetID)],
            ]
        }
    }

    /// A flow to create.
    public struct FlowBody: Sendable, Hashable {
        /// `name`.
        public var name: String
        /// `description`.
        public var description: String
        /// `flowSpec`.
        public var flowSpec: Spec
        /// `sourceConnectionIds`.
        public var sourceConnectionIDs: [String]
        /// `targetConnectionIds`.
        public var targetConnectionIDs: [String]
        /// The `Mapping` transformation, or `nil` for none.
        public var mapping: Mapping?

        /// A `Mapping` transformation's mapping set.
        public struct Mapping: Sendable, Hashable {
            /// `params.mappingId`.
            public var id: String
            /// `params.mappingVersion`.
            public var version: Int
            /// Creates a reference.
            public init(id: String, version: Int = 0) {
                self.id = id
                self.version = version
            }
        }

        /// Creates a body.
        public init(name: String, description: String, flowSpec: Spec, sourceConnectionIDs: [String], targetConnectionIDs: [String], mapping: Mapping?) {
            self.name = name
            self.description = description
            self.flowSpec = flowSpec
            self.sourceConnectionIDs = sourceConnectionIDs
            self.targetConnectionIDs = targetConnectionIDs
            self.mapping = mapping
        }

        /// The body as JSON.
        public var json: JSONValue {
            var object: JSONObject = [
                "name": .string(name),
                "description": .string(description),
                "flowSpec": flowSpec.json,
                "sourceConnectionIds": .array(sourceConnectionIDs.map(JSONValue.string)),
                "targetConnectionIds": .array(targetConnectionIDs.map(JSONValue.string)),
            ]
            if let mapping {
                object["transformations"] = [["name": "Mapping", "params": ["mappingId": .string(mapping.id), "mappingVersion": .number(JSONNumber(mapping.version))]]]
            }
            return .object(object)
        }
    }

    // MARK: Answers

    /// The `id` of a created object (`{"id", "etag"}`).
    public static func createdID(_ response: PlatformResponse) throws(AEPProvisioningError) -> String {
        guard let id = response.json?["id"]?.stringValue, !id.isEmpty else { throw response.unreadable("an id") }
        return id
    }

    /// The `items` of a list or look-up answer.
    public static func items(_ response: PlatformResponse) throws(AEPProvisioningError) -> [JSONValue] {
        guard let items = response.json?["items"]?.arrayValue else { throw response.unreadable("an items array") }
        for item in items where item["id"]?.stringValue == nil { throw response.unreadable("an id in every item") }
        return items
    }

    /// A flow, as looked up or listed.
    public struct Flow: Sendable, Hashable {
        /// `id`.
        public var id: String
        /// `name`.
        public var name: String?
        /// `flowSpec.id`.
        public var flowSpecID: String?
        /// `sourceConnectionIds`.
        public var sourceConnectionIDs: [String]
        /// `targetConnectionIds`.
        public var targetConnectionIDs: [String]
        /// The `Mapping` transformation's `mappingId`.
        public var mappingID: String?
        /// `options.inletUrl` (Chatlio flows).
        public var inletURL: String?

        /// Reads one item.
        public init?(item: JSONValue) {
            guard let id = item["id"]?.stringValue else { return nil }
            self.id = id
            name = item["name"]?.stringValue
            flowSpecID = item["flowSpec"]?["id"]?.stringValue
            sourceConnectionIDs = item["sourceConnectionIds"]?.arrayValue?.compactMap(\.stringValue) ?? []
            targetConnectionIDs = item["targetConnectionIds"]?.arrayValue?.compactMap(\.stringValue) ?? []
            mappingID = item["transformations"]?.arrayValue?.first { $0["name"]?.stringValue == "Mapping" }?["params"]?["mappingId"]?.stringValue
            inletURL = item["options"]?["inletUrl"]?.stringValue
        }

        /// `items[0]` of `GET /flows/{id}`.
        public init(listing response: PlatformResponse) throws(AEPProvisioningError) {
            guard let first = try FlowServiceAPI.items(response).first, let flow = Flow(item: first) else { throw response.unreadable("a flow in items[0]") }
            self = flow
        }
    }

    /// The inlet URL of an HTTP API base connection: `items[0].auth.params.inletUrl`.
    public static func baseConnectionInletURL(_ response: PlatformResponse) throws(AEPProvisioningError) -> String {
        guard let url = try items(response).first?["auth"]?["params"]?["inletUrl"]?.stringValue, !url.isEmpty else {
            throw response.unreadable("items[0].auth.params.inletUrl")
        }
        return url
    }
}
