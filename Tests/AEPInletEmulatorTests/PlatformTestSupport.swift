@testable import AEPInletEmulator
import ChatlioJSON
import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A started platform emulator and the documented bodies of Adobe's tutorials.
enum PlatformFixture {
    static let token = "platform-test-token"
    static let apiKey = "platform-test-client"
    static let org = "TESTORG0000000000000000@AdobeOrg"
    static let sandbox = "dev"
    static let tenant = "acme"
    static let eventClass = "https://ns.adobe.com/xdm/context/experienceevent"
    static let xedFull = "application/vnd.adobe.xed-full+json;version=1"

    static func started(_ configure: (inout AEPPlatformEmulator.Configuration) -> Void = { _ in }) throws -> AEPPlatformEmulator {
        var configuration = AEPPlatformEmulator.Configuration(
            tenantId: tenant, imsOrgId: org, sandboxName: sandbox, requiredToken: token, apiKey: apiKey
        )
        configure(&configuration)
        let platform = try AEPPlatformEmulator(configuration: configuration)
        try platform.start()
        return platform
    }

    static let headers: [String: String] = [
        "Authorization": "Bearer \(token)", "x-api-key": apiKey, "x-gw-ims-org-id": org, "x-sandbox-name": sandbox,
    ]

    // MARK: Bodies, after help/xdm/api/field-groups.md, schemas.md, descriptors.md,
    // help/identity-service/api/create-custom-namespace.md, help/catalog/api/create-dataset.md,
    // help/data-prep/api/mapping-set.md and the Chatlio and HTTP API source tutorials.

    static func fieldGroup(title: String = "Chatlio Conversation") -> JSONValue {
        [
            "title": .string(title), "description": "Chatlio webhook fields.", "type": "object",
            "meta:intendedToExtend": [.string(eventClass)],
            "definitions": [
                "chatlio": [
                    "properties": [
                        "_acme": [
                            "type": "object",
                            "properties": [
                                "chatlio": [
                                    "type": "object",
                                    "properties": [
                                        "visitorUUID": ["type": "string", "title": "Visitor UUID"],
                                        "message": ["type": "string", "title": "Message"],
                                    ],
                                ],
                            ],
                        ],
                    ],
                ],
            ],
            "allOf": [["$ref": "#/definitions/chatlio"]],
        ]
    }

    static func schema(title: String = "Chatlio Events", fieldGroupID: String) -> JSONValue {
        [
            "title": .string(title), "description": "Chatlio webhooks as ExperienceEvents.", "type": "object",
            "allOf": [["$ref": .string(eventClass)], ["$ref": .string(fieldGroupID)]],
            "meta:immutableTags": ["union"],
        ]
    }

    static let namespace: JSONValue = [
        "name": "Chatlio Visitor", "code": "ChatlioVisitor", "description": "Chatlio's visitor UUID", "idType": "Cross_device",
    ]

    static func identityDescriptor(schemaID: String, property: String = "/_acme/chatlio/visitorUUID", primary: Bool = true, namespace: String = "ChatlioVisitor") -> JSONValue {
        [
            "@type": "xdm:descriptorIdentity", "xdm:sourceSchema": .string(schemaID), "xdm:sourceVersion": 1,
            "xdm:sourceProperty": .string(property), "xdm:namespace": .string(namespace), "xdm:property": "xdm:code",
            "xdm:isPrimary": .bool(primary),
        ]
    }

    static func dataSet(name: String = "Chatlio Events", schemaID: String) -> JSONValue {
        ["name": .string(name), "schemaRef": ["id": .string(schemaID), "contentType": .string(xedFull)]]
    }

    static func mappingSet(schemaID: String) -> JSONValue {
        [
            "outputSchema": ["schemaRef": ["id": .string(schemaID), "contentType": .string(xedFull)]],
            "mappings": [
                ["destinationXdmPath": "_acme.chatlio.visitorUUID", "sourceAttribute": "visitor.UUID", "identity": false, "version": 0],
                ["sourceType": "ATTRIBUTE", "source": "message", "destination": "_acme.chatlio.message"],
            ],
        ]
    }

    /// The Chatlio tutorial's source connection, verbatim.
    static let chatlioSourceConnection: JSONValue = [
        "name": "Streaming Source Connection for Chatlio.",
        "providerId": "521eee4d-8cbe-4906-bb48-fb6bd4450033",
        "description": "Streaming Source Connection for Chatlio.",
        "connectionSpec": ["id": "073127a3-26e3-496c-9d94-9f48fb93fba8", "version": "1.0"],
        "data": ["format": "json"],
    ]

    static func targetConnection(name: String = "Streaming Target Connection for a Chatlio.", schemaID: String, dataSetID: String) -> JSONValue {
        [
            "name": .string(name), "description": "Streaming Target Connection for a Chatlio.",
            "connectionSpec": ["id": "c604ff05-7f1a-43c0-8e18-33bf874cb11c", "version": "1.0"],
            "data": ["format": "json", "schema": ["id": .string(schemaID), "version": "application/vnd.adobe.xed-full+json;version=1"]],
            "params": ["dataSetId": .string(dataSetID)],
        ]
    }

    static func chatlioFlow(name: String = "Streaming Dataflow for Chatlio", source: String, target: String, mapping: String) -> JSONValue {
        [
            "name": .string(name), "description": "Streaming Dataflow for Chatlio",
            "flowSpec": ["id": "e77fde5a-22a8-11ed-861d-0242ac120002", "version": "1.0"],
            "sourceConnectionIds": [.string(source)], "targetConnectionIds": [.string(target)],
            "transformations": [["name": "Mapping", "params": ["mappingId": .string(mapping), "mappingVersion": 0]]],
        ]
    }

    static func httpBaseConnection(dataType: String = "xdm") -> JSONValue {
        [
            "name": .string("ACME Streaming Connection \(dataType)"), "description": "ACME streaming connection for customer data",
            "connectionSpec": ["id": "bc7b00d6-623a-4dfc-9fdb-f1240aeadaeb", "version": "1.0"],
            "auth": ["specName": "Streaming Connection", "params": ["dataType": .string(dataType)]],
        ]
    }

    static func httpSourceConnection(base: String) -> JSONValue {
        [
            "name": "ACME Streaming Source Connection for Customer Data", "baseConnectionId": .string(base),
            "connectionSpec": ["id": "bc7b00d6-623a-4dfc-9fdb-f1240aeadaeb", "version": "1.0"],
        ]
    }

    static func httpFlow(source: String, target: String) -> JSONValue {
        [
            "name": "ACME Streaming Dataflow", "description": "ACME streaming dataflow for customer data",
            "flowSpec": ["id": "d8a6f005-7eaf-4153-983e-e8574508b877", "version": "1.0"],
            "sourceConnectionIds": [.string(source)], "targetConnectionIds": [.string(target)],
        ]
    }
}

/// URLSession requests to the platform emulator with the gateway headers.
struct PlatformClient: Sendable {
    let platform: AEPPlatformEmulator
    let client = Client()

    func send(
        _ method: String, _ path: String, json: JSONValue? = nil, accept: String? = nil,
        headers extra: [String: String] = [:], omitting omitted: Set<String> = []
    ) async throws -> Reply {
        guard let url = URL(string: platform.baseURL.absoluteString + path) else { throw URLError(.badURL) }
        var headers = PlatformFixture.headers
        if json != nil { headers["Content-Type"] = "application/json" }
        if let accept { headers["Accept"] = accept }
        headers.merge(extra) { _, new in new }
        for name in omitted { headers[name] = nil }
        return try await client.post(url, body: Data((json ?? .null).serialized()), headers: headers, method: method)
    }

    func post(_ path: String, _ json: JSONValue, accept: String? = nil) async throws -> Reply {
        try await send("POST", path, json: json, accept: accept)
    }

    func get(_ path: String, accept: String? = nil) async throws -> Reply {
        try await send("GET", path, accept: accept)
    }

    /// The Schema Registry's create, checked to succeed; the `$id`.
    func created(_ path: String, _ json: JSONValue, key: String = "$id", status: Int = 201, accept: String? = nil) async throws -> String {
        let reply = try await post(path, json, accept: accept)
        #expect(reply.status == status, "\(path): \(String(decoding: reply.body, as: UTF8.self))")
        return try #require(reply.json?[key]?.stringValue)
    }

    /// A field group and a schema using it, checked to succeed; the schema's `$id`.
    func createdSchema() async throws -> String {
        let registry = "/data/foundation/schemaregistry/tenant"
        let group = try await created("\(registry)/fieldgroups", PlatformFixture.fieldGroup())
        return try await created("\(registry)/schemas", PlatformFixture.schema(fieldGroupID: group))
    }

    struct Chatlio: Sendable {
        var fieldGroup: String
        var schema: String
        var dataSet: String
        var mapping: String
        var source: String
        var target: String
        var flow: String
    }

    /// Every step of the Chatlio tutorial, each checked to succeed.
    func provisionChatlio() async throws -> Chatlio {
        let registry = "/data/foundation/schemaregistry/tenant"
        let fieldGroup = try await created("\(registry)/fieldgroups", PlatformFixture.fieldGroup())
        let schema = try await created("\(registry)/schemas", PlatformFixture.schema(fieldGroupID: fieldGroup))
        #expect(try await post("/data/core/idnamespace/identities", PlatformFixture.namespace).status == 200)
        _ = try await created("\(registry)/descriptors", PlatformFixture.identityDescriptor(schemaID: schema), key: "@id", accept: "application/vnd.adobe.xdm+json")
        let dataSetReply = try await post("/data/foundation/catalog/dataSets", PlatformFixture.dataSet(schemaID: schema))
        #expect(dataSetReply.status == 201)
        let link = try #require(dataSetReply.json?[0]?.stringValue)
        let dataSet = String(link.dropFirst("@/dataSets/".count))
        let mapping = try await created("/data/foundation/conversion/mappingSets", PlatformFixture.mappingSet(schemaID: schema), key: "id", status: 200)
        let flowService = "/data/foundation/flowservice"
        let source = try await created("\(flowService)/sourceConnections", PlatformFixture.chatlioSourceConnection, key: "id")
        let target = try await created("\(flowService)/targetConnections", PlatformFixture.targetConnection(schemaID: schema, dataSetID: dataSet), key: "id")
        let flow = try await created("\(flowService)/flows", PlatformFixture.chatlioFlow(source: source, target: target, mapping: mapping), key: "id")
        return Chatlio(fieldGroup: fieldGroup, schema: schema, dataSet: dataSet, mapping: mapping, source: source, target: target, flow: flow)
    }
}

extension Reply {
    /// The Adobe problem `detail`, or the gateway `message`.
    var detail: String { json?["detail"]?.stringValue ?? json?["message"]?.stringValue ?? String(decoding: body, as: UTF8.self) }
}
