@_spi(ChatlioAEPInternal) import ChatlioJSON
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

    /// The webhook's body, which every ``DraftText/entry(_:)`` value
    /// indexes, the texts the mapper made, and the privacy policy: how
    /// fields become values.
    var texts: DraftTexts

    // Standard field groups.
    /// Whether `environment.type` carries the configured environment type
    /// (events with a visitor do), written from the configuration itself.
    var writesEnvironmentType = false
    var ipV4: DraftText?
    var ipV6: DraftText?
    var userAgent: DraftText?
    var pageURL: DraftText?
    var referrerURL: DraftText?
    /// `placeContext.geo`, as the visitor's location reads (the cache's strings, not copies).
    var geo: ChatlioLocation?
    var personalEmail: DraftText?
    var fullName: DraftText?
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
    var conversationID: DraftText?
    var visitorUUID: DraftText?
    var emails: [DraftText] = []
    var identUserId: DraftText?

    var configuration: XDMMapper.Configuration { mapper.configuration }
    var geoCity: String? { geo?.city.flatMap { $0.isEmpty ? nil : $0 } }
    var geoStateProvince: String? { geo?.stateProvince.flatMap { $0.isEmpty ? nil : $0 } }
    var geoCountryCode: String? { geo.flatMap { $0.countryCode.isEmpty ? nil : $0.countryCode } }
    var privacy: XDMMapper.PrivacyPolicy { configuration.privacy }

    init(mapper: XDMMapper, kind: WebhookKind, body: JSONTape?) {
        self.mapper = mapper
        self.kind = kind
        texts = DraftTexts(body: body, privacy: mapper.configuration.privacy)
    }

    struct IdentityItem {
        var namespace: String
        var id: DraftText
        var primary: Bool
        var authenticated: Bool
    }

    struct ChatlioFields {
        var conversationId: DraftText?
        var channelId: DraftText?
        var channelName: DraftText?
        var slackChannelId: DraftText?
        var slackChannelName: DraftText?
        var slackTeamId: DraftText?
        var message: DraftText?
        var subject: DraftText?
        var emailPretty: DraftText?
        var additionalFieldsJSON: DraftText?
    }

    struct VisitorFields {
        var uuid: DraftText?
        var handle: DraftText?
        var identUserId: DraftText?
        var name: DraftText?
        var email: DraftText?
        var ipAddress: DraftText?
        var location: DraftText?
        var identifyTraitsJSON: DraftText?
        var createdAt: DraftText?

        var isEmpty: Bool {
            uuid == nil && handle == nil && identUserId == nil && name == nil && email == nil && ipAddress == nil
                && location == nil && identifyTraitsJSON == nil && createdAt == nil
        }
    }

    struct AgentFields {
        var name: DraftText?
        var email: DraftText?
    }

    struct TranscriptFields {
        var startedAt: DraftText?
        var endedAt: DraftText?
        var archiveURL: DraftText?
        var textBody: DraftText?
        var htmlBody: DraftText?
        var replyToEmail: DraftText?
        var visitorName: DraftText?
        var visitorEmail: DraftText?
        var visitorTraitsJSON: DraftText?
        var messageCount: Int?
    }

    struct TranscriptMessage {
        var ts: DraftText?
        var sentAt: DraftText?
        var text: DraftText?
        var userId: DraftText?
        var username: DraftText?
        var isVisitorMsg: Bool?
    }

    /// Stores `value` in `slot` unless it is `nil` (an earlier value then
    /// stays; made texts are never empty, ``DraftTexts/make(_:)`` says `nil` instead).
    static func put(_ value: DraftText?, _ slot: inout DraftText?) {
        guard let value else { return }
        slot = value
    }

    // MARK: Payloads

    mutating func add(_ event: ConversationEvent) {
        add(event.visitor)
        let tape = event.tape
        conversationID = texts.text(event.conversationUUIDEntry, of: tape)
        Self.put(conversationID, &chatlio.conversationId)
        Self.put(texts.text(event.channelIdEntry, of: tape), &chatlio.channelId)
        Self.put(texts.text(event.slackChannelNameEntry, of: tape), &chatlio.slackChannelName)
        Self.put(texts.text(event.slackChannelIdEntry, of: tape), &chatlio.slackChannelId)
        Self.put(texts.applying(privacy.messageText, to: texts.text(event.messageEntry, of: tape)), &chatlio.message)
    }

    mutating func add(_ offline: OfflineMessage) {
        let tape = offline.tape
        let name = texts.text(offline.nameEntry, of: tape)
        // What the visitor typed into the form is the better identity; the visitor record follows.
        addEmail(texts.text(offline.emailEntry, of: tape))
        if privacy.name == .keep, let name = texts.trimmed(name) { fullName = name }
        add(offline.visitor)
        Self.put(texts.applying(privacy.messageText, to: texts.text(offline.messageEntry, of: tape)), &chatlio.message)
        Self.put(texts.applying(privacy.messageText, to: texts.text(offline.subjectEntry, of: tape)), &chatlio.subject)
        if privacy.email == .keep { Self.put(texts.text(offline.emailPrettyEntry, of: tape), &chatlio.emailPretty) }
        if privacy.name == .hash, let name = texts.hashedName(name) { visitor.name = name }
    }

    mutating func add(_ payload: ChatTranscript) {
        let tape = payload.tape
        conversationID = texts.text(payload.conversationUUIDEntry, of: tape)
        Self.put(conversationID, &chatlio.conversationId)
        Self.put(texts.text(payload.channelIdEntry, of: tape), &chatlio.channelId)
        Self.put(texts.text(payload.channelNameEntry, of: tape), &chatlio.channelName)
        Self.put(texts.text(payload.slackTeamIDEntry, of: tape), &chatlio.slackTeamId)
        Self.put(texts.applyingName(texts.text(payload.agentNameEntry, of: tape)), &agent.name)
        Self.put(texts.applyingEmailText(texts.text(payload.agentEmailEntry, of: tape)), &agent.email)
        let visitorEmail = texts.text(payload.visitorEmailEntry, of: tape)
        addEmail(visitorEmail)
        Self.put(texts.text(payload.startedAtEntry, of: tape), &transcript.startedAt)
        Self.put(texts.text(payload.endedAtEntry, of: tape), &transcript.endedAt)
        Self.put(texts.text(payload.archiveURLEntry, of: tape), &transcript.archiveURL)
        Self.put(texts.applying(privacy.messageText, to: texts.text(payload.textBodyEntry, of: tape)), &transcript.textBody)
        Self.put(texts.applying(privacy.messageText, to: texts.text(payload.htmlBodyEntry, of: tape)), &transcript.htmlBody)
        Self.put(texts.applyingEmailText(texts.text(payload.replyToEmailEntry, of: tape)), &transcript.replyToEmail)
        Self.put(texts.applyingName(texts.text(payload.visitorNameEntry, of: tape)), &transcript.visitorName)
        Self.put(texts.applyingEmailText(visitorEmail), &transcript.visitorEmail)
        if let traits = payload.visitorTraits { Self.put(texts.jsonText(of: traits), &transcript.visitorTraitsJSON) }
        transcript.messageCount = payload.messages.count
        extraData = payload.extraData.filter { !$0.isEmpty }
        messages.reserveCapacity(payload.messages.count)
        for message in payload.messages {
            let tape = message.tape
            var item = TranscriptMessage()
            Self.put(texts.text(message.tsEntry, of: tape), &item.ts)
            Self.put(texts.text(message.sentAtEntry, of: tape), &item.sentAt)
            Self.put(texts.applying(privacy.messageText, to: texts.text(message.textEntry, of: tape)), &item.text)
            Self.put(texts.text(message.userIdEntry, of: tape), &item.userId)
            Self.put(texts.applyingName(texts.text(message.usernameEntry, of: tape)), &item.username)
            item.isVisitorMsg = message.isVisitorMessage
            messages.append(item)
        }
        applyArrayCaps()
    }

    mutating func add(_ source: Visitor) {
        let tape = source.tape
        let uuid = texts.text(source.uuidEntry, of: tape)
        visitorUUID = uuid
        identUserId = texts.text(source.identUserIdEntry, of: tape)
        addEmail(texts.text(source.emailEntry, of: tape))
        Self.put(uuid, &visitor.uuid)
        Self.put(texts.text(source.handleEntry, of: tape), &visitor.handle)
        Self.put(identUserId, &visitor.identUserId)
        let location = texts.text(source.locationEntry, of: tape)
        Self.put(location, &visitor.location)
        Self.put(texts.text(source.createdAtEntry, of: tape), &visitor.createdAt)
        if let traits = source.identifyTraits { Self.put(texts.jsonText(of: traits), &visitor.identifyTraitsJSON) }
        let name = texts.text(source.nameEntry, of: tape)
        switch privacy.name {
        case .keep: if fullName == nil, let name = texts.trimmed(name) { fullName = name }
        case .hash: Self.put(texts.hashedName(name), &visitor.name)
        case .drop: break
        }
        let userAgent = texts.text(source.userAgentEntry, of: tape)
        switch privacy.userAgent {
        case .keep: Self.put(userAgent, &self.userAgent)
        case .hash: if let userAgent { Self.put(texts.hashed(userAgent), &self.userAgent) }
        case .drop: break
        }
        addIPAddress(texts.text(source.ipAddressEntry, of: tape))
        Self.put(texts.text(source.currentPageEntry, of: tape), &pageURL)
        Self.put(texts.text(source.referrerURLEntry, of: tape), &referrerURL)
        if let location {
            // The body's bytes when they hold no escape: a place seen before is found without a `String`.
            geo = texts.withPlainBytes(location, ChatlioLocation.reading(utf8:)) ?? ChatlioLocation(parsing: texts.string(location))
        }
        writesEnvironmentType = true
    }

    mutating func addAdditionalFields(of webhook: ChatlioWebhook) {
        guard webhook.hasUnknownKeys else { return }
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
        if !unknown.isEmpty { chatlio.additionalFieldsJSON = texts.make(JSONValue.object(unknown).jsonString(sortedKeys: true)) }
    }

    // MARK: Personal data

    private mutating func addEmail(_ raw: DraftText?) {
        guard let raw, privacy.email != .drop else { return }
        guard let normalized = texts.normalizedEmail(raw) else { return }
        guard texts.matches(.email, normalized) else {
            report.omitted.append("personalEmail.address: not a valid email address")
            if privacy.email == .keep { Self.put(texts.trimmed(raw), &visitor.email) }
            return
        }
        if !emails.contains(where: { texts.same($0, normalized) }) { emails.append(normalized) }
        if privacy.email == .keep, personalEmail == nil { personalEmail = normalized }
    }

    private mutating func addIPAddress(_ raw: DraftText?) {
        guard let raw else { return }
        switch privacy.ipAddress {
        case .drop:
            return
        case .hash:
            visitor.ipAddress = texts.hashed(raw)
        case .keep:
            if texts.matches(.ipv4, raw) {
                ipV4 = raw
            } else if texts.matches(.ipv6, raw) {
                ipV6 = raw
            } else {
                report.omitted.append("environment.ipV4: not a valid IPv4 or IPv6 address")
                visitor.ipAddress = raw
            }
        }
    }

    // MARK: Identities

    /// Fills gaps from the conversation store, records what this event taught
    /// it, and writes `identityMap` with exactly one primary identity.
    mutating func resolveIdentities() {
        if let conversationID, let store = mapper.identityStore {
            let seen = ConversationIdentities(visitorUUID: visitorUUID.map(texts.string), email: emails.first.map(texts.string), identUserId: identUserId.map(texts.string))
            let conversation = texts.string(conversationID)
            if let known = store.identities(forConversation: conversation) {
                let filled = seen.filling(from: known)
                if visitorUUID == nil, let known = filled.visitorUUID { visitorUUID = texts.make(known) }
                if identUserId == nil, let known = filled.identUserId { identUserId = texts.make(known) }
                if emails.isEmpty, let known = filled.email, privacy.email != .drop, let email = texts.make(known) { emails = [email] }
            }
            store.record(seen, forConversation: conversation)
        }
        let namespaces = configuration.namespaces
        let emailCount = privacy.email == .drop ? 0 : emails.count
        let count = (visitorUUID == nil ? 0 : 1) + emailCount + (identUserId != nil && namespaces.identUserId != nil ? 1 : 0)
        guard count > 0 else { return }
        // Straight into `identities`, one allocation: the first of the configured primary
        // source is primary, or the first identity when that source is absent.
        identities.reserveCapacity(count)
        var primaryIndex: Int?
        func add(_ source: XDMMapper.IdentitySource, _ namespace: String, _ id: DraftText, authenticated: Bool) {
            if primaryIndex == nil, source == configuration.primaryIdentity { primaryIndex = identities.count }
            identities.append(IdentityItem(namespace: namespace, id: id, primary: false, authenticated: authenticated))
        }
        if let visitorUUID { add(.visitorUUID, namespaces.visitorUUID, visitorUUID, authenticated: false) }
        switch privacy.email {
        case .keep: for email in emails { add(.email, namespaces.email, email, authenticated: false) }
        case .hash: for email in emails { if let hashed = texts.hashed(email) { add(.email, namespaces.hashedEmail, hashed, authenticated: false) } }
        case .drop: break
        }
        if let identUserId, let namespace = namespaces.identUserId { add(.identUserId, namespace, identUserId, authenticated: true) }
        identities[primaryIndex ?? 0].primary = true
    }

    // MARK: Time

    mutating func setTimestamp(eventTime: RFC3339Instant?, receivedAt: Date) {
        let chosen = XDMMapper.eventTimestamp(eventTime: eventTime, receivedAt: receivedAt)
        if chosen.clamped { report.timestampClamped = true }
        if eventTime != nil { report.timestampSource = chosen.fromPayload ? .payload : .received }
        timestamp = chosen.text
    }
}

extension String {
    var trimmed: String {
        guard let first = utf8.first, let last = utf8.last, first.isTrimmable || last.isTrimmable else { return self }
        return trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
