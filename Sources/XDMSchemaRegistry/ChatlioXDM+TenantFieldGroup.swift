internal import ChatlioJSON
internal import ChatlioWebhooks

// THE CONTRACT WITH THE MAPPER.
//
// Everything Chatlio-specific a mapped ExperienceEvent may carry lives under
// `_{tenantID}.chatlio`, defined here and nowhere else. Every field is optional
// and every object is closed: a field not listed here is a validation error.
// Documentation/Schemas.md lists the same fields in a table.

extension ChatlioXDM {
    /// The `chatlio` object placed under `_{tenantID}`: the mapper contract.
    ///
    /// ```swift
    /// let fields = ChatlioXDM.chatlioFields
    /// fields.properties?["visitor"]?.properties?["createdAt"]?.format   // "date-time"
    /// ```
    public static var chatlioFields: XDMSchema {
        func text(_ title: String, _ description: String) -> XDMSchema {
            .string(title: title, description: description)
        }
        func time(_ title: String, _ description: String) -> XDMSchema {
            .dateTime(title: title, description: description)
        }
        func group(_ title: String, _ description: String, _ properties: [String: XDMSchema]) -> XDMSchema {
            .object(title: title, description: description, properties: properties, closed: true)
        }

        let visitor = group("Visitor", "The website visitor, from the payload's visitor object.", [
            "uuid": text("Visitor UUID", "Chatlio's visitor id (visitor.UUID)."),
            "handle": text("Handle", "Chatlio's generated visitor handle, such as united-states-27."),
            "identUserId": text("Identified user id", "The user id the site passed to _chatlio.identify."),
            "name": text("Name", "The visitor's name."),
            "email": text("Email", "The visitor's email address as Chatlio sent it."),
            "ipAddress": text("IP address", "The visitor's IP address when it cannot go to environment.ipV4/ipV6: hashed by policy, or not a valid address."),
            "location": text("Location", "Free-text location: city, region, country."),
            "currentPage": text("Current page", "The page the visitor was on."),
            "referrerURL": text("Referrer URL", "The page that referred the visitor."),
            "identifyTraitsJSON": text("Identify traits (JSON)", "The traits passed to _chatlio.identify, as JSON text (XDM custom fields cannot be free-form maps)."),
            "createdAt": time("Created at", "When Chatlio created the visitor record."),
        ])
        let agent = group("Agent", "The Slack agent who answered (transcripts).", [
            "name": text("Name", "The agent's name."),
            "email": text("Email", "The agent's email address."),
        ])
        let message = group("Transcript message", "One message of a transcript.", [
            "ts": text("Slack timestamp", "Slack's message id (seconds.microseconds), kept as text."),
            "sentAt": time("Sent at", "When the message was sent."),
            "text": text("Text", "The message text."),
            "userId": text("Slack user id", "The agent's Slack user id; absent for visitor messages."),
            "username": text("User name", "The sender's display name."),
            "isVisitorMsg": .boolean(title: "Sent by the visitor", description: "Whether the visitor wrote this message."),
        ])
        let transcript = group("Transcript", "The chat transcript (chat-transcript webhooks).", [
            "startedAt": time("Started at", "When the chat started."),
            "endedAt": time("Ended at", "When the chat ended."),
            "archiveURL": text("Archive URL", "The Slack archive of the chat (archiveUrl)."),
            "textBody": text("Text body", "The whole transcript as plain text."),
            "htmlBody": text("HTML body", "The whole transcript as HTML."),
            "replyToEmail": text("Reply-to email", "The address replies go to."),
            "visitorName": text("Visitor name", "The visitor's name in the transcript."),
            "visitorEmail": text("Visitor email", "The visitor's email in the transcript."),
            "visitorTraitsJSON": text("Visitor traits (JSON)", "The transcript's visitorTraits, as JSON text."),
            "messageCount": .integer(title: "Message count", description: "How many messages the transcript has.", minimum: 0),
            "extraData": .array(of: .string(), title: "Extra data", description: "Chatlio's extraData strings (the first ones when capped)."),
            "extraDataOmitted": .integer(title: "Extra data omitted", description: "How many of the last extraData strings an array cap left out.", minimum: 1),
            "messages": .array(of: message, title: "Messages", description: "The transcript's messages (the newest ones when capped or trimmed)."),
            "messagesOmitted": .integer(title: "Messages omitted", description: "How many of the oldest messages an array cap or the size budget left out; messageCount keeps the real count.", minimum: 1),
        ])
        let mapping = group("Mapping", "How the mapper produced this event.", [
            "trimmed": .array(of: .string(), title: "Trimmed", description: "XDM paths of values the mapper shortened."),
            "omitted": .array(of: .string(), title: "Omitted", description: "XDM paths of values the mapper left out (empty or invalid)."),
            "timestampClamped": .boolean(title: "Timestamp clamped", description: "Whether a future timestamp was replaced by the receive time."),
            "timestampSource": .string(title: "Timestamp source", description: "Where timestamp came from: the payload or the time it was received.",
                                       enumValues: ["payload", "received"]),
            "mapperVersion": text("Mapper version", "The version of the mapper that produced the event."),
        ])
        return group("Chatlio", "Chatlio live-chat data.", [
            "webhookKind": .string(title: "Webhook kind", description: "Which Chatlio webhook posted the data.",
                                   enumValues: WebhookKind.allCases.map(\.rawValue)),
            "conversationId": text("Conversation id", "Chatlio's conversation id (conversationUUID)."),
            "channelId": text("Channel id", "The Slack channel id of the conversation."),
            "channelName": text("Channel name", "The Slack channel name of the conversation."),
            "slackChannelId": text("Slack channel id", "The widget's Slack channel id."),
            "slackChannelName": text("Slack channel name", "The widget's Slack channel name."),
            "slackTeamId": text("Slack team id", "The Slack team id (slackTeamID)."),
            "message": text("Message", "The visitor's message, offline message or feedback text."),
            "subject": text("Subject", "The offline message's subject."),
            "emailPretty": text("Display address", "The offline message's display address, such as \"Bob Smith\" <bob@example.com>."),
            "visitor": visitor,
            "agent": agent,
            "transcript": transcript,
            "additionalFieldsJSON": text("Additional fields (JSON)", "Chatlio keys the models did not know, as a JSON object in text."),
            "mapping": mapping,
        ])
    }

    /// The tenant field group in AEP's form: `meta:intendedToExtend` the
    /// ExperienceEvent class, the fields under
    /// `definitions.chatlio.properties._{tenantID}.chatlio`, referenced from `allOf`.
    ///
    /// ```swift
    /// let group = chatlio.tenantFieldGroup
    /// group.meta["meta:intendedToExtend"]   // ["https://ns.adobe.com/xdm/context/experienceevent"]
    /// ```
    public var tenantFieldGroup: XDMSchema {
        let tenant = XDMSchema.object(
            title: "Tenant \(tenantID)",
            description: "Fields of tenant \(tenantID).",
            properties: ["chatlio": Self.chatlioFields],
            closed: true
        )
        var definition = XDMSchema()
        definition.properties = [tenantNamespace: tenant]
        var group = XDMSchema()
        group.id = fieldGroupID
        group.title = "Chatlio"
        group.description = "Chatlio live-chat webhook data."
        group.types = [.object]
        group.meta["meta:intendedToExtend"] = [.string(StandardXDM.experienceEventID)]
        group.definitions = ["chatlio": definition]
        group.allOf = [.reference("#/definitions/chatlio")]
        return group
    }
}
