import ChatlioJSON
import Testing
@testable import XDMSchemaRegistry

@Suite struct AEPRequestTests {
    let chatlio: ChatlioXDM

    init() throws {
        chatlio = try ChatlioXDM(tenantID: "acme")
    }

    @Test func schemaBodyWithUnionTag() {
        let request = chatlio.schemaRequest(fieldGroupID: "https://ns.adobe.com/acme/mixins/5e3a7d9f", profileEnabled: true)
        #expect(request.method == "POST")
        #expect(request.path == "/data/foundation/schemaregistry/tenant/schemas")
        let expected = #"{"allOf":[{"$ref":"https://ns.adobe.com/xdm/context/experienceevent"},{"$ref":"https://ns.adobe.com/xdm/context/identitymap"},{"$ref":"https://ns.adobe.com/xdm/context/experienceevent-environment-details"},{"$ref":"https://ns.adobe.com/xdm/context/experienceevent-web"},{"$ref":"https://ns.adobe.com/xdm/context/profile-personal-details"},{"$ref":"https://ns.adobe.com/xdm/context/profile-person-details"},{"$ref":"https://ns.adobe.com/acme/mixins/5e3a7d9f"}],"description":"Chatlio live-chat webhooks (conversations, offline messages, unanswered messages, feedback, transcripts) as ExperienceEvents.","meta:immutableTags":["union"],"title":"Chatlio ExperienceEvent","type":"object"}"#
        #expect(request.bodyText == expected)
        #expect(request.bodyBytes == Array(expected.utf8))
    }

    @Test func schemaBodyWithoutProfileHasNoTag() {
        #expect(chatlio.schemaRequest().body["meta:immutableTags"] == nil)
        #expect(chatlio.schemaRequest().body["allOf"]?[6] == ["$ref": "https://ns.adobe.com/acme/mixins/chatlio"])
    }

    @Test func identityDescriptorsMarkOnlyTheVisitorUUIDPrimary() throws {
        let requests = chatlio.identityDescriptorRequests(schemaID: "https://ns.adobe.com/acme/schemas/123")
        #expect(requests.map(\.path) == Array(repeating: "/data/foundation/schemaregistry/tenant/descriptors", count: 2))
        #expect(requests.map(\.bodyText) == [
            #"{"@type":"xdm:descriptorIdentity","xdm:isPrimary":true,"xdm:namespace":"ChatlioVisitor","xdm:property":"xdm:code","xdm:sourceProperty":"/_acme/chatlio/visitor/uuid","xdm:sourceSchema":"https://ns.adobe.com/acme/schemas/123","xdm:sourceVersion":1}"#,
            #"{"@type":"xdm:descriptorIdentity","xdm:isPrimary":false,"xdm:namespace":"Email","xdm:property":"xdm:code","xdm:sourceProperty":"/personalEmail/address","xdm:sourceSchema":"https://ns.adobe.com/acme/schemas/123","xdm:sourceVersion":1}"#,
        ])
        // Exactly one primary identity in the schema.
        #expect(requests.filter { $0.body["xdm:isPrimary"] == true }.count == 1)
        // Descriptors take xdm in place of xed (help/xdm/api/descriptors.md).
        #expect(requests.allSatisfy { $0.accept == "application/vnd.adobe.xdm+json" })
        // Both descriptor paths are fields of the schema.
        let expanded = try chatlio.expandedExperienceEventSchema()
        for request in requests {
            let path = try #require(request.body["xdm:sourceProperty"]?.stringValue)
            var schema: XDMSchema? = expanded
            for part in path.split(separator: "/") { schema = schema?.properties?[String(part)] }
            #expect(schema?.types == [.string], "\(path)")
        }
    }

    @Test func acceptFollowsTheEndpoint() {
        #expect(chatlio.fieldGroupRequest().accept == "application/vnd.adobe.xed+json")
        #expect(chatlio.schemaRequest().accept == "application/vnd.adobe.xed+json")
        #expect(chatlio.datasetRequest().accept == nil)
    }

    @Test func datasetBody() {
        let profile = chatlio.datasetRequest(schemaID: "https://ns.adobe.com/acme/schemas/123", profileEnabled: true)
        #expect(profile.path == "/data/foundation/catalog/dataSets")
        #expect(profile.bodyText == #"{"description":"Chatlio live-chat webhooks as ExperienceEvents.","name":"Chatlio events","schemaRef":{"contentType":"application/vnd.adobe.xed-full+json;version=1","id":"https://ns.adobe.com/acme/schemas/123"},"tags":{"unifiedIdentity":["enabled:true"],"unifiedProfile":["enabled:true"]}}"#)
        let plain = AEPRequest.dataset(name: "x", schemaID: "s", profileEnabled: false)
        #expect(plain.bodyText == #"{"name":"x","schemaRef":{"contentType":"application/vnd.adobe.xed-full+json;version=1","id":"s"}}"#)
    }

    @Test func fieldGroupBodyHasTheAEPShape() throws {
        let request = chatlio.fieldGroupRequest()
        #expect(request.path == "/data/foundation/schemaregistry/tenant/fieldgroups")
        let body = request.body
        #expect(body["$id"] == nil)
        #expect(body["meta:intendedToExtend"] == ["https://ns.adobe.com/xdm/context/experienceevent"])
        #expect(body["allOf"] == [["$ref": "#/definitions/chatlio"]])
        #expect(body["type"] == "object" && body["title"] == "Chatlio")
        let tenant = try #require(body.value(at: "/definitions/chatlio/properties/_acme"))
        #expect(tenant["type"] == "object")
        #expect(tenant["additionalProperties"] == false)
        #expect(tenant.value(at: "/properties/chatlio/properties/webhookKind") == [
            "type": "string", "title": "Webhook kind", "description": "Which Chatlio webhook posted the data.",
            "enum": ["chat-transcript", "offline-message", "conversation-started", "unanswered-message", "visitor-feedback"],
        ])
        #expect(tenant.value(at: "/properties/chatlio/properties/transcript/properties/messages/items/properties/isVisitorMsg") == [
            "type": "boolean", "title": "Sent by the visitor", "description": "Whether the visitor wrote this message.",
        ])
        // Deterministic: the same bytes every time, keys sorted.
        #expect(chatlio.fieldGroupRequest().bodyBytes == request.bodyBytes)
        #expect(request.bodyText.hasPrefix(##"{"allOf":[{"$ref":"#/definitions/chatlio"}],"definitions":{"chatlio":{"properties":{"_acme":{"additionalProperties":false,"description":"Fields of tenant acme.","properties":{"chatlio":{"additionalProperties":false,"description":"Chatlio live-chat data.","properties":{"additionalFieldsJSON":{"description":"Chatlio keys the models did not know, as a JSON object in text.","title":"Additional fields (JSON)","type":"string"}"##))
        // The body read back is the registered field group minus its $id.
        var group = chatlio.tenantFieldGroup
        group.id = nil
        #expect(try XDMSchema(json: body) == group)
    }
}
