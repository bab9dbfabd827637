import ChatlioWebhooks

extension EventDraft {
    /// Where the draft's Chatlio fields go.
    var tenantNamespace: String { mapper.tenantNamespace }

    /// The whole `xdmEntity` as compact JSON, written in one pass. An object
    /// is opened only when it will hold a member, so no `{}` is written.
    func written(id: String) -> [UInt8] {
        DraftBody.borrowing(texts) { body in written(id: id, body: body) }
    }

    private func written(id: String, body: DraftBody) -> [UInt8] {
        var out = EventJSONWriter(capacity: estimatedSize)
        out.openObject()
        out.key("_id"); out.string(verbatim: id)
        out.key("timestamp"); out.string(verbatim: timestamp)
        out.key("eventType"); out.string(verbatim: kind.xdmEventType)
        out.key("producedBy"); out.literal("\"self\"")
        writeIdentityMap(into: &out, body: body)
        if writesEnvironmentType || ipV4 != nil || ipV6 != nil || userAgent != nil {
            out.key("environment"); out.openObject()
            if writesEnvironmentType { out.key("type"); out.string(configuration.environmentType) }
            if let ipV4 { out.key("ipV4"); out.string(ipV4, in: body) }
            if let ipV6 { out.key("ipV6"); out.string(ipV6, in: body) }
            if let userAgent {
                out.key("browserDetails"); out.openObject()
                out.key("userAgent"); out.string(userAgent, in: body)
                out.closeObject()
            }
            out.closeObject()
        }
        if pageURL != nil || referrerURL != nil {
            out.key("web"); out.openObject()
            if let pageURL {
                out.key("webPageDetails"); out.openObject()
                out.key("URL"); out.string(pageURL, in: body)
                out.closeObject()
            }
            if let referrerURL {
                out.key("webReferrer"); out.openObject()
                out.key("URL"); out.string(referrerURL, in: body)
                out.closeObject()
            }
            out.closeObject()
        }
        let geoCity = geoCity, geoStateProvince = geoStateProvince, geoCountryCode = geoCountryCode
        if geoCity != nil || geoStateProvince != nil || geoCountryCode != nil {
            out.key("placeContext"); out.openObject()
            out.key("geo"); out.openObject()
            if let geoCity { out.key("city"); out.string(geoCity) }
            if let geoStateProvince { out.key("stateProvince"); out.string(geoStateProvince) }
            if let geoCountryCode { out.key("countryCode"); out.string(geoCountryCode) }
            out.closeObject()
            out.closeObject()
        }
        if let personalEmail {
            out.key("personalEmail"); out.openObject()
            out.key("address"); out.string(personalEmail, in: body)
            out.closeObject()
        }
        if let fullName {
            out.key("person"); out.openObject()
            out.key("name"); out.openObject()
            out.key("fullName"); out.string(fullName, in: body)
            out.closeObject()
            out.closeObject()
        }
        out.key(named: tenantNamespace); out.openObject()
        out.key("chatlio")
        writeChatlio(into: &out, body: body)
        out.closeObject()
        out.closeObject()
        return out.finish()
    }

    /// `identityMap`: one array per namespace, items in the order found.
    private func writeIdentityMap(into out: inout EventJSONWriter, body: DraftBody) {
        guard !identities.isEmpty else { return }
        out.key("identityMap"); out.openObject()
        for (index, first) in identities.enumerated() where !identities[..<index].contains(where: { $0.namespace == first.namespace }) {
            out.key(named: first.namespace); out.openArray()
            for item in identities[index...] where item.namespace == first.namespace {
                out.element(); out.openObject()
                out.key("id"); out.string(item.id, in: body)
                out.key("primary"); out.bool(item.primary)
                out.key("authenticatedState"); out.literal(item.authenticated ? "\"authenticated\"" : "\"ambiguous\"")
                out.closeObject()
            }
            out.closeArray()
        }
        out.closeObject()
    }

    private func writeChatlio(into out: inout EventJSONWriter, body: DraftBody) {
        out.openObject()
        out.key("webhookKind"); out.string(verbatim: kind.rawValue)
        let fields = chatlio
        if let value = fields.conversationId { out.key("conversationId"); out.string(value, in: body) }
        if let value = fields.channelId { out.key("channelId"); out.string(value, in: body) }
        if let value = fields.channelName { out.key("channelName"); out.string(value, in: body) }
        if let value = fields.slackChannelId { out.key("slackChannelId"); out.string(value, in: body) }
        if let value = fields.slackChannelName { out.key("slackChannelName"); out.string(value, in: body) }
        if let value = fields.slackTeamId { out.key("slackTeamId"); out.string(value, in: body) }
        if let value = fields.message { out.key("message"); out.string(value, in: body) }
        if let value = fields.subject { out.key("subject"); out.string(value, in: body) }
        if let value = fields.emailPretty { out.key("emailPretty"); out.string(value, in: body) }
        if let value = fields.additionalFieldsJSON { out.key("additionalFieldsJSON"); out.string(value, in: body) }
        if !visitor.isEmpty { writeVisitor(into: &out, body: body) }
        if agent.name != nil || agent.email != nil {
            out.key("agent"); out.openObject()
            if let value = agent.name { out.key("name"); out.string(value, in: body) }
            if let value = agent.email { out.key("email"); out.string(value, in: body) }
            out.closeObject()
        }
        writeTranscript(into: &out, body: body)
        out.key("mapping"); out.openObject()
        out.key("mapperVersion"); out.string(verbatim: XDMMapper.version)
        out.key("timestampSource"); out.string(verbatim: report.timestampSource.rawValue)
        if report.timestampClamped { out.key("timestampClamped"); out.bool(true) }
        if !report.trimmed.isEmpty {
            out.key("trimmed"); out.openArray()
            for path in report.trimmed { out.element(); out.string(path) }
            out.closeArray()
        }
        if !report.omitted.isEmpty {
            out.key("omitted"); out.openArray()
            for path in report.omitted { out.element(); out.string(path) }
            out.closeArray()
        }
        out.closeObject()
        out.closeObject()
    }

    private func writeVisitor(into out: inout EventJSONWriter, body: DraftBody) {
        out.key("visitor"); out.openObject()
        if let value = visitor.uuid { out.key("uuid"); out.string(value, in: body) }
        if let value = visitor.handle { out.key("handle"); out.string(value, in: body) }
        if let value = visitor.identUserId { out.key("identUserId"); out.string(value, in: body) }
        if let value = visitor.name { out.key("name"); out.string(value, in: body) }
        if let value = visitor.email { out.key("email"); out.string(value, in: body) }
        if let value = visitor.ipAddress { out.key("ipAddress"); out.string(value, in: body) }
        if let value = visitor.location { out.key("location"); out.string(value, in: body) }
        if let value = visitor.identifyTraitsJSON { out.key("identifyTraitsJSON"); out.string(value, in: body) }
        if let value = visitor.createdAt { out.key("createdAt"); out.string(value, in: body) }
        out.closeObject()
    }

    private func writeTranscript(into out: inout EventJSONWriter, body: DraftBody) {
        let fields = transcript
        guard fields.startedAt != nil || fields.endedAt != nil || fields.archiveURL != nil || fields.textBody != nil
            || fields.htmlBody != nil || fields.replyToEmail != nil || fields.visitorName != nil || fields.visitorEmail != nil
            || fields.visitorTraitsJSON != nil || fields.messageCount != nil || !messages.isEmpty || droppedMessages > 0
            || !extraData.isEmpty || droppedExtraData > 0
        else { return }
        out.key("transcript"); out.openObject()
        if let value = fields.startedAt { out.key("startedAt"); out.string(value, in: body) }
        if let value = fields.endedAt { out.key("endedAt"); out.string(value, in: body) }
        if let value = fields.archiveURL { out.key("archiveURL"); out.string(value, in: body) }
        if let value = fields.textBody { out.key("textBody"); out.string(value, in: body) }
        if let value = fields.htmlBody { out.key("htmlBody"); out.string(value, in: body) }
        if let value = fields.replyToEmail { out.key("replyToEmail"); out.string(value, in: body) }
        if let value = fields.visitorName { out.key("visitorName"); out.string(value, in: body) }
        if let value = fields.visitorEmail { out.key("visitorEmail"); out.string(value, in: body) }
        if let value = fields.visitorTraitsJSON { out.key("visitorTraitsJSON"); out.string(value, in: body) }
        if let value = fields.messageCount { out.key("messageCount"); out.integer(value) }
        if !messages.isEmpty {
            out.key("messages"); out.openArray()
            for message in messages {
                out.element()
                Self.write(message, into: &out, body: body)
            }
            out.closeArray()
        }
        if droppedMessages > 0 { out.key("messagesOmitted"); out.integer(droppedMessages) }
        if !extraData.isEmpty {
            out.key("extraData"); out.openArray()
            for item in extraData { out.element(); out.string(item) }
            out.closeArray()
        }
        if droppedExtraData > 0 { out.key("extraDataOmitted"); out.integer(droppedExtraData) }
        out.closeObject()
    }

    static func write(_ message: TranscriptMessage, into out: inout EventJSONWriter, body: DraftBody) {
        out.openObject()
        if let value = message.ts { out.key("ts"); out.string(value, in: body) }
        if let value = message.sentAt { out.key("sentAt"); out.string(value, in: body) }
        if let value = message.text { out.key("text"); out.string(value, in: body) }
        if let value = message.userId { out.key("userId"); out.string(value, in: body) }
        if let value = message.username { out.key("username"); out.string(value, in: body) }
        if let value = message.isVisitorMsg { out.key("isVisitorMsg"); out.bool(value) }
        out.closeObject()
    }

    /// Room for the fixed members plus the long strings, so the buffer is
    /// allocated once (escaping rarely adds more than an eighth).
    private var estimatedSize: Int {
        // Summed field by field: an array of the fields would be a heap
        // allocation and a copy of each value, for a guess.
        var size = 1_024 &+ texts.byteCount(chatlio.message) &+ texts.byteCount(chatlio.subject) &+ texts.byteCount(chatlio.additionalFieldsJSON)
        size &+= texts.byteCount(visitor.identifyTraitsJSON) &+ texts.byteCount(userAgent) &+ texts.byteCount(pageURL) &+ texts.byteCount(referrerURL)
        size &+= texts.byteCount(transcript.textBody) &+ texts.byteCount(transcript.htmlBody) &+ texts.byteCount(transcript.visitorTraitsJSON)
        for message in messages { size &+= 96 &+ texts.byteCount(message.text) &+ texts.byteCount(message.username) }
        for item in extraData { size &+= 3 &+ item.utf8.count }
        return size &+ size / 8
    }

    /// Serializes the event, trimming it into the size budget in the
    /// documented order when needed.
    mutating func finish(id: String) throws(XDMMapperError) -> XDMExperienceEvent {
        let budget = configuration.sizeBudget.maxBytes
        var bytes = written(id: id)
        var steps = trimSteps[...]
        while bytes.count > budget {
            guard let step = steps.first else {
                throw XDMMapperError(
                    .eventTooLarge,
                    "the \(kind) event is \(bytes.count) bytes after every trim (\(report.trimmed.isEmpty ? "nothing to trim" : report.trimmed.joined(separator: ", "))), above the budget of \(budget)")
            }
            if !apply(step, excess: bytes.count - budget) { steps = steps.dropFirst() }
            bytes = written(id: id)
        }
        try checkValues(id: id)
        return XDMExperienceEvent(id: id, timestamp: timestamp, eventType: kind.xdmEventType, kind: kind, jsonBytes: bytes, report: report)
    }

    /// One way to make an event smaller.
    enum TrimStep {
        case transcriptHTMLBody
        case transcriptTextBody
        case oldestMessages
        case additionalFieldsJSON
        case transcriptVisitorTraitsJSON
        case visitorIdentifyTraitsJSON
    }

    /// The order in which fields give way to the size budget: for a
    /// transcript the HTML body, then the text body, then the oldest messages
    /// (after any the array cap already left out: the same cut, one count);
    /// then, for every kind, the JSON of unknown keys and of traits.
    var trimSteps: [TrimStep] {
        switch kind {
        case .chatTranscript: [.transcriptHTMLBody, .transcriptTextBody, .oldestMessages, .additionalFieldsJSON, .transcriptVisitorTraitsJSON]
        default: [.additionalFieldsJSON, .visitorIdentifyTraitsJSON]
        }
    }

    /// Applies a step; returns whether it can shrink the event further.
    private mutating func apply(_ step: TrimStep, excess: Int) -> Bool {
        let base = tenantNamespace + ".chatlio"
        switch step {
        case .transcriptHTMLBody:
            if transcript.htmlBody != nil { transcript.htmlBody = nil; report.trimmed.append("\(base).transcript.htmlBody") }
            return false
        case .transcriptTextBody:
            if transcript.textBody != nil { transcript.textBody = nil; report.trimmed.append("\(base).transcript.textBody") }
            return false
        case .additionalFieldsJSON:
            if chatlio.additionalFieldsJSON != nil { chatlio.additionalFieldsJSON = nil; report.trimmed.append("\(base).additionalFieldsJSON") }
            return false
        case .transcriptVisitorTraitsJSON:
            if transcript.visitorTraitsJSON != nil { transcript.visitorTraitsJSON = nil; report.trimmed.append("\(base).transcript.visitorTraitsJSON") }
            return false
        case .visitorIdentifyTraitsJSON:
            if visitor.identifyTraitsJSON != nil { visitor.identifyTraitsJSON = nil; report.trimmed.append("\(base).visitor.identifyTraitsJSON") }
            return false
        case .oldestMessages:
            guard !messages.isEmpty else { return false }
            // Drop enough of the oldest messages to cover the excess, plus room
            // for the note that records it; the caller re-measures.
            let messages = messages
            let count = DraftBody.borrowing(texts) { body in
                var freed = 0
                var count = 0
                var scratch = EventJSONWriter(capacity: 256)
                while count < messages.count, freed < excess + 64 {
                    let before = scratch.count
                    Self.write(messages[count], into: &scratch, body: body)
                    freed += scratch.count - before + 1
                    count += 1
                }
                return count
            }
            dropOldestMessages(count)
            return !messages.isEmpty
        }
    }
}
