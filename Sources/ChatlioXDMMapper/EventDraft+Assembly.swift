import ChatlioWebhooks

extension EventDraft {
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
        root.set("identityMap", identityMap)
        var environment = environment
        environment.set("browserDetails", browserDetails)
        root.set("environment", environment)
        var web = JSONObject()
        web.set("webPageDetails", webPageDetails)
        web.set("webReferrer", webReferrer)
        root.set("web", web)
        if !geo.isEmpty { root["placeContext"] = ["geo": .object(geo)] }
        if let personalEmail { root["personalEmail"] = ["address": .string(personalEmail)] }
        if let fullName { root["person"] = ["name": ["fullName": .string(fullName)]] }

        var chatlio = chatlio
        chatlio.set("visitor", visitor)
        chatlio.set("agent", agent)
        var transcript = transcript
        if !messages.isEmpty { transcript["messages"] = .array(messages) }
        if droppedMessages > 0 { transcript["messagesOmitted"] = .number(JSONNumber(droppedMessages)) }
        if !extraData.isEmpty { transcript["extraData"] = .array(extraData) }
        if droppedExtraData > 0 { transcript["extraDataOmitted"] = .number(JSONNumber(droppedExtraData)) }
        chatlio.set("transcript", transcript)
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
    mutating func finish(id: String) throws(XDMMapperError) -> XDMExperienceEvent {
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
        return XDMExperienceEvent(id: id, timestamp: timestamp, eventType: kind.xdmEventType, kind: kind, value: value, jsonBytes: bytes, report: report)
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
