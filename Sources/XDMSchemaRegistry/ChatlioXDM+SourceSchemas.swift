public import ChatlioWebhooks

// What Chatlio posts, one JSON Schema per webhook kind, written from the
// documented examples (Documentation/ and the Chatlio webhook reference).
// Source schemas stay open: real payloads may add keys. Only the fields the
// payload models also require are required.

extension ChatlioXDM {
    /// The JSON Schema of the body Chatlio posts for `kind`: usable to check a
    /// raw webhook body, and to give AEP as the Data Prep source schema.
    ///
    /// ```swift
    /// let schema = ChatlioXDM.sourceSchema(for: .chatTranscript)
    /// schema.required   // ["conversationUUID"]
    /// ```
    public static func sourceSchema(for kind: WebhookKind) -> XDMSchema {
        var schema: XDMSchema
        switch kind.payloadShape {
        case .conversationEvent:
            schema = .object(properties: [
                "visitor": visitorSource,
                "message": .string(description: "The visitor's message (first message, unanswered message or feedback)."),
                "conversationUUID": .string(description: "Chatlio's conversation id."),
                "channelId": .string(description: "Slack channel id of the conversation."),
                "slackChannelName": .string(description: "The widget's Slack channel name."),
                "slackChannelId": .string(description: "The widget's Slack channel id."),
            ], required: ["visitor"])
        case .offlineMessage:
            schema = .object(properties: [
                "name": .string(description: "The name typed into the offline form."),
                "email": .string(description: "The email typed into the offline form."),
                "emailPretty": .string(description: "Display address: \"Name\" <address>."),
                "message": .string(description: "The offline message."),
                "subject": .string(description: "Subject (seen only in third-party code)."),
                "visitor": visitorSource,
            ], required: ["visitor"])
        case .transcript:
            var messages = XDMSchema.array(of: transcriptMessageSource, description: "The transcript's messages; null when empty.")
            messages.types = [.array, .null]
            var extraData = XDMSchema.array(of: .string(), description: "Free-form strings; null when empty.")
            extraData.types = [.array, .null]
            var visitorTraits = XDMSchema()
            visitorTraits.types = [.object, .string]
            visitorTraits.description = "Free-form traits (snake_case keys); some senders post them as a string."
            schema = .object(properties: [
                "agentEmail": .string(description: "The Slack agent's email."),
                "agentName": .string(description: "The Slack agent's name."),
                "archiveUrl": .string(description: "Slack archive URL of the chat."),
                "extraData": extraData,
                "channelId": .string(description: "The per-visitor Slack channel id."),
                "channelName": .string(description: "The per-visitor Slack channel name."),
                "conversationUUID": .string(description: "Chatlio's conversation id."),
                "startedAt": .dateTime(description: "When the chat started."),
                "endedAt": .dateTime(description: "When the chat ended."),
                "htmlBody": .string(description: "The transcript as HTML."),
                "textBody": .string(description: "The transcript as plain text."),
                "messages": messages,
                "visitorEmail": .string(description: "The visitor's email, or empty."),
                "replyToEmail": .string(description: "The reply-to address."),
                "visitorName": .string(description: "The visitor's name."),
                "visitorTraits": visitorTraits,
                "slackTeamID": .string(description: "Slack team id (seen only in third-party code)."),
            ], required: ["conversationUUID"])
        }
        // Optional: present in what the relay sends in raw mode, absent when Chatlio posts straight to AEP.
        schema.properties?[relayEnrichmentKey] = relayEnrichmentSource
        schema.id = sourceSchemaID(for: kind)
        schema.title = "Chatlio \(kind.rawValue) webhook"
        schema.description = "The JSON body Chatlio posts for the \(kind.rawValue) webhook (\(kind.payloadShape.rawValue) shape)."
        return schema
    }

    /// The top-level key of the member the relay adds to Chatlio's body in raw
    /// mode (`XDMMapper.rawEnrichment(of:receivedAt:)` fills it). No Chatlio
    /// key starts with it.
    ///
    /// ```swift
    /// ChatlioXDM.sourceSchema(for: .visitorFeedback).properties?[ChatlioXDM.relayEnrichmentKey]   // the member's schema
    /// ```
    public static let relayEnrichmentKey = "chatlioAEP"

    /// The member the relay adds in raw mode, as it is in every source schema:
    /// the kind, the deterministic `_id`, the `eventType`, the event time and,
    /// when known, the visitor UUID.
    ///
    /// ```swift
    /// ChatlioXDM.relayEnrichmentSource.required   // ["kind", "id", "eventType", "timestamp"]
    /// ```
    public static var relayEnrichmentSource: XDMSchema {
        .object(description: "Added by the relay in raw mode; absent when Chatlio posts straight to AEP.", properties: [
            "kind": .string(description: "The webhook kind (the route the relay received it on).", enumValues: WebhookKind.allCases.map(\.rawValue)),
            "id": .string(description: "The event's deterministic _id: SHA-256 hex of the kind and the canonical payload."),
            "eventType": .string(description: "The event's XDM eventType."),
            "timestamp": .dateTime(description: "The event time (UTC, milliseconds), as XDM mode writes it."),
            "visitorUUID": .string(description: "The visitor UUID (the primary identity); for a transcript, from its conversation's earlier webhooks."),
        ], required: ["kind", "id", "eventType", "timestamp"])
    }

    /// The `visitor` object of conversation events and offline messages.
    static var visitorSource: XDMSchema {
        .object(description: "The website visitor.", properties: [
            "email": .string(description: "Email, or empty when unknown."),
            "UUID": .string(description: "Chatlio's visitor id."),
            "name": .string(description: "Name, or empty."),
            "identUserId": .string(description: "User id from _chatlio.identify, or empty."),
            "identTraits": .string(description: "Traits from _chatlio.identify as JSON text, or empty."),
            "userAgent": .string(description: "The browser's user agent."),
            "handle": .string(description: "Chatlio's generated handle."),
            "currentPage": .string(description: "The page the visitor is on."),
            "referrerURL": .string(description: "The referrer, or empty."),
            "createdAt": .dateTime(description: "When the visitor record was created."),
            "IPAddress": .string(description: "The visitor's IP address."),
            "location": .string(description: "City, region, country."),
        ], required: ["UUID"])
    }

    /// One `messages[]` item of a transcript.
    static var transcriptMessageSource: XDMSchema {
        .object(description: "One transcript message.", properties: [
            "text": .string(description: "The message text."),
            "ts": .string(description: "Slack's message timestamp, as text."),
            "sentAt": .dateTime(description: "When the message was sent."),
            "userId": .string(description: "The agent's Slack user id; empty for the visitor."),
            "username": .string(description: "The sender's display name."),
            "isVisitorMsg": .boolean(description: "Whether the visitor wrote it."),
        ], required: ["ts"])
    }
}
