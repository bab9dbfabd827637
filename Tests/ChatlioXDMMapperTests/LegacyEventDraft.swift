@testable import ChatlioXDMMapper
@_spi(ChatlioAEPInternal) import ChatlioWebhooks
import Foundation
import XDMSchemaRegistry

// The mapper as it was before it wrote bytes directly (LegacyEventDraft, its
// assembly into a JSONValue tree and its array caps at b016993 on main,
// renamed): the oracle XDMMapper+ByteOutputTests compares the byte writer
// with, member for member.


/// The event being built. Setters skip `nil` and empty values, so the result
/// never holds `null`, `""`, `{}` or `[]`.
struct LegacyEventDraft {
    let mapper: XDMMapper
    let kind: WebhookKind
    var report = MappingReport()
    var timestamp = ""

    // Standard field groups.
    var environment = JSONObject()
    var browserDetails = JSONObject()
    var webPageDetails = JSONObject()
    var webReferrer = JSONObject()
    var geo = JSONObject()
    var personalEmail: String?
    var fullName: String?
    var identityMap = JSONObject()

    // `_{tenantID}.chatlio` and its sub-objects.
    var chatlio = JSONObject()
    var visitor = JSONObject()
    var agent = JSONObject()
    var transcript = JSONObject()
    var messages: [JSONValue] = []
    /// How many of the oldest messages the array cap and the size budget left out, together.
    var droppedMessages = 0
    var extraData: [JSONValue] = []
    /// How many `extraData` strings the array cap left out (the last ones).
    var droppedExtraData = 0

    // Identities found, before policy and primary selection.
    var conversationID: String?
    var visitorUUID: String?
    var emails: [String] = []
    var identUserId: String?

    var configuration: XDMMapper.Configuration { mapper.configuration }
    var privacy: XDMMapper.PrivacyPolicy { configuration.privacy }

    init(mapper: XDMMapper, kind: WebhookKind) {
        self.mapper = mapper
        self.kind = kind
        // Room for the usual members up front: growing a dictionary rehashes it.
        chatlio.reserveCapacity(12)
        visitor.reserveCapacity(10)
        environment.reserveCapacity(4)
        chatlio["webhookKind"] = .string(kind.rawValue)
    }

    // MARK: Payloads

    mutating func add(_ event: ConversationEvent) {
        add(event.visitor)
        conversationID = event.conversationUUID
        chatlio.legacySet("conversationId", event.conversationUUID)
        chatlio.legacySet("channelId", event.channelId)
        chatlio.legacySet("slackChannelName", event.slackChannelName)
        chatlio.legacySet("slackChannelId", event.slackChannelId)
        chatlio.legacySet("message", applying(privacy.messageText, to: event.message))
    }

    mutating func add(_ offline: OfflineMessage) {
        // What the visitor typed into the form is the better identity; the visitor record follows.
        addEmail(offline.email)
        if privacy.name == .keep, let name = offline.name?.trimmed, !name.isEmpty { fullName = name }
        add(offline.visitor)
        chatlio.legacySet("message", applying(privacy.messageText, to: offline.message))
        chatlio.legacySet("subject", applying(privacy.messageText, to: offline.subject))
        if privacy.email == .keep { chatlio.legacySet("emailPretty", offline.emailPretty) }
        if privacy.name == .hash, let name = Self.hashedName(offline.name) { visitor["name"] = .string(name) }
    }

    mutating func add(_ payload: ChatTranscript) {
        conversationID = payload.conversationUUID
        chatlio.legacySet("conversationId", payload.conversationUUID)
        chatlio.legacySet("channelId", payload.channelId)
        chatlio.legacySet("channelName", payload.channelName)
        chatlio.legacySet("slackTeamId", payload.slackTeamID)
        agent.legacySet("name", applyingName(payload.agentName))
        agent.legacySet("email", applyingEmailText(payload.agentEmail))
        addEmail(payload.visitorEmail)
        transcript.legacySet("startedAt", payload.startedAt?.text)
        transcript.legacySet("endedAt", payload.endedAt?.text)
        transcript.legacySet("archiveURL", payload.archiveURL)
        transcript.legacySet("textBody", applying(privacy.messageText, to: payload.textBody))
        transcript.legacySet("htmlBody", applying(privacy.messageText, to: payload.htmlBody))
        transcript.legacySet("replyToEmail", applyingEmailText(payload.replyToEmail))
        transcript.legacySet("visitorName", applyingName(payload.visitorName))
        transcript.legacySet("visitorEmail", applyingEmailText(payload.visitorEmail))
        transcript.legacySet("visitorTraitsJSON", payload.visitorTraits.map(Self.jsonText))
        transcript["messageCount"] = .number(JSONNumber(payload.messages.count))
        extraData = payload.extraData.filter { !$0.isEmpty }.map(JSONValue.string)
        messages.reserveCapacity(payload.messages.count)
        for message in payload.messages {
            var item = JSONObject()
            item.legacySet("ts", message.ts)
            item.legacySet("sentAt", message.sentAt?.text)
            item.legacySet("text", applying(privacy.messageText, to: message.text))
            item.legacySet("userId", message.userId)
            item.legacySet("username", applyingName(message.username))
            if let isVisitor = message.isVisitorMessage { item["isVisitorMsg"] = .bool(isVisitor) }
            messages.append(.object(item))
        }
        applyArrayCaps()
    }

    mutating func add(_ source: Visitor) {
        visitorUUID = source.uuid
        identUserId = source.identUserId
        addEmail(source.email)
        visitor.legacySet("uuid", source.uuid)
        visitor.legacySet("handle", source.handle)
        visitor.legacySet("identUserId", source.identUserId)
        visitor.legacySet("location", source.location)
        visitor.legacySet("createdAt", source.createdAt?.text)
        visitor.legacySet("identifyTraitsJSON", source.identifyTraits.map(Self.jsonText))
        switch privacy.name {
        case .keep: if fullName == nil, let name = source.name?.trimmed, !name.isEmpty { fullName = name }
        case .hash: visitor.legacySet("name", Self.hashedName(source.name))
        case .drop: break
        }
        switch privacy.userAgent {
        case .keep: browserDetails.legacySet("userAgent", source.userAgent)
        case .hash: browserDetails.legacySet("userAgent", source.userAgent.map(SHA256.hexDigest(of:)))
        case .drop: break
        }
        addIPAddress(source.ipAddress)
        webPageDetails.legacySet("URL", source.currentPage)
        webReferrer.legacySet("URL", source.referrerURL)
        if let text = source.location, let location = ChatlioLocation(parsing: text) {
            geo.legacySet("city", location.city)
            geo.legacySet("stateProvince", location.stateProvince)
            geo.legacySet("countryCode", location.countryCode)
        }
        environment["type"] = .string(configuration.environmentType)
    }

    mutating func addAdditionalFields(of webhook: ChatlioWebhook) {
        var unknown = webhook.payload.additionalFields
        if let visitorUnknown = webhook.visitor?.additionalFields, !visitorUnknown.isEmpty {
            unknown["visitor"] = .object(visitorUnknown)
        }
        if case .chatTranscript(let payload) = webhook {
            var perMessage = JSONObject()
            for (index, message) in payload.messages.enumerated() where !message.additionalFields.isEmpty {
                perMessage[String(index)] = .object(message.additionalFields)
            }
            if !perMessage.isEmpty { unknown["messages"] = .object(perMessage) }
        }
        if !unknown.isEmpty { chatlio["additionalFieldsJSON"] = .string(JSONValue.object(unknown).jsonString(sortedKeys: true)) }
    }

    // MARK: Personal data

    private mutating func addEmail(_ raw: String?) {
        guard let raw, privacy.email != .drop else { return }
        let normalized = raw.trimmed.lowercased()
        guard !normalized.isEmpty else { return }
        guard XDMFormat.email.matches(normalized) else {
            report.omitted.append("personalEmail.address: not a valid email address")
            if privacy.email == .keep { visitor.legacySet("email", raw.trimmed) }
            return
        }
        if !emails.contains(normalized) { emails.append(normalized) }
        if privacy.email == .keep, personalEmail == nil { personalEmail = normalized }
    }

    private mutating func addIPAddress(_ raw: String?) {
        guard let raw, !raw.isEmpty else { return }
        switch privacy.ipAddress {
        case .drop:
            return
        case .hash:
            visitor.legacySet("ipAddress", SHA256.hexDigest(of: raw))
        case .keep:
            if XDMFormat.ipv4.matches(raw) {
                environment["ipV4"] = .string(raw)
            } else if XDMFormat.ipv6.matches(raw) {
                environment["ipV6"] = .string(raw)
            } else {
                report.omitted.append("environment.ipV4: not a valid IPv4 or IPv6 address")
                visitor.legacySet("ipAddress", raw)
            }
        }
    }

    private func applying(_ action: XDMMapper.PrivacyAction, to text: String?) -> String? {
        guard let text else { return nil }
        switch action {
        case .keep: return text
        case .hash: return SHA256.hexDigest(of: text)
        case .drop: return nil
        }
    }

    private func applyingName(_ name: String?) -> String? {
        privacy.name == .hash ? Self.hashedName(name) : applying(privacy.name, to: name)
    }

    /// An email in a Chatlio-specific field: trimmed and lower-cased, hashed, or dropped.
    private func applyingEmailText(_ email: String?) -> String? {
        guard let email = email?.trimmed, !email.isEmpty else { return nil }
        switch privacy.email {
        case .keep: return email.lowercased()
        case .hash: return SHA256.hexDigest(of: email.lowercased())
        case .drop: return nil
        }
    }

    /// SHA-256 of a trimmed, lower-cased name, or `nil` when there is no name.
    private static func hashedName(_ name: String?) -> String? {
        guard let normalized = name?.trimmed.lowercased(), !normalized.isEmpty else { return nil }
        return SHA256.hexDigest(of: normalized)
    }

    private static func jsonText(_ traits: Traits) -> String {
        traits.rawText ?? traits.wireValue.jsonString(sortedKeys: true)
    }

    // MARK: Identities

    /// Fills gaps from the conversation store, records what this event taught
    /// it, and writes `identityMap` with exactly one primary identity.
    mutating func resolveIdentities() {
        if let conversationID, let store = mapper.identityStore {
            let seen = ConversationIdentities(visitorUUID: visitorUUID, email: emails.first, identUserId: identUserId)
            if let known = store.identities(forConversation: conversationID) {
                let filled = seen.filling(from: known)
                if visitorUUID == nil { visitorUUID = filled.visitorUUID }
                if identUserId == nil { identUserId = filled.identUserId }
                if emails.isEmpty, let email = filled.email, privacy.email != .drop { emails = [email] }
            }
            store.record(seen, forConversation: conversationID)
        }
        let namespaces = configuration.namespaces
        var entries: [(source: XDMMapper.IdentitySource, namespace: String, id: String, authenticated: Bool)] = []
        if let visitorUUID { entries.append((.visitorUUID, namespaces.visitorUUID, visitorUUID, false)) }
        switch privacy.email {
        case .keep: entries += emails.map { (.email, namespaces.email, $0, false) }
        case .hash: entries += emails.map { (.email, namespaces.hashedEmail, SHA256.hexDigest(of: $0), false) }
        case .drop: break
        }
        if let identUserId, let namespace = namespaces.identUserId { entries.append((.identUserId, namespace, identUserId, true)) }
        guard !entries.isEmpty else { return }
        let primaryIndex = entries.firstIndex { $0.source == configuration.primaryIdentity } ?? 0
        for (index, entry) in entries.enumerated() {
            let item: JSONValue = [
                "id": .string(entry.id),
                "primary": .bool(index == primaryIndex),
                "authenticatedState": entry.authenticated ? "authenticated" : "ambiguous",
            ]
            if case .array(var items) = identityMap[entry.namespace] {
                items.append(item)
                identityMap[entry.namespace] = .array(items)
            } else {
                identityMap[entry.namespace] = [item]
            }
        }
    }

    // MARK: Time

    mutating func setTimestamp(eventTime: RFC3339Timestamp?, receivedAt: Date) {
        let chosen = XDMMapper.eventTimestamp(eventTime: eventTime?.instant, receivedAt: receivedAt)
        if chosen.clamped { report.timestampClamped = true }
        if eventTime != nil { report.timestampSource = chosen.fromPayload ? .payload : .received }
        timestamp = chosen.text
    }
}

extension JSONObject {  // legacy setters
    /// Sets a string member unless the value is `nil` or empty.
    mutating func legacySet(_ key: String, _ value: String?) {
        guard let value, !value.isEmpty else { return }
        self[key] = .string(value)
    }

    /// Sets an object member unless it is empty.
    mutating func legacySet(_ key: String, _ object: JSONObject) {
        guard !object.isEmpty else { return }
        self[key] = .object(object)
    }
}

extension LegacyEventDraft {
    /// Where the draft's Chatlio fields go.
    var tenantNamespace: String { "_" + configuration.tenantID }

    /// The whole `xdmEntity`.
    func assembled(id: String) -> JSONValue {
        var root: JSONObject = [
            "_id": .string(id),
            "timestamp": .string(timestamp),
            "eventType": .string(kind.xdmEventType),
            "producedBy": "self",
        ]
        root.legacySet("identityMap", identityMap)
        var environment = environment
        environment.legacySet("browserDetails", browserDetails)
        root.legacySet("environment", environment)
        var web = JSONObject()
        web.legacySet("webPageDetails", webPageDetails)
        web.legacySet("webReferrer", webReferrer)
        root.legacySet("web", web)
        if !geo.isEmpty { root["placeContext"] = ["geo": .object(geo)] }
        if let personalEmail { root["personalEmail"] = ["address": .string(personalEmail)] }
        if let fullName { root["person"] = ["name": ["fullName": .string(fullName)]] }

        var chatlio = chatlio
        chatlio.legacySet("visitor", visitor)
        chatlio.legacySet("agent", agent)
        var transcript = transcript
        if !messages.isEmpty { transcript["messages"] = .array(messages) }
        if droppedMessages > 0 { transcript["messagesOmitted"] = .number(JSONNumber(droppedMessages)) }
        if !extraData.isEmpty { transcript["extraData"] = .array(extraData) }
        if droppedExtraData > 0 { transcript["extraDataOmitted"] = .number(JSONNumber(droppedExtraData)) }
        chatlio.legacySet("transcript", transcript)
        var mapping: JSONObject = [
            "mapperVersion": .string(XDMMapper.version),
            "timestampSource": .string(report.timestampSource.rawValue),
        ]
        if report.timestampClamped { mapping["timestampClamped"] = true }
        if !report.trimmed.isEmpty { mapping["trimmed"] = .array(report.trimmed.map(JSONValue.string)) }
        if !report.omitted.isEmpty { mapping["omitted"] = .array(report.omitted.map(JSONValue.string)) }
        chatlio["mapping"] = .object(mapping)
        root[tenantNamespace] = ["chatlio": .object(chatlio)]
        return .object(root)
    }

    /// Serializes the event, trimming it into the size budget in the
    /// documented order when needed.
    mutating func finish(id: String) throws(XDMMapperError) -> (value: JSONValue, jsonBytes: [UInt8], report: MappingReport) {
        let budget = configuration.sizeBudget.maxBytes
        var value = assembled(id: id)
        var bytes = value.serialized()
        var steps = trimSteps[...]
        while bytes.count > budget {
            guard let step = steps.first else {
                throw XDMMapperError(
                    .eventTooLarge,
                    "the \(kind) event is \(bytes.count) bytes after every trim (\(report.trimmed.isEmpty ? "nothing to trim" : report.trimmed.joined(separator: ", "))), above the budget of \(budget)")
            }
            if !apply(step, excess: bytes.count - budget) { steps = steps.dropFirst() }
            value = assembled(id: id)
            bytes = value.serialized()
        }
        return (value, bytes, report)
    }

    /// One way to make an event smaller.
    enum TrimStep {
        case transcriptField(String)
        case chatlioField(String)
        case visitorField(String)
        case oldestMessages
    }

    /// The order in which fields give way to the size budget: for a
    /// transcript the HTML body, then the text body, then the oldest messages
    /// (after any the array cap already left out: the same cut, one count);
    /// then, for every kind, the JSON of unknown keys and of traits.
    var trimSteps: [TrimStep] {
        switch kind {
        case .chatTranscript:
            [.transcriptField("htmlBody"), .transcriptField("textBody"), .oldestMessages,
             .chatlioField("additionalFieldsJSON"), .transcriptField("visitorTraitsJSON")]
        default:
            [.chatlioField("additionalFieldsJSON"), .visitorField("identifyTraitsJSON")]
        }
    }

    /// Applies a step; returns whether it can shrink the event further.
    private mutating func apply(_ step: TrimStep, excess: Int) -> Bool {
        let base = tenantNamespace + ".chatlio"
        switch step {
        case .transcriptField(let key):
            if transcript.removeValue(forKey: key) != nil { report.trimmed.append("\(base).transcript.\(key)") }
            return false
        case .chatlioField(let key):
            if chatlio.removeValue(forKey: key) != nil { report.trimmed.append("\(base).\(key)") }
            return false
        case .visitorField(let key):
            if visitor.removeValue(forKey: key) != nil { report.trimmed.append("\(base).visitor.\(key)") }
            return false
        case .oldestMessages:
            guard !messages.isEmpty else { return false }
            // Drop enough of the oldest messages to cover the excess, plus room
            // for the note that records it; the caller re-measures.
            var freed = 0
            var count = 0
            while count < messages.count, freed < excess + 64 {
                freed += messages[count].serialized().count + 1
                count += 1
            }
            dropOldestMessages(count)
            return !messages.isEmpty
        }
    }
}

extension LegacyEventDraft {
    /// Applies ``XDMMapper/ArrayCaps`` to the arrays filled from the payload.
    /// Runs before the size budget, which then only cuts further from the
    /// same end of `messages`.
    mutating func applyArrayCaps() {
        let caps = configuration.arrayCaps
        if let cap = caps.transcriptMessages, messages.count > cap {
            dropOldestMessages(messages.count - cap)
        }
        if let cap = caps.extraData, extraData.count > cap {
            let total = extraData.count
            extraData.removeLast(total - cap)
            droppedExtraData = total - cap
            report.trimmed.append("\(tenantNamespace).chatlio.transcript.extraData[\(cap)..<\(total)]")
        }
    }

    /// Leaves out the `count` oldest messages still in the draft: the one cut
    /// both the array cap and the size budget make, so the messages kept are
    /// always the newest, in one run, and a single `mapping.trimmed` entry
    /// (`…messages[0..<n]`, updated where it stands) and `messagesOmitted`
    /// say how many went.
    mutating func dropOldestMessages(_ count: Int) {
        let count = min(count, messages.count)
        guard count > 0 else { return }
        messages.removeFirst(count)
        droppedMessages += count
        let path = "\(tenantNamespace).chatlio.transcript.messages"
        let entry = "\(path)[0..<\(droppedMessages)]"
        if let index = report.trimmed.firstIndex(where: { $0.hasPrefix(path + "[") }) {
            report.trimmed[index] = entry
        } else {
            report.trimmed.append(entry)
        }
    }
}

extension XDMMapper {
    /// `map(_:receivedAt:)` as it was: the oracle's output.
    func legacyMap(_ webhook: ChatlioWebhook, receivedAt: Date) throws(XDMMapperError) -> (value: JSONValue, jsonBytes: [UInt8], report: MappingReport) {
        var draft = LegacyEventDraft(mapper: self, kind: webhook.kind)
        switch webhook {
        case .chatTranscript(let transcript): draft.add(transcript)
        case .offlineMessage(let offline): draft.add(offline)
        case .conversationStarted(let payload): draft.add(payload.event)
        case .unansweredMessage(let payload): draft.add(payload.event)
        case .visitorFeedback(let payload): draft.add(payload.event)
        }
        draft.addAdditionalFields(of: webhook)
        draft.resolveIdentities()
        draft.setTimestamp(eventTime: Self.legacyEventTime(of: webhook), receivedAt: receivedAt)
        return try draft.finish(id: webhook.eventID)
    }

    /// The payload's own time as the mapper read it before `eventInstant(of:)`:
    /// through the public `RFC3339Timestamp` properties.
    static func legacyEventTime(of webhook: ChatlioWebhook) -> RFC3339Timestamp? {
        guard case .chatTranscript(let transcript) = webhook else { return nil }
        return transcript.endedAt ?? transcript.messages.last(where: { $0.sentAtEntry >= 0 })?.sentAt ?? transcript.startedAt
    }
}
