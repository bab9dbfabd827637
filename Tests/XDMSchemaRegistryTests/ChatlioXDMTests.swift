import ChatlioJSON
import ChatlioWebhooks
import Foundation
import Testing
@testable import XDMSchemaRegistry

@Suite struct ChatlioXDMTests {
    @Test func tenantIDsAreChecked() throws {
        #expect(try ChatlioXDM(tenantID: "acme_corp2").tenantNamespace == "_acme_corp2")
        for bad in ["", "_acme", "ac-me", "acmé", String(repeating: "a", count: 65)] {
            #expect(throws: XDMSchemaError.self) { try ChatlioXDM(tenantID: bad) }
        }
        #expect {
            try ChatlioXDM(tenantID: "_acme")
        } throws: { error in
            (error as? XDMSchemaError)?.reason == "tenant id \"_acme\": pass the id without the leading underscore (\"acme\")"
        }
    }

    @Test func mappedConversationStartedEventIsValid() throws {
        let report = try ChatlioXDM(tenantID: "acme").experienceEventValidator().validate(Fixtures.conversationStartedEvent)
        #expect(report.violations == [])
    }

    @Test func aFullTranscriptEventIsValid() throws {
        let event = Fixtures.setting(Fixtures.conversationStartedEvent, ["_acme", "chatlio", "transcript"], to: [
            "startedAt": "2015-07-19T14:38:15.560106+02:00",
            "endedAt": "2018-05-19T18:14:32.000026941+02:00",
            "archiveURL": "https://yourcompany.slack.com/archives/cl-tiger128",
            "textBody": "text", "htmlBody": "<p>html</p>", "replyToEmail": "a@b.co", "visitorName": "v", "visitorEmail": "v@b.co",
            "visitorTraitsJSON": #"{"current_page":"http://x"}"#,
            "messageCount": 2,
            "extraData": ["extra", "stuff"],
            "messages": [
                ["ts": "1469725409.000005", "sentAt": "2016-07-28T19:03:29.000005006+02:00", "text": "Hi", "username": "v", "isVisitorMsg": true],
                ["ts": "1469725427.000007", "text": "Hello", "userId": "U0N2GKA2G", "username": "Some O.", "isVisitorMsg": false],
            ],
        ])
        let withAgent = Fixtures.setting(event, ["_acme", "chatlio", "agent"], to: ["name": "Some One", "email": "agent@example.com"])
        #expect(try ChatlioXDM(tenantID: "acme").experienceEventValidator().validate(withAgent).violations == [])
    }

    @Test func contractViolationsAreReportedWhereTheyAre() throws {
        var event = Fixtures.conversationStartedEvent
        event = Fixtures.setting(event, ["_acme", "chatlio", "webhookKind"], to: "chat-started")
        event = Fixtures.setting(event, ["_acme", "chatlio", "visitor", "UUID"], to: "2d3f")
        event = Fixtures.setting(event, ["_acme", "chatlio", "transcript", "messages"], to: [["isVisitorMsg": "yes"]])
        event = Fixtures.setting(event, ["environment", "ipV4"], to: "175.24.144")
        event = Fixtures.setting(event, ["placeContext", "geo", "countryCode"], to: "USA")
        event = Fixtures.setting(event, ["timestamp"], to: nil)
        event = Fixtures.setting(event, ["identityMap", "Email"], to: [["id": "jane@example.com", "authenticatedState": "unknown"]])
        let report = try ChatlioXDM(tenantID: "acme").experienceEventValidator(options: .init(maxViolations: 50)).validate(event)
        let got = report.violations.map { "\($0.pointer) \($0.keyword) \($0.schemaLocation)" }
        #expect(got == [
            " required #",
            "/_acme/chatlio/transcript/messages/0/isVisitorMsg type #/properties/_acme/properties/chatlio/properties/transcript/properties/messages/items/properties/isVisitorMsg",
            "/_acme/chatlio/visitor/UUID additionalProperties #/properties/_acme/properties/chatlio/properties/visitor",
            "/_acme/chatlio/webhookKind enum #/properties/_acme/properties/chatlio/properties/webhookKind",
            "/environment/ipV4 format #/properties/environment/properties/ipV4",
            "/identityMap/Email/0/authenticatedState enum #/properties/identityMap/additionalProperties/items/properties/authenticatedState",
            "/placeContext/geo/countryCode pattern #/properties/placeContext/properties/geo/properties/countryCode",
        ])
        #expect(report.violations.first?.message == #"required property "timestamp" is missing"#)
    }

    @Test func anotherTenantsNamespaceIsUnknown() throws {
        let event = Fixtures.setting(Fixtures.conversationStartedEvent, ["_other"], to: ["x": 1])
        let violations = try ChatlioXDM(tenantID: "acme").experienceEventValidator().validate(event).violations
        #expect(violations.map(\.pointer) == ["/_other"])
        #expect(violations.map(\.keyword) == [.additionalProperties])
    }

    @Test func theExpandedSchemaHasTheContractFields() throws {
        let full = try ChatlioXDM(tenantID: "acme").expandedExperienceEventSchema()
        #expect(full.properties?.keys.sorted() == [
            "_acme", "_id", "environment", "eventType", "identityMap", "person", "personalEmail", "placeContext", "producedBy", "timestamp", "web",
        ])
        #expect(full.required == ["_id", "timestamp"])
        #expect(full.isClosed)
        let chatlio = try #require(full.properties?["_acme"]?.properties?["chatlio"])
        #expect(chatlio.properties?.keys.sorted() == [
            "additionalFieldsJSON", "agent", "channelId", "channelName", "conversationId", "emailPretty", "mapping", "message",
            "slackChannelId", "slackChannelName", "slackTeamId", "subject", "transcript", "visitor", "webhookKind",
        ])
        #expect(chatlio.properties?["webhookKind"]?.enumValues == WebhookKind.allCases.map { .string($0.rawValue) })
        #expect(chatlio.properties?["transcript"]?.properties?["messageCount"]?.type == .integer)
        #expect(chatlio.properties?["transcript"]?.properties?["messages"]?.items?.properties?["sentAt"]?.format == "date-time")
        #expect(chatlio.properties?["mapping"]?.properties?["timestampSource"]?.enumValues == ["payload", "received"])
    }

    /// Every object under the tenant namespace is closed and every field has a title, a type and a description, as AEP requires.
    @Test func tenantFieldsAreClosedAndDocumented() throws {
        func check(_ schema: XDMSchema, _ path: String) {
            #expect(schema.types != nil, "\(path) has no type")
            if schema.type == .object {
                #expect(schema.isClosed, "\(path) is open")
                for (name, property) in schema.properties ?? [:] {
                    #expect(property.title != nil && property.description != nil, "\(path).\(name) lacks a title or description")
                    #expect(!name.hasPrefix("_"), "\(path).\(name) starts with _")
                    check(property, path + "." + name)
                }
            }
            if let items = schema.items { check(items, path + "[]") }
        }
        check(ChatlioXDM.chatlioFields, "chatlio")
    }

    @Test(arguments: WebhookKind.allCases)
    func sourceSchemasAcceptTheDocumentedExamples(kind: WebhookKind) throws {
        let validator = try ChatlioXDM.sourceValidator(for: kind, options: .init(maxViolations: 20))
        let example = Self.documentedExample(for: kind.payloadShape)
        #expect(try validator.validate(json: Data(example.utf8)).violations == [])
    }

    @Test func sourceSchemasCatchMissingEssentialsAndWrongTypes() throws {
        let transcript = try ChatlioXDM.sourceValidator(for: .chatTranscript, options: .init(maxViolations: 20))
        let report = try transcript.validate(json: Data(#"{"messages":[{"text":"hi","isVisitorMsg":"true"}],"endedAt":"2018-05-19","extraData":null,"visitorTraits":"raw"}"#.utf8))
        #expect(report.violations.map { "\($0.pointer) \($0.keyword)" } == [" required", "/endedAt format", "/messages/0 required", "/messages/0/isVisitorMsg type"])
        let offline = try ChatlioXDM.sourceValidator(for: .offlineMessage)
        #expect(try offline.validate(json: Data(#"{"visitor":{"email":""}}"#.utf8)).violations.map(\.pointer) == ["/visitor"])
    }

    static func documentedExample(for shape: WebhookKind.PayloadShape) -> String {
        let visitor = #"{"email":"","UUID":"2d3f4260-2235-903b-0a82-a23d326cc257","name":"","identUserId":"","identTraits":"","userAgent":"Mozilla/5.0","handle":"united-states-27","currentPage":"http://yoursite.com/signup","referrerURL":"","createdAt":"2016-02-07T11:02:17.839766-08:00","IPAddress":"175.24.144.21","location":"Los Angeles, California, United States"}"#
        switch shape {
        case .conversationEvent:
            return #"{"visitor":\#(visitor),"message":"Hi, I am having trouble signing up","conversationUUID":"e3d1800d-2d9e-4966-4500-9ff986cfa197","channelId":"C1NABCDEF","slackChannelName":"live-chat","slackChannelId":"C1XPVTNKR"}"#
        case .offlineMessage:
            return #"{"name":"Bob Smith","email":"bob@example.com","emailPretty":"\"Bob Smith\" <bob@example.com>","message":"I just want to say I love your service!","visitor":\#(visitor)}"#
        case .transcript:
            return #"{"agentEmail":"a@example.com","agentName":"Some One","archiveUrl":"https://yourcompany.slack.com/archives/cl-tiger128","extraData":["extra","stuff","here"],"channelId":"C03FVS2UR","channelName":"costa-mesa-california-us-133","conversationUUID":"e3d1800d-2d9e-4966-4500-9ff986cfa197","endedAt":"2018-05-19T18:14:32.000026941+02:00","htmlBody":"<HTML>","textBody":"<text>","messages":[{"text":"Hi! I love your webhooks!","ts":"1469725409.000005","sentAt":"2016-07-28T19:03:29.000005006+02:00","userId":"","username":"costa-mesa-california-us","isVisitorMsg":true}],"startedAt":"2015-07-19T14:38:15.560106+02:00","visitorEmail":"","replyToEmail":"r@example.com","visitorName":"costa-mesa-california-us-133","visitorTraits":{"current_page":"http://yoursite.com"}}"#
        }
    }
}
