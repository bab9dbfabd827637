import ChatlioWebhooks
import Foundation
import XDMSchemaRegistry

/// The event being built. Setters skip `nil` and empty values, so the result
/// never holds `null`, `""`, `{}` or `[]`.
struct EventDraft {
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
        chatlio.set("conversationId", event.conversationUUID)
        chatlio.set("channelId", event.channelId)
        chatlio.set("slackChannelName", event.slackChannelName)
        chatlio.set("slackChannelId", event.slackChannelId)
        chatlio.set("message", applying(privacy.messageText, to: event.message))
    }

    mutating func add(_ offline: OfflineMessage) {
        // What the visitor typed into the form is the better identity; the visitor record follows.
        addEmail(offline.email)
        if privacy.name == .keep, let name = offline.name?.trimmed, !name.isEmpty { fullName = name }
        add(offline.visitor)
        chatlio.set("message", applying(privacy.messageText, to: offline.message))
        chatlio.set("subject", applying(privacy.messageText, to: offline.subject))
        if privacy.email == .keep { chatlio.set("emailPretty", offline.emailPretty) }
        if privacy.name == .hash, let name = Self.hashedName(offline.name) { visitor["name"] = .string(name) }
    }

    mutating func add(_ payload: ChatTranscript) {
        conversationID = payload.conversationUUID
        chatlio.set("conversationId", payload.conversationUUID)
        chatlio.set("channelId", payload.channelId)
        chatlio.set("channelName", payload.channelName)
        chatlio.set("slackTeamId", payload.slackTeamID)
        agent.set("name", applyingName(payload.agentName))
        agent.set("email", applyingEmailText(payload.agentEmail))
        addEmail(payload.visitorEmail)
        transcript.set("startedAt", payload.startedAt?.text)
        transcript.set("endedAt", payload.endedAt?.text)
        transcript.set("archiveURL", payload.archiveURL)
        transcript.set("textBody", applying(privacy.messageText, to: payload.textBody))
        transcript.set("htmlBody", applying(privacy.messageText, to: payload.htmlBody))
        transcript.set("replyToEmail", applyingEmailText(payload.replyToEmail))
        transcript.set("visitorName", applyingName(payload.visitorName))
        transcript.set("visitorEmail", applyingEmailText(payload.visitorEmail))
        transcript.set("visitorTraitsJSON", payload.visitorTraits.map(Self.jsonText))
        transcript["messageCount"] = .number(JSONNumber(payload.messages.count))
        extraData = payload.extraData.filter { !$0.isEmpty }.map(JSONValue.string)
        messages.reserveCapacity(payload.messages.count)
        for message in payload.messages {
            var item = JSONObject()
            item.set("ts", message.ts)
            item.set("sentAt", message.sentAt?.text)
            item.set("text", applying(privacy.messageText, to: message.text))
            item.set("userId", message.userId)
            item.set("username", applyingName(message.username))
            if let isVisitor = message.isVisitorMessage { item["isVisitorMsg"] = .bool(isVisitor) }
            messages.append(.object(item))
        }
        applyArrayCaps()
    }

    mutating func add(_ source: Visitor) {
        visitorUUID = source.uuid
        identUserId = source.identUserId
        addEmail(source.email)
        visitor.set("uuid", source.uuid)
        visitor.set("handle", source.handle)
        visitor.set("identUserId", source.identUserId)
        visitor.set("location", source.location)
        visitor.set("createdAt", source.createdAt?.text)
        visitor.set("identifyTraitsJSON", source.identifyTraits.map(Self.jsonText))
        switch privacy.name {
        case .keep: if fullName == nil, let name = source.name?.trimmed, !name.isEmpty { fullName = name }
        case .hash: visitor.set("name", Self.hashedName(source.name))
        case .drop: break
        }
        switch privacy.userAgent {
        case .keep: browserDetails.set("userAgent", source.userAgent)
        case .hash: browserDetails.set("userAgent", source.userAgent.map(SHA256.hexDigest(of:)))
        case .drop: break
        }
        addIPAddress(source.ipAddress)
        webPageDetails.set("URL", source.currentPage)
        webReferrer.set("URL", source.referrerURL)
        if let text = source.location, let location = ChatlioLocation(parsing: text) {
            geo.set("city", location.city)
            geo.set("stateProvince", location.stateProvince)
            geo.set("countryCode", location.countryCode)
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
            if privacy.email == .keep { visitor.set("email", raw.trimmed) }
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
            visitor.set("ipAddress", SHA256.hexDigest(of: raw))
        case .keep:
            if XDMFormat.ipv4.matches(raw) {
                environment["ipV4"] = .string(raw)
            } else if XDMFormat.ipv6.matches(raw) {
                environment["ipV6"] = .string(raw)
            } else {
                report.omitted.append("environment.ipV4: not a valid IPv4 or IPv6 address")
                visitor.set("ipAddress", raw)
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
        let chosen = XDMMapper.eventTimestamp(eventTime: eventTime, receivedAt: receivedAt)
        if chosen.clamped { report.timestampClamped = true }
        if eventTime != nil { report.timestampSource = chosen.fromPayload ? .payload : .received }
        timestamp = chosen.text
    }
}

extension JSONObject {
    /// Sets a string member unless the value is `nil` or empty.
    mutating func set(_ key: String, _ value: String?) {
        guard let value, !value.isEmpty else { return }
        self[key] = .string(value)
    }

    /// Sets an object member unless it is empty.
    mutating func set(_ key: String, _ object: JSONObject) {
        guard !object.isEmpty else { return }
        self[key] = .object(object)
    }
}

extension String {
    var trimmed: String {
        guard let first = utf8.first, let last = utf8.last, first.isWhitespaceByte || last.isWhitespaceByte else { return self }
        return trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

extension UInt8 {
    fileprivate var isWhitespaceByte: Bool { self == 0x20 || self == 0x09 || self == 0x0A || self == 0x0D || self >= 0x80 }
}
