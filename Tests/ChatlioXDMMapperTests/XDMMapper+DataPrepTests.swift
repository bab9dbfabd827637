@testable import ChatlioXDMMapper
import ChatlioWebhooks
import Foundation
import Testing
import XDMSchemaRegistry

@Suite struct XDMMapperDataPrepTests {
    static func mappings(_ set: JSONValue) -> [JSONValue] { set["mappings"]?.arrayValue ?? [] }

    @Test func conversationStartedMappingSetIsExact() throws {
        let set = try MapperFixtures.mapper().dataPrepMappingSet(for: .conversationStarted)
        #expect(set["outputSchema"] == ["schemaRef": ["id": "https://ns.adobe.com/acme/schemas/chatlio-experienceevent", "contentType": "application/vnd.adobe.xed-full+json;version=1"]])
        let rows = Self.mappings(set)
        #expect(rows.first == ["sourceType": "EXPRESSION", "source": #"sha256(concat("conversation-started", visitor.UUID, conversationUUID, message), "UTF-8")"#, "destination": "_id"])
        #expect(rows.contains(["sourceType": "STATIC", "source": "chat.conversationStarted", "destination": "eventType"]))
        #expect(rows.contains(["sourceType": "ATTRIBUTE", "source": "visitor.UUID", "destination": "_acme.chatlio.visitor.uuid"]))
        #expect(rows.contains(["sourceType": "EXPRESSION", "source": "lower(trim(visitor.email))", "destination": "personalEmail.address"]))
        #expect(!rows.contains { $0["destination"]?.stringValue?.hasPrefix("identityMap") == true })
    }

    @Test(arguments: WebhookKind.allCases)
    func everyDestinationExistsInTheSchema(kind: WebhookKind) throws {
        let expanded = try ChatlioXDM(tenantID: "acme").expandedExperienceEventSchema()
        for row in Self.mappings(try MapperFixtures.mapper().dataPrepMappingSet(for: kind)) {
            let destination = try #require(row["destination"]?.stringValue)
            var schema: XDMSchema? = expanded
            for part in destination.split(separator: ".") {
                let name = part.hasSuffix("[*]") ? String(part.dropLast(3)) : String(part)
                schema = schema?.properties?[name]
                if part.hasSuffix("[*]") { schema = schema?.items }
            }
            #expect(schema != nil, "\(kind): \(destination) is not in the Chatlio ExperienceEvent schema")
            #expect(["ATTRIBUTE", "EXPRESSION", "STATIC"].contains(row["sourceType"]?.stringValue ?? ""))
        }
    }

    @Test func outputIsDeterministic() throws {
        let mapper = try MapperFixtures.mapper()
        #expect(mapper.dataPrepMappingSet(for: .chatTranscript).jsonString(sortedKeys: true) == mapper.dataPrepMappingSet(for: .chatTranscript).jsonString(sortedKeys: true))
        #expect(Self.mappings(mapper.dataPrepMappingSet(for: .chatTranscript)).contains(["sourceType": "ATTRIBUTE", "source": "messages[*].ts", "destination": "_acme.chatlio.transcript.messages[*].ts"]))
    }
}
