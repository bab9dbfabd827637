@_spi(ChatlioAEPInternal) import ChatlioWebhooks
import Foundation
import XDMSchemaRegistry

/// The event being built: the values of every field the mapper can write,
/// each in a typed slot (no dictionaries), which `EventDraft+Writing` lays
/// out as compact JSON in one pass. Setters skip `nil` and empty values, so
/// the result never holds `null`, `""`, `{}` or `[]`.
struct EventDraft {
    let mapper: XDMMapper
    let kind: WebhookKind
    var report = MappingReport()
    var timestamp = ""

    // Standard field groups.
    var environmentType: String?
    var ipV4: String?
    var ipV6: String?
    var userAgent: String?
    var pageURL: String?
    var referrerURL: String?
    var geoCity: String?
    var geoStateProvince: String?
    var geoCountryCode: String?
    var personalEmail: String?
    var fullName: String?
    /// `identityMap`'s items in order; items sharing a namespace go into one array.
    var identities: [IdentityItem] = []

    // `_{tenantID}.chatlio` and its sub-objects.
    var chatlio = ChatlioFields()
    var visitor = VisitorFields()
    var agent = AgentFields()
    var transcript = TranscriptFields()
    var messages: [TranscriptMessage] = []
    /// How many of the oldest messages the array cap and the size budget left out, together.
    var droppedMessages = 0
    var extraData: [String] = []
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
    }

    struct IdentityItem {
        var namespace: String
        var id: String
        var primary: Bool
        var authenticated: Bool
    }

    struct ChatlioFields {
        var conversationId: String?
        var channelId: String?
        var channelName: String?
        var slackChannelId: String?
        var slackChannelName: String?
        var slackTeamId: String?
        var message: String?
        var subject: String?
        var emailPretty: String?
        var additionalFieldsJSON: String?
    }

    struct VisitorFields {
        var uuid: String?
        var handle: String?
        var identUserId: String?
        var name: String?
        var email: String?
        var ipAddress: String?
        var location: String?
        var identifyTraitsJSON: String?
        var createdAt: String?

        var isEmpty: Bool {
            uuid == nil && handle == nil && identUserId == nil && name == nil && email == nil && ipAddress == nil
                && location == nil && identifyTraitsJSON == nil && createdAt == nil
        }
    }

    struct AgentFields {
        var name: String?
        var email: String?
    }

    struct TranscriptFields {
        var startedAt: String?
        var endedAt: String?
        var archiveURL: String?
        var textBody: String?
        var htmlBody: String?
        var replyToEmail: String?
        var visitorName: String?
        var visitorEmail: String?
        var visitorTraitsJSON: String?
        var messageCount: Int?
    }

    struct TranscriptMessage {
        var ts: String?
        var sentAt: String?
        var text: String?
        var userId: String?
        var username: String?
        var isVisitorMsg: Bool?
    }

    /// Stores `value` in `slot` unless it is `nil` or empty (an earlier value then stays).
    static func put(_ value: String?, _ slot: inout String?) {
        guard let value, !value.isEmpty else { return }
        slot = value
    }

    // MARK: Payloads

    mutating func add(_ event: ConversationEvent) {
        add(event.visitor)
        conversationID = event.conversationUUID
        Self.put(event.conversationUUID, &chatlio.conversationId)
        Self.put(event.channelId, &chatlio.channelId)
        Self.put(event.slackChannelName, &chatlio.slackChannelName)
        Self.put(event.slackChannelId, &chatlio.slackChannelId)
        Self.put(applying(privacy.messageText, to: event.message), &chatlio.message)
    }

    mutating func add(_ offline: OfflineMessage) {
        // What the visitor typed into the form is the better identity; the visitor record follows.
        addEmail(offline.email)
        if privacy.name == .keep, let name = offline.name?.trimmed, !name.isEmpty { fullName = name }
        add(offline.visitor)
        Self.put(applying(privacy.messageText, to: offline.message), &chatlio.message)
        Self.put(applying(privacy.messageText, to: offline.subject), &chatlio.subject)
        if privacy.email == .keep { Self.put(offline.emailPretty, &chatlio.emailPretty) }
        if privacy.name == .hash, let name = Self.hashedName(offline.name) { visitor.name = name }
    }

    mutating func add(_ payload: ChatTranscript) {
        conversationID = payload.conversationUUID
        Self.put(payload.conversationUUID, &chatlio.conversationId)
        Self.put(payload.channelId, &chatlio.channelId)
        Self.put(payload.channelName, &chatlio.channelName)
        Self.put(payload.slackTeamID, &chatlio.slackTeamId)
        Self.put(applyingName(payload.agentName), &agent.name)
        Self.put(applyingEmailText(payload.agentEmail), &agent.email)
        addEmail(payload.visitorEmail)
        Self.put(payload.startedAt?.text, &transcript.startedAt)
        Self.put(payload.endedAt?.text, &transcript.endedAt)
        Self.put(payload.archiveURL, &transcript.archiveURL)
        Self.put(applying(privacy.messageText, to: payload.textBody), &transcript.textBody)
        Self.put(applying(privacy.messageText, to: payload.htmlBody), &transcript.htmlBody)
        Self.put(applyingEmailText(payload.replyToEmail), &transcript.replyToEmail)
        Self.put(applyingName(payload.visitorName), &transcript.visitorName)
        Self.put(applyingEmailText(payload.visitorEmail), &transcript.visitorEmail)
        Self.put(payload.visitorTraits.map(Self.jsonText), &transcript.visitorTraitsJSON)
        transcript.messageCount = payload.messages.count
        extraData = payload.extraData.filter { !$0.isEmpty }
        messages.reserveCapacity(payload.messages.count)
        for message in payload.messages {
            var item = TranscriptMessage()
            Self.put(message.ts, &item.ts)
            Self.put(message.sentAt?.text, &item.sentAt)
            Self.put(applying(privacy.messageText, to: message.text), &item.text)
            Self.put(message.userId, &item.userId)
            Self.put(applyingName(message.username), &item.username)
            item.isVisitorMsg = message.isVisitorMessage
            messages.append(item)
        }
        applyArrayCaps()
    }

    mutating func add(_ source: Visitor) {
        visitorUUID = source.uuid
        identUserId = source.identUserId
        addEmail(source.email)
        Self.put(source.uuid, &visitor.uuid)
        Self.put(source.handle, &visitor.handle)
        Self.put(source.identUserId, &visitor.identUserId)
        Self.put(source.location, &visitor.location)
        Self.put(source.createdAt?.text, &visitor.createdAt)
        Self.put(source.identifyTraits.map(Self.jsonText), &visitor.identifyTraitsJSON)
        switch privacy.name {
        case .keep: if fullName == nil, let name = source.name?.trimmed, !name.isEmpty { fullName = name }
        case .hash: Self.put(Self.hashedName(source.name), &visitor.name)
        case .drop: break
        }
        switch privacy.userAgent {
        case .keep: Self.put(source.userAgent, &userAgent)
        case .hash: Self.put(source.userAgent.map(SHA256.hexDigest(of:)), &userAgent)
        case .drop: break
        }
        addIPAddress(source.ipAddress)
        Self.put(source.currentPage, &pageURL)
        Self.put(source.referrerURL, &referrerURL)
        if let text = source.location, let location = ChatlioLocation(parsing: text) {
            Self.put(location.city, &geoCity)
            Self.put(location.stateProvince, &geoStateProvince)
            Self.put(location.countryCode, &geoCountryCode)
        }
        environmentType = configuration.environmentType
    }

    mutating func addAdditionalFields(of webhook: ChatlioWebhook) {
        var unknown = webhook.additionalFields
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
        if !unknown.isEmpty { chatlio.additionalFieldsJSON = JSONValue.object(unknown).jsonString(sortedKeys: true) }
    }

    // MARK: Personal data

    private mutating func addEmail(_ raw: String?) {
        guard let raw, privacy.email != .drop else { return }
        let normalized = raw.trimmed.lowercased()
        guard !normalized.isEmpty else { return }
        guard XDMFormat.email.matches(normalized) else {
            report.omitted.append("personalEmail.address: not a valid email address")
            if privacy.email == .keep { Self.put(raw.trimmed, &visitor.email) }
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
            Self.put(SHA256.hexDigest(of: raw), &visitor.ipAddress)
        case .keep:
            if XDMFormat.ipv4.matches(raw) {
                ipV4 = raw
            } else if XDMFormat.ipv6.matches(raw) {
                ipV6 = raw
            } else {
                report.omitted.append("environment.ipV4: not a valid IPv4 or IPv6 address")
                visitor.ipAddress = raw
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
        entries.reserveCapacity(2 + emails.count)
        if let visitorUUID { entries.append((.visitorUUID, namespaces.visitorUUID, visitorUUID, false)) }
        switch privacy.email {
        case .keep: entries += emails.map { (.email, namespaces.email, $0, false) }
        case .hash: entries += emails.map { (.email, namespaces.hashedEmail, SHA256.hexDigest(of: $0), false) }
        case .drop: break
        }
        if let identUserId, let namespace = namespaces.identUserId { entries.append((.identUserId, namespace, identUserId, true)) }
        guard !entries.isEmpty else { return }
        let primaryIndex = entries.firstIndex { $0.source == configuration.primaryIdentity } ?? 0
        identities.reserveCapacity(entries.count)
        for (index, entry) in entries.enumerated() {
            identities.append(IdentityItem(namespace: entry.namespace, id: entry.id, primary: index == primaryIndex, authenticated: entry.authenticated))
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

extension String {
    var trimmed: String {
        guard let first = utf8.first, let last = utf8.last, first.isWhitespaceByte || last.isWhitespaceByte else { return self }
        return trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

extension UInt8 {
    fileprivate var isWhitespaceByte: Bool { self == 0x20 || self == 0x09 || self == 0x0A || self == 0x0D || self >= 0x80 }
}
