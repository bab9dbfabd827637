import ChatlioWebhooks
import XDMSchemaRegistry

extension XDMMapper {
    /// The schema's constraints on the values the mapper writes, read from
    /// the expanded ExperienceEvent schema when the mapper is created.
    ///
    /// The mapper's structure is fixed by construction (which members, their
    /// JSON types, closed objects, no empty values), so an event is valid when
    /// its dynamic values are: each field whose schema sets a format, pattern,
    /// enum, length or bound gets a rule, checked as the event is mapped. The
    /// walk also confirms the structure: every member the mapper can write is
    /// in the schema with the JSON type it writes, and no keyword the rules do
    /// not cover (`required` below the root, `minItems`, …) applies. When all
    /// of that holds, ``guaranteesValidEvents`` is true and the relay need not
    /// run ``XDMValidator`` on the mapper's events; otherwise it is false and
    /// `uncovered` says why.
    struct ValueChecks: Sendable {
        /// A dynamic value the mapper writes; the raw value is its place in the event.
        enum Field: String, CaseIterable, Sendable {
            case id = "/_id", timestamp = "/timestamp"
            case identityID = "/identityMap/*/[]/id"
            case environmentType = "/environment/type", ipV4 = "/environment/ipV4", ipV6 = "/environment/ipV6"
            case userAgent = "/environment/browserDetails/userAgent"
            case pageURL = "/web/webPageDetails/URL", referrerURL = "/web/webReferrer/URL"
            case geoCity = "/placeContext/geo/city", geoStateProvince = "/placeContext/geo/stateProvince", geoCountryCode = "/placeContext/geo/countryCode"
            case personalEmail = "/personalEmail/address", fullName = "/person/name/fullName"
            case conversationId = "/T/chatlio/conversationId", channelId = "/T/chatlio/channelId", channelName = "/T/chatlio/channelName"
            case slackChannelId = "/T/chatlio/slackChannelId", slackChannelName = "/T/chatlio/slackChannelName", slackTeamId = "/T/chatlio/slackTeamId"
            case message = "/T/chatlio/message", subject = "/T/chatlio/subject", emailPretty = "/T/chatlio/emailPretty"
            case additionalFieldsJSON = "/T/chatlio/additionalFieldsJSON"
            case visitorUUID = "/T/chatlio/visitor/uuid", visitorHandle = "/T/chatlio/visitor/handle", visitorIdentUserId = "/T/chatlio/visitor/identUserId"
            case visitorName = "/T/chatlio/visitor/name", visitorEmail = "/T/chatlio/visitor/email", visitorIPAddress = "/T/chatlio/visitor/ipAddress"
            case visitorLocation = "/T/chatlio/visitor/location", visitorTraits = "/T/chatlio/visitor/identifyTraitsJSON", visitorCreatedAt = "/T/chatlio/visitor/createdAt"
            case agentName = "/T/chatlio/agent/name", agentEmail = "/T/chatlio/agent/email"
            case startedAt = "/T/chatlio/transcript/startedAt", endedAt = "/T/chatlio/transcript/endedAt", archiveURL = "/T/chatlio/transcript/archiveURL"
            case textBody = "/T/chatlio/transcript/textBody", htmlBody = "/T/chatlio/transcript/htmlBody", replyToEmail = "/T/chatlio/transcript/replyToEmail"
            case transcriptVisitorName = "/T/chatlio/transcript/visitorName", transcriptVisitorEmail = "/T/chatlio/transcript/visitorEmail"
            case transcriptTraits = "/T/chatlio/transcript/visitorTraitsJSON"
            case messageTS = "/T/chatlio/transcript/messages/[]/ts", messageSentAt = "/T/chatlio/transcript/messages/[]/sentAt"
            case messageText = "/T/chatlio/transcript/messages/[]/text", messageUserId = "/T/chatlio/transcript/messages/[]/userId"
            case messageUsername = "/T/chatlio/transcript/messages/[]/username"
            case extraDataItem = "/T/chatlio/transcript/extraData/[]"
            case trimmedItem = "/T/chatlio/mapping/trimmed/[]", omittedItem = "/T/chatlio/mapping/omitted/[]"
            // Integers.
            case messageCount = "/T/chatlio/transcript/messageCount", messagesOmitted = "/T/chatlio/transcript/messagesOmitted"
            case extraDataOmitted = "/T/chatlio/transcript/extraDataOmitted"

            var isInteger: Bool { self == .messageCount || self == .messagesOmitted || self == .extraDataOmitted }

            /// Every value the mapper can write in the field, when it comes from a fixed table.
            var tableValues: [String]? {
                switch self {
                case .geoCountryCode: Array(GeoCodes.shared.countries.values)
                case .geoStateProvince: GeoCodes.shared.subdivisions.values.flatMap(\.values)
                default: nil
                }
            }

            /// The format every value the mapper writes in the field already
            /// has, so checking it again per event would find nothing:
            /// - IP addresses and the email are checked before they are
            ///   written there (an invalid value goes elsewhere, reported in `omitted`);
            /// - `_id` is 64 lower-case hex digits, a relative reference
            ///   (unreserved characters only), and `timestamp` is written by
            ///   `RFC3339Timestamp.utcString`, always `YYYY-MM-DDTHH:MM:SS.sssZ`;
            /// - the payload's own times are the texts the reader accepted as
            ///   RFC 3339 date-times, a subset of what the `date-time` check
            ///   accepts (pinned by `ValueChecksTests`).
            var formatEnsuredBeforeWriting: XDMFormat? {
                switch self {
                case .ipV4: .ipv4
                case .ipV6: .ipv6
                case .personalEmail: .email
                case .id: .uriReference
                case .timestamp, .visitorCreatedAt, .startedAt, .endedAt, .messageSentAt: .dateTime
                default: nil
                }
            }
        }

        /// What the schema asks of one field's values.
        ///
        /// A class: every event walks the active rules, and a struct's copy
        /// retained its pattern and enum arrays, rule by rule.
        final class Rule: Sendable {
            let format: XDMFormat?
            let pattern: XDMPattern?
            let enumValues: [String]?
            let minLength: Int?
            let maxLength: Int?
            let minimum: Double?
            let maximum: Double?

            init(format: XDMFormat? = nil, pattern: XDMPattern? = nil, enumValues: [String]? = nil, minLength: Int? = nil, maxLength: Int? = nil,
                 minimum: Double? = nil, maximum: Double? = nil) {
                self.format = format
                self.pattern = pattern
                self.enumValues = enumValues
                self.minLength = minLength
                self.maxLength = maxLength
                self.minimum = minimum
                self.maximum = maximum
            }

            /// The rule without its format, for a field whose format the mapper checks before writing it.
            func removingFormat() -> Rule {
                Rule(pattern: pattern, enumValues: enumValues, minLength: minLength, maxLength: maxLength, minimum: minimum, maximum: maximum)
            }

            /// Why `value` breaks the rule, in the validator's words, or `nil`.
            func problem(_ value: String) -> String? {
                var value = value
                return value.withUTF8 { problem(utf8: $0) }
            }

            /// Why the UTF-8 text `utf8` breaks the rule, or `nil`: ``problem(_:)``
            /// over bytes, so the mapper checks the body's text without making a `String`.
            func problem(utf8: UnsafeBufferPointer<UInt8>) -> String? {
                if let format, !format.matches(utf8: utf8) { return "not a valid \(format.rawValue)" }
                if let pattern, !pattern.matches(utf8: utf8) { return "does not match the pattern \(pattern.source)" }
                if let enumValues, !enumValues.contains(String(decoding: utf8, as: UTF8.self)) { return "not one of the allowed values" }
                if minLength != nil || maxLength != nil {
                    // Unicode scalars: every byte but UTF-8's continuation bytes starts one.
                    let length = utf8.reduce(0) { $0 &+ ($1 & 0xC0 == 0x80 ? 0 : 1) }
                    if let minLength, length < minLength { return "shorter than \(minLength) characters" }
                    if let maxLength, length > maxLength { return "longer than \(maxLength) characters" }
                }
                return nil
            }

            func problem(_ value: Int) -> String? {
                if let minimum, Double(value) < minimum { return "below the minimum \(minimum)" }
                if let maximum, Double(value) > maximum { return "above the maximum \(maximum)" }
                return nil
            }
        }

        /// The fields that have a rule, with it: a field the schema leaves
        /// free costs nothing per event.
        private(set) var active: [(field: Field, rule: Rule)] = []
        /// Why the rules do not cover the schema (empty when they do).
        private(set) var uncovered: [String] = []
        /// Whether the configured `environment.type` breaks its rule, checked once.
        private(set) var environmentTypeProblem: String?

        var coversSchema: Bool { uncovered.isEmpty }

        init(schema: XDMSchema, tenantNamespace: String, environmentType: String) {
            func components(_ path: String) -> [String] {
                path.split(separator: "/").map { $0 == "T" ? tenantNamespace : String($0) }
            }
            for field in Field.allCases {
                guard let node = resolve(components(field.rawValue), in: schema, path: field.rawValue) else { continue }
                let rule = field.isInteger ? integerRule(node, field.rawValue) : stringRule(node, field.rawValue)
                guard var rule else { continue }
                if let format = field.formatEnsuredBeforeWriting, rule.format == format { rule = rule.removingFormat() }
                // Geo codes come only from the built-in table: when every code
                // in it keeps the rule, no event can break it.
                if let codes = field.tableValues, codes.allSatisfy({ rule.problem($0) == nil }) { continue }
                if rule.format != nil || rule.pattern != nil || rule.enumValues != nil || rule.minLength != nil || rule.maxLength != nil
                    || rule.minimum != nil || rule.maximum != nil {
                    if field == .environmentType {
                        environmentTypeProblem = rule.problem(environmentType)
                    } else {
                        active.append((field, rule))
                    }
                }
            }
            checkStructure(schema, tenantNamespace: tenantNamespace)
        }

        /// The schema node at `components` ("*": a map's member, "[]": an array's item).
        private mutating func resolve(_ components: [String], in schema: XDMSchema, path: String) -> XDMSchema? {
            var node = schema
            for component in components {
                if component == "[]" {
                    guard let items = node.items else { uncovered.append("\(path): no item schema"); return nil }
                    node = items
                } else if component == "*" {
                    guard case .schema(let values)? = node.additionalProperties else { uncovered.append("\(path): not a map"); return nil }
                    node = values
                } else if let child = node.properties?[component] {
                    node = child
                } else {
                    uncovered.append("\(path): the schema has no \(component)")
                    return nil
                }
            }
            return node
        }

        private mutating func stringRule(_ node: XDMSchema, _ path: String) -> Rule? {
            if let types = node.types, !types.contains(.string) { uncovered.append("\(path): not a string in the schema"); return nil }
            if node.minimum != nil || node.maximum != nil || node.minItems != nil || node.maxItems != nil || node.required != nil {
                uncovered.append("\(path): a keyword the mapper's checks do not cover")
            }
            var format: XDMFormat?
            if let name = node.format {
                guard let known = XDMFormat(rawValue: name) else { uncovered.append("\(path): unknown format \(name)"); return nil }
                format = known
            }
            var pattern: XDMPattern?
            if let source = node.pattern {
                do { pattern = try XDMPattern(source) } catch { uncovered.append("\(path): \(error)"); return nil }
            }
            var enumValues: [String]?
            if let values = node.enumValues {
                let strings = values.compactMap(\.stringValue)
                if strings.count != values.count { uncovered.append("\(path): an enum with non-string values") }
                enumValues = strings
            }
            return Rule(format: format, pattern: pattern, enumValues: enumValues, minLength: node.minLength, maxLength: node.maxLength)
        }

        private mutating func integerRule(_ node: XDMSchema, _ path: String) -> Rule? {
            if let types = node.types, !types.contains(.integer), !types.contains(.number) {
                uncovered.append("\(path): not a number in the schema")
                return nil
            }
            if node.enumValues != nil || node.format != nil || node.pattern != nil || node.minLength != nil || node.maxLength != nil {
                uncovered.append("\(path): a keyword the mapper's checks do not cover")
            }
            return Rule(minimum: node.minimum?.doubleValue, maximum: node.maximum?.doubleValue)
        }

        /// The members the mapper writes with a fixed value or as containers:
        /// their types, and the constants against their rules.
        private mutating func checkStructure(_ schema: XDMSchema, tenantNamespace: String) {
            let root = Set(["_id", "timestamp", "eventType", "producedBy", tenantNamespace])
            for name in schema.required ?? [] where !root.contains(name) {
                uncovered.append("/: \(name) is required, and the mapper does not always write it")
            }
            let constants: [(String, [String])] = [
                ("/eventType", WebhookKind.allCases.map(\.xdmEventType)),
                ("/producedBy", ["self"]),
                ("/identityMap/*/[]/authenticatedState", ["authenticated", "ambiguous"]),
                ("/T/chatlio/webhookKind", WebhookKind.allCases.map(\.rawValue)),
                ("/T/chatlio/mapping/mapperVersion", [XDMMapper.version]),
                ("/T/chatlio/mapping/timestampSource", [MappingReport.TimestampSource.payload.rawValue, MappingReport.TimestampSource.received.rawValue]),
            ]
            let tenant = { (path: String) in path.split(separator: "/").map { $0 == "T" ? tenantNamespace : String($0) } }
            for (path, values) in constants {
                guard let node = resolve(tenant(path), in: schema, path: path), let rule = stringRule(node, path) else { continue }
                for value in values where rule.problem(value) != nil { uncovered.append("\(path): the mapper's \"\(value)\" is \(rule.problem(value) ?? "")") }
            }
            let containers: [(String, XDMSchema.JSONType)] = [
                ("/identityMap", .object), ("/identityMap/*", .array), ("/identityMap/*/[]", .object), ("/identityMap/*/[]/primary", .boolean),
                ("/environment", .object), ("/environment/browserDetails", .object), ("/web", .object), ("/web/webPageDetails", .object),
                ("/web/webReferrer", .object), ("/placeContext", .object), ("/placeContext/geo", .object), ("/personalEmail", .object),
                ("/person", .object), ("/person/name", .object), ("/T", .object), ("/T/chatlio", .object), ("/T/chatlio/visitor", .object),
                ("/T/chatlio/agent", .object), ("/T/chatlio/transcript", .object), ("/T/chatlio/transcript/messages", .array),
                ("/T/chatlio/transcript/messages/[]", .object), ("/T/chatlio/transcript/messages/[]/isVisitorMsg", .boolean),
                ("/T/chatlio/transcript/extraData", .array), ("/T/chatlio/mapping", .object), ("/T/chatlio/mapping/timestampClamped", .boolean),
                ("/T/chatlio/mapping/trimmed", .array), ("/T/chatlio/mapping/omitted", .array),
            ]
            for (path, type) in containers {
                guard let node = resolve(tenant(path), in: schema, path: path) else { continue }
                if let types = node.types, !types.contains(type) { uncovered.append("\(path): not \(type.rawValue) in the schema") }
                if node.enumValues != nil || node.minItems != nil || node.maxItems != nil || (node.required != nil && path != "/") {
                    uncovered.append("\(path): a keyword the mapper's checks do not cover")
                }
            }
        }
    }

    /// Whether every event ``map(_:receivedAt:)`` returns passes the
    /// schema's `XDMValidator` by construction: the mapper checks each
    /// dynamic value against the schema's rules as it maps (throwing
    /// ``XDMMapperError/Code/invalidValue`` naming the field) and the schema
    /// sets nothing else those rules do not cover. True for the built-in
    /// schema; a relay skips full validation when it is.
    ///
    /// ```swift
    /// if !mapper.guaranteesValidEvents { _ = validator.validate(event.value) }
    /// ```
    public var guaranteesValidEvents: Bool { valueChecks.coversSchema }
}
