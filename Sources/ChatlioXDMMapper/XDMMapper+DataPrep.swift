public import ChatlioWebhooks
import XDMSchemaRegistry

// Every function below is one Adobe documents for Data Prep, in
// help/data-prep/functions.md of AdobeDocs/experience-platform.en (the
// "Data Prep mapping functions" page): string functions `concat`, `lower`,
// `trim`, `equals`; regular expressions `matches_regex`; date and time `now`,
// `date`; objects `contains_key`, `nullify`; arrays `coalesce`; logical
// operators `iif`; arrays size `size_of`; special operations `uuid`. Each
// mapping that uses one names it in a comment.

extension XDMMapper {
    /// The one AEP Data Prep mapping set for a Chatlio dataflow that receives
    /// all five webhook kinds at one URL, as AEP's Chatlio source does (one
    /// inlet URL pasted into every Chatlio webhook field).
    ///
    /// It reads what the relay adds in raw mode under ``rawEnrichmentKey``
    /// (``rawEnrichment(of:receivedAt:)-swift.method``: the kind, the deterministic `_id`,
    /// the `eventType`, the event time, the visitor UUID) and falls back, for
    /// a body Chatlio posted straight to AEP, on the body's shape: a
    /// `messages` array means a transcript, an `emailPretty` an offline
    /// message, anything else one of the three conversation events (which
    /// share a shape: they get `eventType` `chat.conversationEvent` and no
    /// `webhookKind`), a random `_id` (`uuid()`: no deduplication) and the
    /// ingestion time as `timestamp` (`now()`; a transcript's `endedAt` is not
    /// read: see the `timestamp` mapping).
    ///
    /// Identities: Data Prep has no maps, so no `identityMap`; the schema's
    /// identity descriptors (`ChatlioXDM.identityDescriptorRequests(schemaID:visitorNamespace:emailNamespace:)`)
    /// make `_{tenant}.chatlio.visitor.uuid` the primary `ChatlioVisitor`
    /// identity and `personalEmail.address` a second `Email` identity, which
    /// is written only when it looks like an address (Chatlio sends `""` for
    /// anonymous visitors; AEP refuses an empty or malformed `email` field).
    /// ``Configuration/arrayCaps`` does not change the set: the page's array
    /// functions (`coalesce`, `first`, `last`, `add_to_array`, `join_arrays`,
    /// `to_array`, `size_of`, `upsert_array_*`) return no part of an array, so
    /// every message is mapped. Other differences from the mapper are listed in
    /// Documentation/MappingChatlioToXDM.md.
    ///
    /// The body is for `POST /data/foundation/conversion/mappingSets`, in the
    /// current `sourceType` / `source` / `destination` form.
    ///
    /// ```swift
    /// let body = mapper.dataPrepMappingSet(schemaID: schemaIDFromAEP).jsonString(sortedKeys: true)
    /// ```
    public func dataPrepMappingSet(schemaID: String? = nil) -> JSONValue {
        let tenant = "_" + configuration.tenantID + ".chatlio"
        let added = Self.rawEnrichmentKey
        var mappings: [JSONValue] = []
        func attribute(_ source: String, _ destination: String) {
            mappings.append(["sourceType": "ATTRIBUTE", "source": .string(source), "destination": .string(destination)])
        }
        func expression(_ source: String, _ destination: String) {
            mappings.append(["sourceType": "EXPRESSION", "source": .string(source), "destination": .string(destination)])
        }
        func constant(_ value: String, _ destination: String) {
            mappings.append(["sourceType": "STATIC", "source": .string(value), "destination": .string(destination)])
        }
        // Chatlio sends "" for what it does not know, and AEP accepts no empty
        // value: `"".equals(…)` (string functions), `trim`, `iif` (logical
        // operators) and `nullify()` (objects) leave the field out instead.
        func text(_ source: String, _ destination: String) {
            expression(Self.nonEmpty(source), destination)
        }
        // `lower`, `trim` (string functions), `matches_regex` (regular
        // expressions), `iif`, `nullify()`: only an address-shaped value reaches an
        // email-format field (the mapper validates fully; Data Prep cannot).
        func email(_ source: String, _ destination: String) {
            let normalized = "lower(trim(\(source)))"
            expression("iif(matches_regex(\(normalized), \"\(Self.dataPrepEmailPattern)\"), \(normalized), nullify())", destination)
        }

        // `coalesce` (arrays), `uuid()` (special operations): the relay's
        // deterministic id; a direct Chatlio post gets a random one.
        expression("coalesce(\(added).id, uuid())", "_id")
        // `date(DATE, FORMAT)`, `now()` (date and time), `coalesce`. Not `date(endedAt)`:
        // Chatlio writes RFC 3339 with 0 to 9 fraction digits and a ±HH:MM offset, which no
        // format `date(DATE)` tries reads (help/data-prep/data-handling.md, "Date function
        // conversions"); the failure is a transformation error that nulls the whole field
        // (help/data-prep/home.md), arguments being evaluated before `coalesce` runs, so it
        // would cost every such transcript its timestamp, the relay's included.
        expression("coalesce(date(\(added).timestamp, \"yyyy-MM-dd'T'HH:mm:ss.SSSX\"), now())", "timestamp")
        // `coalesce`, `iif`, `contains_key` (objects): the shape tells transcripts
        // and offline messages apart; the three conversation events share one.
        func quoted(_ text: String) -> String { "\"" + text + "\"" }
        let eventTypeByShape = Self.byShape(
            transcript: quoted(WebhookKind.chatTranscript.xdmEventType), offline: quoted(WebhookKind.offlineMessage.xdmEventType),
            conversation: quoted(Self.unknownConversationEventType))
        expression("coalesce(\(added).eventType, " + eventTypeByShape + ")", "eventType")
        let kindByShape = Self.byShape(
            transcript: quoted(WebhookKind.chatTranscript.rawValue), offline: quoted(WebhookKind.offlineMessage.rawValue), conversation: "nullify()")
        expression("coalesce(\(added).kind, " + kindByShape + ")", "\(tenant).webhookKind")
        constant("self", "producedBy")
        constant("dataprep-\(Self.version)", "\(tenant).mapping.mapperVersion")

        // The primary identity (descriptor on this field): the relay's value,
        // which for transcripts comes from the conversation's earlier webhooks.
        expression(Self.nonEmpty("coalesce(\(added).visitorUUID, visitor.UUID)"), "\(tenant).visitor.uuid")
        // The second identity: the offline form's address, else the visitor's, else the transcript's.
        email("coalesce(email, visitor.email, visitorEmail)", "personalEmail.address")
        text("coalesce(name, visitor.name)", "person.name.fullName")

        // Conversation events and offline messages (absent from transcripts, so left out there).
        expression("iif(contains_key(\"visitor\"), \"\(configuration.environmentType)\", nullify())", "environment.type")
        text("visitor.userAgent", "environment.browserDetails.userAgent")
        text("visitor.currentPage", "web.webPageDetails.URL")
        text("visitor.referrerURL", "web.webReferrer.URL")
        text("visitor.handle", "\(tenant).visitor.handle")
        text("visitor.identUserId", "\(tenant).visitor.identUserId")
        text("visitor.location", "\(tenant).visitor.location")
        text("visitor.createdAt", "\(tenant).visitor.createdAt")
        text("visitor.identTraits", "\(tenant).visitor.identifyTraitsJSON")
        text("visitor.IPAddress", "\(tenant).visitor.ipAddress")
        text("message", "\(tenant).message")
        text("subject", "\(tenant).subject")
        text("emailPretty", "\(tenant).emailPretty")
        text("conversationUUID", "\(tenant).conversationId")
        text("channelId", "\(tenant).channelId")
        text("slackChannelName", "\(tenant).slackChannelName")
        text("slackChannelId", "\(tenant).slackChannelId")

        // Transcripts (absent from the other kinds).
        text("channelName", "\(tenant).channelName")
        text("slackTeamID", "\(tenant).slackTeamId")
        text("agentName", "\(tenant).agent.name")
        email("agentEmail", "\(tenant).agent.email")
        for (source, destination) in [
            ("startedAt", "startedAt"), ("endedAt", "endedAt"), ("archiveUrl", "archiveURL"), ("textBody", "textBody"),
            ("htmlBody", "htmlBody"), ("replyToEmail", "replyToEmail"), ("visitorName", "visitorName"), ("visitorEmail", "visitorEmail"),
        ] {
            text(source, "\(tenant).transcript.\(destination)")
        }
        attribute("extraData", "\(tenant).transcript.extraData")
        // `size_of` (objects).
        expression("size_of(messages)", "\(tenant).transcript.messageCount")
        for field in ["ts", "sentAt", "text", "userId", "username", "isVisitorMsg"] {
            attribute("messages[*].\(field)", "\(tenant).transcript.messages[*].\(field)")
        }
        let schema = schemaID ?? chatlioXDM.experienceEventSchemaID
        return [
            "outputSchema": ["schemaRef": ["id": .string(schema), "contentType": "application/vnd.adobe.xed-full+json;version=1"]],
            "mappings": .array(mappings),
        ]
    }

    /// The `eventType` a direct Chatlio post of one of the three conversation
    /// events gets: their shared shape cannot tell which one it is.
    ///
    /// ```swift
    /// XDMMapper.unknownConversationEventType   // "chat.conversationEvent"
    /// ```
    public static let unknownConversationEventType = "chat.conversationEvent"

    /// What an email field must look like to be written (a cheap filter: one
    /// `@`, no spaces, a dot in the domain); the mapper's check is stricter.
    static let dataPrepEmailPattern = "^[^@ ]+@[^@ ]+[.][^@ ]+$"

    /// A Data Prep expression choosing by the body's shape (as
    /// `ChatlioWebhook.inferShape` does): `messages` or `endedAt` means a
    /// transcript, `emailPretty` an offline message; otherwise a conversation event.
    static func byShape(transcript: String, offline: String, conversation: String) -> String {
        "iif(contains_key(\"messages\"), \(transcript), iif(contains_key(\"endedAt\"), \(transcript), iif(contains_key(\"emailPretty\"), \(offline), \(conversation))))"
    }

    /// A Data Prep expression giving `source`, or null when it is empty or blank.
    static func nonEmpty(_ source: String) -> String {
        "iif(\"\".equals(trim(\(source))), nullify(), \(source))"
    }
}
