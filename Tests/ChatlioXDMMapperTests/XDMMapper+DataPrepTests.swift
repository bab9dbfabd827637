@testable import ChatlioXDMMapper
import ChatlioAEPTestSupport
import ChatlioWebhooks
import Foundation
import Testing
import XDMSchemaRegistry

@Suite struct XDMMapperDataPrepTests {
    static func mappings(_ set: JSONValue) -> [JSONValue] { set["mappings"]?.arrayValue ?? [] }

    static func row(_ set: JSONValue, _ destination: String) -> JSONValue? {
        mappings(set).first { $0["destination"]?.stringValue == destination }
    }

    /// A sample as the relay sends it in raw mode, and the webhook it decodes to.
    static func enriched(_ sample: SamplePayloads.Sample, mapper: XDMMapper) throws -> (body: JSONObject, webhook: ChatlioWebhook) {
        let webhook = try ChatlioWebhook.decode(sample.data, kind: sample.kind)
        let bytes = try XDMMapper.enrichedRawBody(sample.data, of: webhook, adding: mapper.rawEnrichment(of: webhook, receivedAt: MapperFixtures.receivedAt))
        return (try #require(JSONValue(parsing: Data(bytes)).objectValue), webhook)
    }

    @Test func oneSetReadsTheRelaysKeysAndFallsBackOnTheShape() throws {
        let set = try MapperFixtures.mapper().dataPrepMappingSet()
        #expect(set["outputSchema"] == ["schemaRef": ["id": "https://ns.adobe.com/acme/schemas/chatlio-experienceevent", "contentType": "application/vnd.adobe.xed-full+json;version=1"]])
        #expect(Self.row(set, "_id") == ["sourceType": "EXPRESSION", "source": "coalesce(chatlioAEP.id, uuid())", "destination": "_id"])
        #expect(Self.row(set, "eventType")?["source"] == #"coalesce(chatlioAEP.eventType, iif(contains_key("messages"), "chat.transcript", iif(contains_key("endedAt"), "chat.transcript", iif(contains_key("emailPretty"), "chat.offlineMessage", "chat.conversationEvent"))))"#)
        #expect(Self.row(set, "_acme.chatlio.visitor.uuid")?["source"] == #"iif("".equals(trim(coalesce(chatlioAEP.visitorUUID, visitor.UUID))), nullify(), coalesce(chatlioAEP.visitorUUID, visitor.UUID))"#)
        #expect(!Self.mappings(set).contains { $0["destination"]?.stringValue?.hasPrefix("identityMap") == true })
        #expect(set.jsonString(sortedKeys: true) == (try MapperFixtures.mapper().dataPrepMappingSet().jsonString(sortedKeys: true)))
        #expect(try MapperFixtures.mapper().dataPrepMappingSet(schemaID: "https://ns.adobe.com/acme/schemas/42")["outputSchema"]?["schemaRef"]?["id"] == "https://ns.adobe.com/acme/schemas/42")
    }

    @Test func everyDestinationIsInTheSchemaOnce() throws {
        let expanded = try ChatlioXDM(tenantID: "acme").expandedExperienceEventSchema()
        var seen: Set<String> = []
        for row in Self.mappings(try MapperFixtures.mapper().dataPrepMappingSet()) {
            let destination = try #require(row["destination"]?.stringValue)
            #expect(seen.insert(destination).inserted, "\(destination) is mapped twice")
            var schema: XDMSchema? = expanded
            for part in destination.split(separator: ".") {
                let name = part.hasSuffix("[*]") ? String(part.dropLast(3)) : String(part)
                schema = schema?.properties?[name]
                if part.hasSuffix("[*]") { schema = schema?.items }
            }
            #expect(schema != nil, "\(destination) is not in the Chatlio ExperienceEvent schema")
            #expect(["ATTRIBUTE", "EXPRESSION", "STATIC"].contains(row["sourceType"]?.stringValue ?? ""))
        }
    }

    /// Every name called in an expression is a function on Adobe's page (help/data-prep/functions.md).
    @Test func usesOnlyDocumentedFunctions() throws {
        let documented: Set<String> = [
            "concat", "explode", "instr", "replacestr", "substr", "lower", "lcase", "upper", "ucase", "split", "join", "lpad", "rpad", "left", "right",
            "ltrim", "rtrim", "trim", "equals", "equalsIgnoreCase", "extract_regex", "matches_regex", "sha1", "sha256", "sha512", "md5", "crc32",
            "now", "timestamp", "format", "dformat", "date", "date_part", "set_date_part", "make_date_time", "zone_date_to_utc", "zone_date_to_zone",
            "size_of", "is_empty", "to_object", "str_to_object", "contains_key", "nullify", "get_keys", "get_values", "coalesce", "first", "last",
            "add_to_array", "join_arrays", "to_array", "decode", "iif", "min", "max", "to_bigint", "to_decimal", "to_float", "to_integer",
            "json_to_object", "uuid", "guid",
        ]
        let call = try Regex(#"([A-Za-z_][A-Za-z0-9_]*)\("#)
        for row in Self.mappings(try MapperFixtures.mapper().dataPrepMappingSet()) where row["sourceType"] == "EXPRESSION" {
            let source = try #require(row["source"]?.stringValue)
            for match in source.matches(of: call) {
                let name = String(source[match.range].dropLast())
                #expect(documented.contains(name), "\(name) in \(source) is not a documented Data Prep function")
                #expect(DataPrepEvaluator.functions.contains(name), "\(name) is not evaluated by the test evaluator")
            }
        }
    }

    /// Every source path the set reads exists in some enriched sample (no typo
    /// reads nothing), and every Chatlio field a sample carries is read (except
    /// the documented exclusions).
    @Test func sourcePathsMatchTheEnrichedSamples() throws {
        let mapper = try MapperFixtures.mapper()
        let set = mapper.dataPrepMappingSet()
        var present: Set<String> = []
        var leaves: Set<String> = []
        func collect(_ value: JSONValue, _ path: String) {
            switch value {
            case .object(let object):
                if !path.isEmpty { present.insert(path) }
                for (key, child) in object { collect(child, path.isEmpty ? key : path + "." + key) }
            case .array(let items):
                present.insert(path)
                if items.allSatisfy({ $0.objectValue == nil }) { leaves.insert(path) }
                for item in items where item.objectValue != nil { collect(item, path + "[*]") }
            default:
                present.insert(path)
                leaves.insert(path)
            }
        }
        for sample in SamplePayloads.all { collect(.object(try Self.enriched(sample, mapper: mapper).body), "") }

        var read: Set<String> = []
        for row in Self.mappings(set) {
            let source = try #require(row["source"]?.stringValue)
            switch row["sourceType"]?.stringValue {
            case "ATTRIBUTE": read.insert(source)
            case "EXPRESSION": read.formUnion(Self.paths(in: source))
            default: break
            }
        }
        for path in read {
            #expect(present.contains(path), "the mapping reads \(path), which no enriched sample has")
        }
        let excluded: Set<String> = ["visitorTraits", "visitorTraits.current_page"]
        let unknown = SamplePayloads.all.flatMap { sample in
            (try? ChatlioWebhook.decode(sample.data, kind: sample.kind)).map { Array($0.payload.additionalFields.keys) } ?? []
        }
        for path in leaves.subtracting(read) {
            let top = String(path.prefix { $0 != "." && $0 != "[" })
            guard !excluded.contains(path), !unknown.contains(top), !path.hasPrefix("visitorTraits"), path != "messages" else { continue }
            #expect(Bool(false), "the samples carry \(path), which the mapping never reads")
        }
        for sample in SamplePayloads.all {
            let body = try Self.enriched(sample, mapper: mapper).body
            for key in ["kind", "id", "eventType", "timestamp"] {
                #expect(body["chatlioAEP"]?[key]?.stringValue?.isEmpty == false, "\(sample): chatlioAEP.\(key)")
            }
        }
    }

    /// The source paths an expression reads: dotted names outside string
    /// literals that are not calls, plus the literal paths given to `contains_key`.
    static func paths(in expression: String) -> Set<String> {
        var paths: Set<String> = []
        let characters = Array(expression)
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if character == "\"" {
                var end = index + 1
                while end < characters.count, characters[end] != "\"" { end += 1 }
                let literal = String(characters[(index + 1)..<min(end, characters.count)])
                if String(characters[..<index]).hasSuffix("contains_key(") { paths.insert(literal) }
                index = end + 1
                continue
            }
            if character.isLetter, index == 0 || !(characters[index - 1] == "." || characters[index - 1].isLetter || characters[index - 1].isNumber) {
                var end = index
                while end < characters.count, characters[end].isLetter || characters[end].isNumber || characters[end] == "_" || characters[end] == "." { end += 1 }
                let name = String(characters[index..<end])
                if end >= characters.count || characters[end] != "(" { paths.insert(name) }
                index = end
                continue
            }
            index += 1
        }
        return paths
    }

    /// Evaluated locally, the one set turns every enriched sample into the
    /// event XDM mode writes: the same `_id`, `eventType`, `timestamp`,
    /// primary identity and email; valid against the schema; no empty value.
    @Test(arguments: SamplePayloads.all)
    func enrichedSampleMapsLikeXDMMode(sample: SamplePayloads.Sample) throws {
        let store = InMemoryConversationIdentityStore(capacity: 100)
        let mapper = try MapperFixtures.mapper(store: store)
        let conversation = try #require(JSONValue(parsing: sample.data).objectValue)["conversationUUID"]?.stringValue
        if sample.kind == .chatTranscript, let conversation {
            // The conversation's earlier webhook, as the relay saw it.
            let started = try MapperFixtures.webhook(.conversationStarted, ["visitor": ["UUID": "v-earlier"], "message": "hi", "conversationUUID": .string(conversation)])
            _ = mapper.rawEnrichment(of: started, receivedAt: MapperFixtures.receivedAt)
        }
        let (body, webhook) = try Self.enriched(sample, mapper: mapper)
        let output = try DataPrepEvaluator().apply(mapper.dataPrepMappingSet(), to: body)
        let xdm = try MapperFixtures.mapper().map(webhook, receivedAt: MapperFixtures.receivedAt).value

        #expect(output["_id"]?.stringValue == webhook.eventID)
        #expect(output["_id"] == xdm["_id"])
        #expect(output["eventType"]?.stringValue == sample.kind.xdmEventType)
        #expect(output["timestamp"] == xdm["timestamp"])
        #expect(output["_acme"]?["chatlio"]?["webhookKind"]?.stringValue == sample.kind.rawValue)
        #expect(output["personalEmail"]?["address"] == xdm["personalEmail"]?["address"])
        let uuid = output["_acme"]?["chatlio"]?["visitor"]?["uuid"]?.stringValue
        if let primary = xdm["identityMap"]?["ChatlioVisitor"]?[0]?["id"]?.stringValue {
            #expect(uuid == primary)
        }
        if sample.kind == .chatTranscript {
            #expect(uuid == "v-earlier", "a transcript takes the visitor UUID its conversation taught the relay")
        }
        #expect(MapperFixtures.emptyValues(in: .object(output)).isEmpty, "\(MapperFixtures.emptyValues(in: .object(output)))")
        let report = try mapper.validator().validate(.object(output))
        #expect(report.violations.isEmpty, "\(report.violations)")
    }

    /// Chatlio posting straight to AEP, as the seed does: the same set still
    /// gives a valid event, with what the shape alone can tell.
    @Test(arguments: SamplePayloads.all)
    func unenrichedSampleStillMaps(sample: SamplePayloads.Sample) throws {
        let mapper = try MapperFixtures.mapper()
        let body = try #require(JSONValue(parsing: sample.data).objectValue)
        let evaluator = DataPrepEvaluator()
        let output = try evaluator.apply(mapper.dataPrepMappingSet(), to: body)
        #expect(output["_id"]?.stringValue == evaluator.uuid)  // uuid(): no deduplication
        switch sample.kind.payloadShape {
        case .transcript:
            #expect(output["eventType"] == "chat.transcript")
            #expect(output["_acme"]?["chatlio"]?["webhookKind"] == "chat-transcript")
            #expect(output["_acme"]?["chatlio"]?["visitor"]?["uuid"] == nil)  // a transcript names no visitor
        case .offlineMessage:
            #expect(output["eventType"] == "chat.offlineMessage")
            #expect(output["_acme"]?["chatlio"]?["webhookKind"] == "offline-message")
            #expect(output["timestamp"]?.stringValue == evaluator.now)
        case .conversationEvent:
            #expect(output["eventType"]?.stringValue == XDMMapper.unknownConversationEventType)
            #expect(output["_acme"]?["chatlio"]?["webhookKind"] == nil)
            #expect(output["timestamp"]?.stringValue == evaluator.now)
        }
        if let uuid = (try ChatlioWebhook.decode(sample.data, kind: sample.kind)).visitor?.uuid {
            #expect(output["_acme"]?["chatlio"]?["visitor"]?["uuid"]?.stringValue == uuid)
        }
        #expect(MapperFixtures.emptyValues(in: .object(output)).isEmpty, "\(MapperFixtures.emptyValues(in: .object(output)))")
        let report = try mapper.validator().validate(.object(output))
        #expect(report.violations.isEmpty, "\(report.violations)")
    }

    /// An anonymous visitor's `""` email never reaches `personalEmail.address`.
    @Test func emptyEmailIsLeftOut() throws {
        let mapper = try MapperFixtures.mapper()
        let body: JSONObject = ["visitor": ["UUID": "v-1", "email": "  "], "message": "hi"]
        let output = try DataPrepEvaluator().apply(mapper.dataPrepMappingSet(), to: body)
        #expect(output["personalEmail"] == nil)
        #expect(output["_acme"]?["chatlio"]?["visitor"]?["uuid"] == "v-1")
        let named: JSONObject = ["visitor": ["UUID": "v-1", "email": " Jane@Example.COM "], "message": "hi"]
        #expect(try DataPrepEvaluator().apply(mapper.dataPrepMappingSet(), to: named)["personalEmail"]?["address"] == "jane@example.com")
    }
}
