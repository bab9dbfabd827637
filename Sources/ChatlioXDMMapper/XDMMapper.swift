import ChatlioJSON
public import ChatlioWebhooks
public import Foundation
public import XDMSchemaRegistry

/// Maps Chatlio webhooks to XDM ExperienceEvents that AEP accepts.
///
/// Every event has a deterministic `_id` (the same webhook twice gives the
/// same id, so Profile keeps one), a `timestamp` that is never in the future,
/// an `eventType` per kind, an `identityMap` with exactly one primary
/// identity, the standard fields where Chatlio has the data, and everything
/// Chatlio-specific under `_{tenantID}.chatlio`. It never writes `null`, empty
/// strings, empty objects or empty arrays, omits invalid emails and IP
/// addresses (saying so in ``MappingReport/omitted``), caps arrays when
/// asked (``Configuration/arrayCaps``), and trims or refuses events above
/// the size budget.
///
/// ```swift
/// let mapper = try XDMMapper(configuration: .init(tenantID: "acme"))
/// let webhook = try ChatlioWebhook.decode(body, kind: .conversationStarted)
/// let event = try mapper.map(webhook, receivedAt: Date())
/// send(event.jsonBytes)
/// ```
public struct XDMMapper: Sendable {
    /// The configuration the mapper was created with.
    public var configuration: Configuration { state.configuration }
    /// Where identities of earlier events of a conversation are remembered, if anywhere.
    public var identityStore: (any ConversationIdentityStore)? { state.identityStore }
    /// The built-in schemas for the configured tenant.
    public var chatlioXDM: ChatlioXDM { state.chatlioXDM }
    /// The schema's rules for the values the mapper writes, read at init.
    var valueChecks: ValueChecks { state.valueChecks }

    /// `_{tenantID}`, the object that holds the Chatlio fields, made once.
    var tenantNamespace: String { state.tenantNamespace }

    /// Everything the mapper holds, in one box: the mapper is copied into
    /// every event's draft and every relay, and a copy of the fields
    /// themselves retained each of their strings and tables.
    private final class State: Sendable {
        let configuration: Configuration
        let identityStore: (any ConversationIdentityStore)?
        let chatlioXDM: ChatlioXDM
        let valueChecks: ValueChecks
        let tenantNamespace: String

        init(configuration: Configuration, identityStore: (any ConversationIdentityStore)?, chatlioXDM: ChatlioXDM, valueChecks: ValueChecks) {
            self.configuration = configuration
            tenantNamespace = "_" + configuration.tenantID
            self.identityStore = identityStore
            self.chatlioXDM = chatlioXDM
            self.valueChecks = valueChecks
        }
    }

    private let state: State

    /// The mapper version written to `_{tenantID}.chatlio.mapping.mapperVersion`.
    public static let version = "1.0"

    /// Creates a mapper.
    ///
    /// - Throws: ``XDMMapperError/Code/invalidConfiguration`` for a tenant id
    ///   AEP would not accept, an empty namespace code, a size budget below 1
    ///   or an array cap below 1 (the reason names the field, e.g.
    ///   `arrayCaps.transcriptMessages`).
    public init(configuration: Configuration, identityStore: (any ConversationIdentityStore)? = nil) throws(XDMMapperError) {
        let chatlioXDM: ChatlioXDM
        do {
            chatlioXDM = try ChatlioXDM(tenantID: configuration.tenantID)
        } catch {
            throw XDMMapperError(.invalidConfiguration, error.description)
        }
        let namespaces = configuration.namespaces
        for (name, code) in [("email", namespaces.email), ("hashedEmail", namespaces.hashedEmail), ("visitorUUID", namespaces.visitorUUID), ("identUserId", namespaces.identUserId ?? "unused")]
        where code.isEmpty {
            throw XDMMapperError(.invalidConfiguration, "the \(name) identity namespace code is empty")
        }
        guard configuration.sizeBudget.maxBytes > 0 else {
            throw XDMMapperError(.invalidConfiguration, "the size budget must be positive")
        }
        try configuration.arrayCaps.validate()
        let valueChecks: ValueChecks
        do {
            valueChecks = ValueChecks(schema: try chatlioXDM.expandedExperienceEventSchema(), tenantNamespace: "_" + configuration.tenantID,
                                      environmentType: configuration.environmentType)
        } catch {
            throw XDMMapperError(.invalidConfiguration, "the ExperienceEvent schema does not expand: \(error)")
        }
        state = State(configuration: configuration, identityStore: identityStore, chatlioXDM: chatlioXDM, valueChecks: valueChecks)
    }

    /// A validator for this mapper's events: the Chatlio ExperienceEvent
    /// schema of the configured tenant, compiled once.
    public func validator() throws(XDMSchemaError) -> XDMValidator {
        try chatlioXDM.experienceEventValidator()
    }

    /// Maps one webhook.
    ///
    /// - Parameters:
    ///   - webhook: the decoded webhook.
    ///   - receivedAt: when it arrived; the event time of kinds that carry
    ///     none, and the upper bound of every event time.
    /// - Throws: ``XDMMapperError/Code/eventTooLarge`` when even the trimmed
    ///   event exceeds ``Configuration/sizeBudget``;
    ///   ``XDMMapperError/Code/invalidValue`` (with the field's
    ///   ``XDMMapperError/pointer``) when a value it would write breaks a rule
    ///   of the schema, so every event returned is valid when
    ///   ``guaranteesValidEvents`` is true.
    public func map(_ webhook: ChatlioWebhook, receivedAt: Date) throws(XDMMapperError) -> XDMExperienceEvent {
        var draft = EventDraft(mapper: self, kind: webhook.kind, body: webhook.tape)
        switch webhook {
        case .chatTranscript(let transcript): draft.add(transcript)
        case .offlineMessage(let offline): draft.add(offline)
        case .conversationStarted(let payload): draft.add(payload.event)
        case .unansweredMessage(let payload): draft.add(payload.event)
        case .visitorFeedback(let payload): draft.add(payload.event)
        }
        draft.addAdditionalFields(of: webhook)
        draft.resolveIdentities()
        draft.setTimestamp(eventTime: Self.eventInstant(of: webhook), receivedAt: receivedAt)
        return try draft.finish(id: webhook.eventID)
    }

    /// The payload's own time: a transcript's `endedAt`, else its last
    /// message's `sentAt`, else `startedAt`; `nil` for the other kinds. Read
    /// from the body's bytes as an instant, without a timestamp's `String`.
    static func eventInstant(of webhook: ChatlioWebhook) -> RFC3339Instant? {
        guard case .chatTranscript(let transcript) = webhook else { return nil }
        // The entries say which times are there (the reader checked them): each time read is parsed once.
        return transcript.endedAtInstant ?? transcript.messages.last(where: { $0.sentAtEntry >= 0 })?.sentAtInstant ?? transcript.startedAtInstant
    }
}
