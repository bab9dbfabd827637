public import ChatlioWebhooks
import XDMSchemaRegistry

extension XDMMapper {
    /// The AEP Data Prep mapping set that does this mapper's work inside AEP,
    /// for a dataflow that receives one kind of raw Chatlio webhook (one
    /// dataflow, and so one URL, per kind: the body does not say its kind).
    ///
    /// The body is for `POST /data/foundation/conversion/mappingSets`, in the
    /// current `sourceType` / `source` / `destination` form. Data Prep cannot
    /// do everything the mapper does; the differences are listed in
    /// Documentation/MappingChatlioToXDM.md: no `identityMap` (Data Prep has no
    /// maps: add identity descriptors on `_{tenant}.chatlio.visitor.uuid` and
    /// `personalEmail.address` instead), no email or IP validation, no privacy
    /// policies, no size budget, no location parsing, `visitorTraits` and
    /// unknown keys not carried, and an `_id` hashed from chosen fields rather
    /// than the whole canonical payload.
    ///
    /// ```swift
    /// let body = mapper.dataPrepMappingSet(for: .conversationStarted).jsonString(sortedKeys: true)
    /// ```
    public func dataPrepMappingSet(for kind: WebhookKind, schemaID: String? = nil) -> JSONValue {
        let tenant = "_" + configuration.tenantID + ".chatlio"
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
        let idFields: [String] =
            switch kind.payloadShape {
            case .conversationEvent: ["visitor.UUID", "conversationUUID", "message"]
            case .offlineMessage: ["visitor.UUID", "email", "message"]
            case .transcript: ["conversationUUID", "endedAt"]
            }
        expression("sha256(concat(\"\(kind.rawValue)\", \(idFields.joined(separator: ", "))), \"UTF-8\")", "_id")
        if kind == .chatTranscript {
            expression("coalesce(date(endedAt), now())", "timestamp")
        } else {
            expression("now()", "timestamp")
        }
        constant(kind.xdmEventType, "eventType")
        constant("self", "producedBy")
        constant(kind.rawValue, "\(tenant).webhookKind")
        constant("dataprep-\(Self.version)", "\(tenant).mapping.mapperVersion")

        switch kind.payloadShape {
        case .conversationEvent, .offlineMessage:
            constant(configuration.environmentType, "environment.type")
            attribute("visitor.userAgent", "environment.browserDetails.userAgent")
            attribute("visitor.currentPage", "web.webPageDetails.URL")
            attribute("visitor.referrerURL", "web.webReferrer.URL")
            attribute("visitor.UUID", "\(tenant).visitor.uuid")
            attribute("visitor.handle", "\(tenant).visitor.handle")
            attribute("visitor.identUserId", "\(tenant).visitor.identUserId")
            attribute("visitor.location", "\(tenant).visitor.location")
            attribute("visitor.createdAt", "\(tenant).visitor.createdAt")
            attribute("visitor.identTraits", "\(tenant).visitor.identifyTraitsJSON")
            attribute("visitor.IPAddress", "\(tenant).visitor.ipAddress")
            attribute("message", "\(tenant).message")
            if kind.payloadShape == .offlineMessage {
                expression("lower(trim(email))", "personalEmail.address")
                attribute("name", "person.name.fullName")
                attribute("subject", "\(tenant).subject")
                attribute("emailPretty", "\(tenant).emailPretty")
            } else {
                expression("lower(trim(visitor.email))", "personalEmail.address")
                attribute("visitor.name", "person.name.fullName")
                attribute("conversationUUID", "\(tenant).conversationId")
                attribute("channelId", "\(tenant).channelId")
                attribute("slackChannelName", "\(tenant).slackChannelName")
                attribute("slackChannelId", "\(tenant).slackChannelId")
            }
        case .transcript:
            attribute("conversationUUID", "\(tenant).conversationId")
            attribute("channelId", "\(tenant).channelId")
            attribute("channelName", "\(tenant).channelName")
            attribute("slackTeamID", "\(tenant).slackTeamId")
            attribute("agentName", "\(tenant).agent.name")
            expression("lower(trim(agentEmail))", "\(tenant).agent.email")
            expression("lower(trim(visitorEmail))", "personalEmail.address")
            for (source, destination) in [
                ("startedAt", "startedAt"), ("endedAt", "endedAt"), ("archiveUrl", "archiveURL"), ("textBody", "textBody"),
                ("htmlBody", "htmlBody"), ("replyToEmail", "replyToEmail"), ("visitorName", "visitorName"),
                ("visitorEmail", "visitorEmail"), ("extraData", "extraData"),
            ] {
                attribute(source, "\(tenant).transcript.\(destination)")
            }
            expression("size_of(messages)", "\(tenant).transcript.messageCount")
            for field in ["ts", "sentAt", "text", "userId", "username", "isVisitorMsg"] {
                attribute("messages[*].\(field)", "\(tenant).transcript.messages[*].\(field)")
            }
        }
        let schema = schemaID ?? chatlioXDM.experienceEventSchemaID
        return [
            "outputSchema": ["schemaRef": ["id": .string(schema), "contentType": "application/vnd.adobe.xed-full+json;version=1"]],
            "mappings": .array(mappings),
        ]
    }
}
