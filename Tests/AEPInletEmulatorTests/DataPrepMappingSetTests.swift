@testable import AEPInletEmulator
import ChatlioAEPTestSupport
import ChatlioJSON
import ChatlioWebhooks
import ChatlioXDMMapper
import Foundation
import Testing
import XDMSchemaRegistry

/// Mapping sets applied to source rows: the `mappings` array's three source
/// types, dotted and `[*]` paths, nulls left out, errors naming their mapping.
@Suite("Data Prep mapping sets")
struct DataPrepMappingSetTests {
    static func set(_ mappings: [JSONValue]) throws -> DataPrepMappingSet {
        try DataPrepMappingSet(["outputSchema": ["schemaRef": ["id": "https://ns.adobe.com/acme/schemas/1"]], "mappings": .array(mappings)])
    }

    static func row(_ type: String, _ source: String, _ destination: String) -> JSONValue {
        ["sourceType": .string(type), "source": .string(source), "destination": .string(destination)]
    }

    static func creationError(_ mappings: [JSONValue]) -> DataPrepError? {
        do throws(DataPrepError) {
            _ = try DataPrepMappingSet(["mappings": .array(mappings)])
            return nil
        } catch {
            return error
        }
    }

    @Test func attributesExpressionsAndConstantsWriteDottedDestinations() throws {
        let set = try Self.set([
            Self.row("ATTRIBUTE", "visitor.name", "person.name.fullName"),
            Self.row("EXPRESSION", "lower(visitor.email)", "personalEmail.address"),
            Self.row("STATIC", "self", "producedBy"),
            Self.row("ATTRIBUTE", "visitor", "_acme.visitor"),  // object copy: everything under it
            Self.row("ATTRIBUTE", "missing.field", "_acme.missing"),
            Self.row("EXPRESSION", "nullify()", "_acme.nothing"),
        ])
        #expect(set.outputSchemaID == "https://ns.adobe.com/acme/schemas/1")
        let source: JSONValue = ["visitor": ["name": "Bob", "email": "Bob@Example.com", "extra": .null]]
        let mapped = set.apply(to: source, evaluator: DataPrepFixture.evaluator)
        #expect(mapped.errors.isEmpty)
        #expect(mapped.entity == [
            "person": ["name": ["fullName": "Bob"]],
            "personalEmail": ["address": "bob@example.com"],
            "producedBy": "self",
            "_acme": ["visitor": ["name": "Bob", "email": "Bob@Example.com", "extra": .null]],
        ])
    }

    /// Each `[*]` mapping writes item i of its array into item i of the destination's.
    @Test func arrayPathsMapEachItemAndMerge() throws {
        let set = try Self.set([
            Self.row("ATTRIBUTE", "messages[*].text", "_acme.transcript.messages[*].text"),
            Self.row("ATTRIBUTE", "messages[*].sentAt", "_acme.transcript.messages[*].sentAt"),
            Self.row("ATTRIBUTE", "rows[*].cells[*].v", "table[*].cells[*].value"),
        ])
        let source: JSONValue = [
            "messages": [["text": "hi", "sentAt": "t1"], ["text": "yo"], ["other": 1]],
            "rows": [["cells": [["v": 1], ["v": 2]]]],
        ]
        let mapped = set.apply(to: source)
        #expect(mapped.errors.isEmpty)
        #expect(mapped.entity["_acme"]?["transcript"]?["messages"] == [["text": "hi", "sentAt": "t1"], ["text": "yo"], [:]])
        #expect(mapped.entity["table"] == [["cells": [["value": 1], ["value": 2]]]])
        #expect(set.apply(to: ["messages": "not an array"]).entity.isEmpty)
    }

    @Test func theOlderFormIsAnAttribute() throws {
        let set = try DataPrepMappingSet([
            "xdmSchema": "https://ns.adobe.com/acme/schemas/2",
            "mappings": [["sourceAttribute": "visitor.UUID", "destinationXdmPath": "_acme.chatlio.visitorUUID", "identity": false, "version": 0]],
        ])
        #expect(set.outputSchemaID == "https://ns.adobe.com/acme/schemas/2")
        #expect(set.apply(to: ["visitor": ["UUID": "v-1"]]).entity == ["_acme": ["chatlio": ["visitorUUID": "v-1"]]])
    }

    /// help/data-prep/home.md: a transformation error sets that attribute to null; the rest of the row is ingested.
    @Test func aTransformationErrorLeavesItsDestinationOutAndIsNamed() throws {
        let set = try Self.set([
            Self.row("EXPRESSION", "date(endedAt)", "timestamp"),
            Self.row("ATTRIBUTE", "endedAt", "_acme.endedAt"),
            Self.row("EXPRESSION", "trim(visitor)", "_acme.name"),
            Self.row("STATIC", "x", "_acme.endedAt.inner"),
        ])
        let mapped = set.apply(to: ["endedAt": "2024-05-19T18:14:32.000026941+02:00", "visitor": ["a": 1]])
        #expect(mapped.entity == ["_acme": ["endedAt": "2024-05-19T18:14:32.000026941+02:00"]])
        #expect(mapped.errors.map(\.code) == [.unparsableDate, .typeMismatch, .destinationConflict])
        #expect(mapped.errors.map(\.mappingIndex) == [0, 2, 3])
        #expect(mapped.errors.map(\.destination) == ["timestamp", "_acme.name", "_acme.endedAt.inner"])
        #expect(mapped.errors[0].description.hasPrefix("mappings[0] (destination timestamp): unparsable date: date: \"2024-05-19T18:14:32.000026941+02:00\" matches none"))
        #expect(mapped.errors[2].reason == "_acme.endedAt is a string, not an object, so inner cannot be written under it")
    }

    @Test func aBadMappingIsRefusedNamingItsIndexAndDestination() {
        let unknown = Self.creationError([Self.row("STATIC", "a", "a"), Self.row("EXPRESSION", "coalesce(x, uuidd())", "_id")])
        #expect(unknown?.code == .unknownFunction)
        #expect(unknown?.mappingIndex == 1)
        #expect(unknown?.destination == "_id")
        #expect(unknown?.description == "mappings[1] (destination _id): unknown function: uuidd (at position 12 of coalesce(x, uuidd())) is not a function help/data-prep/functions.md documents")
        #expect(Self.creationError([Self.row("EXPRESSION", "trim(", "a")])?.code == .syntax)
        let twice = Self.creationError([Self.row("STATIC", "a", "x.y"), Self.row("STATIC", "b", "x.y")])
        #expect(twice?.code == .destinationConflict && twice?.mappingIndex == 1)
        #expect(twice?.reason == "is also the destination of mappings[0]")
        #expect(Self.creationError([Self.row("COLUMN", "a", "b")])?.reason == "sourceType must be ATTRIBUTE, EXPRESSION or STATIC, got \"COLUMN\"")
        #expect(Self.creationError([["sourceType": "ATTRIBUTE", "source": "a"]])?.reason == "has no destination (or destinationXdmPath)")
        #expect(Self.creationError([Self.row("ATTRIBUTE", "a[*].b", "c.b")])?.code == .invalidMapping)
        #expect(Self.creationError([Self.row("ATTRIBUTE", "a[0].b", "c[*].b")])?.reason == "source: \"a[0].b\": only [*] may follow a name in a path".replacingOccurrences(of: "source: ", with: ""))
        #expect(Self.creationError([Self.row("EXPRESSION", "a", "c[*].b")])?.code == .invalidMapping)
        #expect(Self.creationError([Self.row("ATTRIBUTE", "a..b", "c")])?.code == .invalidMapping)
    }
}

/// ChatlioXDMMapper's one mapping set (the test input the emulator's raw
/// flows apply) over every bundled sample of the five kinds, enriched as the
/// relay sends it in raw mode and as Chatlio posts it straight to AEP.
@Suite("Data Prep mapping sets: ChatlioXDMMapper's set on the samples")
struct DataPrepMappingSetChatlioTests {
    static let receivedAt = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01T00:00:00Z, after every sample

    static func mapper(store: (any ConversationIdentityStore)? = nil) throws -> XDMMapper {
        try XDMMapper(configuration: .init(tenantID: "acme"), identityStore: store)
    }

    /// Empty values outside the transcript's messages, which the set copies
    /// as Chatlio sent them (`ATTRIBUTE messages[*].userId`: `""` for the visitor's).
    static func emptyValues(in value: JSONValue, at pointer: String = "") -> [String] {
        if pointer.hasPrefix("/_acme/chatlio/transcript/messages/") { return [] }
        switch value {
        case .null: return [pointer]
        case .string(let string): return string.isEmpty ? [pointer] : []
        case .array(let items): return items.isEmpty ? [pointer] : items.enumerated().flatMap { emptyValues(in: $1, at: "\(pointer)/\($0)") }
        case .object(let object): return object.isEmpty ? [pointer] : object.flatMap { emptyValues(in: $1, at: "\(pointer)/\($0)") }
        default: return []
        }
    }

    /// What the set makes of a body, checked to have no errors, valid and free of empty values.
    static func mapped(_ body: JSONValue, mapper: XDMMapper, sample: SamplePayloads.Sample) throws -> JSONObject {
        let set = try DataPrepMappingSet(mapper.dataPrepMappingSet())
        let mapped = set.apply(to: body, evaluator: DataPrepFixture.evaluator)
        #expect(mapped.errors.isEmpty, "\(sample): \(mapped.errors)")
        #expect(emptyValues(in: .object(mapped.entity)).isEmpty, "\(sample): \(emptyValues(in: .object(mapped.entity)))")
        let violations = try mapper.validator().validate(.object(mapped.entity)).violations
        #expect(violations.isEmpty, "\(sample): \(violations)")
        return mapped.entity
    }

    static func checkTranscriptMessages(_ entity: JSONObject, source: JSONValue, sample: SamplePayloads.Sample) throws {
        guard let sent = source["messages"]?.arrayValue else {
            #expect(entity["_acme"]?["chatlio"]?["transcript"]?["messages"] == nil, "\(sample)")
            return
        }
        let transcript = entity["_acme"]?["chatlio"]?["transcript"]
        let messages = try #require(transcript?["messages"]?.arrayValue, "\(sample)")
        #expect(messages.count == sent.count)
        #expect(transcript?["messageCount"] == .number(JSONNumber(sent.count)))
        for (item, original) in zip(messages, sent) {
            for field in ["ts", "sentAt", "text", "userId", "username", "isVisitorMsg"] {
                #expect(item[field] == original[field], "\(sample): messages[*].\(field)")
            }
        }
    }

    @Test(arguments: SamplePayloads.all)
    func enrichedAsTheRelaySendsIt(sample: SamplePayloads.Sample) throws {
        let store = InMemoryConversationIdentityStore(capacity: 10)
        let mapper = try Self.mapper(store: store)
        let source = try JSONValue(parsing: sample.data)
        if sample.kind == .chatTranscript, let conversation = source["conversationUUID"]?.stringValue {
            // The conversation's earlier webhook, which taught the relay the visitor UUID.
            let started = try ChatlioWebhook(kind: .conversationStarted, jsonObject: ["visitor": ["UUID": "v-earlier"], "message": "hi", "conversationUUID": .string(conversation)])
            _ = mapper.rawEnrichment(of: started, receivedAt: Self.receivedAt)
        }
        let webhook = try ChatlioWebhook.decode(sample.data, kind: sample.kind)
        let body = try XDMMapper.enrichedRawBody(sample.data, of: webhook, adding: mapper.rawEnrichment(of: webhook, receivedAt: Self.receivedAt))
        let entity = try Self.mapped(try JSONValue(parsing: Data(body)), mapper: mapper, sample: sample)
        let xdm = try Self.mapper().map(webhook, receivedAt: Self.receivedAt).value

        #expect(entity["_id"]?.stringValue == webhook.eventID)
        #expect(entity["_id"] == xdm["_id"])
        #expect(entity["eventType"]?.stringValue == sample.kind.xdmEventType)
        #expect(entity["timestamp"] == xdm["timestamp"])
        #expect(entity["_acme"]?["chatlio"]?["webhookKind"]?.stringValue == sample.kind.rawValue)
        #expect(entity["personalEmail"]?["address"] == xdm["personalEmail"]?["address"])
        let uuid = entity["_acme"]?["chatlio"]?["visitor"]?["uuid"]?.stringValue
        #expect(uuid == (sample.kind == .chatTranscript ? "v-earlier" : webhook.visitor?.uuid))
        if sample.kind == .chatTranscript { try Self.checkTranscriptMessages(entity, source: source, sample: sample) }
    }

    @Test(arguments: SamplePayloads.all)
    func unenrichedAsChatlioPostsIt(sample: SamplePayloads.Sample) throws {
        let mapper = try Self.mapper()
        let source = try JSONValue(parsing: sample.data)
        let entity = try Self.mapped(source, mapper: mapper, sample: sample)
        let webhook = try ChatlioWebhook.decode(sample.data, kind: sample.kind)

        #expect(entity["_id"]?.stringValue == DataPrepFixture.uuid, "uuid(): a resent webhook is a new event")
        #expect(entity["timestamp"]?.stringValue == "2021-10-26T10:10:24.000Z", "now(): the ingestion time")
        switch sample.kind {
        case .chatTranscript:
            #expect(entity["eventType"] == "chat.transcript")
            #expect(entity["_acme"]?["chatlio"]?["webhookKind"] == "chat-transcript")
            #expect(entity["_acme"]?["chatlio"]?["visitor"]?["uuid"] == nil, "a transcript names no visitor")
            try Self.checkTranscriptMessages(entity, source: source, sample: sample)
        case .offlineMessage:
            #expect(entity["eventType"] == "chat.offlineMessage")
            #expect(entity["_acme"]?["chatlio"]?["webhookKind"] == "offline-message")
        default:
            #expect(entity["eventType"]?.stringValue == XDMMapper.unknownConversationEventType)
            #expect(entity["_acme"]?["chatlio"]?["webhookKind"] == nil)
        }
        if let visitor = webhook.visitor {
            #expect(entity["_acme"]?["chatlio"]?["visitor"]?["uuid"]?.stringValue == visitor.uuid)
        }
        let email = webhook.visitor?.email?.trimmingCharacters(in: .whitespaces) ?? ""
        if email.isEmpty, source["email"]?.stringValue?.isEmpty != false, source["visitorEmail"]?.stringValue?.isEmpty != false {
            #expect(entity["personalEmail"] == nil, "\(sample): an anonymous visitor's \"\" is left out")
        }
    }
}
