import ChatlioJSON
import ChatlioWebhooks

extension EventDraft {
    /// Checks the values the event will carry against the schema's rules
    /// (``XDMMapper/ValueChecks``), after trimming, so only what is written
    /// is checked.
    ///
    /// - Throws: ``XDMMapperError/Code/invalidValue`` naming the field's JSON
    ///   pointer and what is wrong with its value.
    func checkValues(id: String) throws(XDMMapperError) {
        try DraftBody.borrowing(texts) { (body) throws(XDMMapperError) in try checkValues(id: id, body: body) }
    }

    private func checkValues(id: String, body: DraftBody) throws(XDMMapperError) {
        let checks = mapper.valueChecks
        if writesEnvironmentType, let problem = checks.environmentTypeProblem {
            throw invalid(.environmentType, problem)
        }
        for (field, rule) in checks.active { try checkField(field, rule, body: body, id: id) }
    }

    /// Checks the values written in `field` against its rule.
    private func checkField(_ field: XDMMapper.ValueChecks.Field, _ rule: XDMMapper.ValueChecks.Rule, body: DraftBody, id: String) throws(XDMMapperError) {
        switch field {
        case .id: try check(id, field, rule)
        case .timestamp: try check(timestamp, field, rule)
        case .identityID:
            for item in identities { try check(item.id, field, rule, in: body, key: item.namespace) }
        case .environmentType: break
        case .ipV4: try check(ipV4, field, rule, in: body)
        case .ipV6: try check(ipV6, field, rule, in: body)
        case .userAgent: try check(userAgent, field, rule, in: body)
        case .pageURL: try check(pageURL, field, rule, in: body)
        case .referrerURL: try check(referrerURL, field, rule, in: body)
        case .geoCity: try check(geoCity, field, rule)
        case .geoStateProvince: try check(geoStateProvince, field, rule)
        case .geoCountryCode: try check(geoCountryCode, field, rule)
        case .personalEmail: try check(personalEmail, field, rule, in: body)
        case .fullName: try check(fullName, field, rule, in: body)
        case .conversationId: try check(chatlio.conversationId, field, rule, in: body)
        case .channelId: try check(chatlio.channelId, field, rule, in: body)
        case .channelName: try check(chatlio.channelName, field, rule, in: body)
        case .slackChannelId: try check(chatlio.slackChannelId, field, rule, in: body)
        case .slackChannelName: try check(chatlio.slackChannelName, field, rule, in: body)
        case .slackTeamId: try check(chatlio.slackTeamId, field, rule, in: body)
        case .message: try check(chatlio.message, field, rule, in: body)
        case .subject: try check(chatlio.subject, field, rule, in: body)
        case .emailPretty: try check(chatlio.emailPretty, field, rule, in: body)
        case .additionalFieldsJSON: try check(chatlio.additionalFieldsJSON, field, rule, in: body)
        case .visitorUUID: try check(visitor.uuid, field, rule, in: body)
        case .visitorHandle: try check(visitor.handle, field, rule, in: body)
        case .visitorIdentUserId: try check(visitor.identUserId, field, rule, in: body)
        case .visitorName: try check(visitor.name, field, rule, in: body)
        case .visitorEmail: try check(visitor.email, field, rule, in: body)
        case .visitorIPAddress: try check(visitor.ipAddress, field, rule, in: body)
        case .visitorLocation: try check(visitor.location, field, rule, in: body)
        case .visitorTraits: try check(visitor.identifyTraitsJSON, field, rule, in: body)
        case .visitorCreatedAt: try check(visitor.createdAt, field, rule, in: body)
        case .agentName: try check(agent.name, field, rule, in: body)
        case .agentEmail: try check(agent.email, field, rule, in: body)
        case .startedAt: try check(transcript.startedAt, field, rule, in: body)
        case .endedAt: try check(transcript.endedAt, field, rule, in: body)
        case .archiveURL: try check(transcript.archiveURL, field, rule, in: body)
        case .textBody: try check(transcript.textBody, field, rule, in: body)
        case .htmlBody: try check(transcript.htmlBody, field, rule, in: body)
        case .replyToEmail: try check(transcript.replyToEmail, field, rule, in: body)
        case .transcriptVisitorName: try check(transcript.visitorName, field, rule, in: body)
        case .transcriptVisitorEmail: try check(transcript.visitorEmail, field, rule, in: body)
        case .transcriptTraits: try check(transcript.visitorTraitsJSON, field, rule, in: body)
        case .messageTS: for (index, item) in messages.enumerated() { try check(item.ts, field, rule, in: body, index: index) }
        case .messageSentAt: for (index, item) in messages.enumerated() { try check(item.sentAt, field, rule, in: body, index: index) }
        case .messageText: for (index, item) in messages.enumerated() { try check(item.text, field, rule, in: body, index: index) }
        case .messageUserId: for (index, item) in messages.enumerated() { try check(item.userId, field, rule, in: body, index: index) }
        case .messageUsername: for (index, item) in messages.enumerated() { try check(item.username, field, rule, in: body, index: index) }
        case .extraDataItem: for (index, item) in extraData.enumerated() { try check(item, field, rule, index: index) }
        case .trimmedItem: for (index, item) in report.trimmed.enumerated() { try check(item, field, rule, index: index) }
        case .omittedItem: for (index, item) in report.omitted.enumerated() { try check(item, field, rule, index: index) }
        case .messageCount:
            if let count = transcript.messageCount, let problem = rule.problem(count) { throw invalid(field, problem) }
        case .messagesOmitted:
            if droppedMessages > 0, let problem = rule.problem(droppedMessages) { throw invalid(field, problem) }
        case .extraDataOmitted:
            if droppedExtraData > 0, let problem = rule.problem(droppedExtraData) { throw invalid(field, problem) }
        }
    }

    private func check(_ value: String?, _ field: XDMMapper.ValueChecks.Field, _ rule: XDMMapper.ValueChecks.Rule, index: Int? = nil, key: String? = nil) throws(XDMMapperError) {
        guard let value, let problem = rule.problem(value) else { return }
        throw invalid(field, problem, index: index, key: key)
    }

    private func check(_ value: DraftText?, _ field: XDMMapper.ValueChecks.Field, _ rule: XDMMapper.ValueChecks.Rule, in body: DraftBody,
                       index: Int? = nil, key: String? = nil) throws(XDMMapperError) {
        guard let value, let problem = body.withUTF8(value, { rule.problem(utf8: $0) }) else { return }
        throw invalid(field, problem, index: index, key: key)
    }

    /// The error for `field`, its pointer made concrete (tenant, array index, map key).
    private func invalid(_ field: XDMMapper.ValueChecks.Field, _ problem: String, index: Int? = nil, key: String? = nil) -> XDMMapperError {
        let pointer = field.rawValue.split(separator: "/").map { component -> String in
            switch component {
            case "T": tenantNamespace
            case "[]": index.map(String.init) ?? "0"
            case "*": JSONPointer.escape(key ?? "")
            default: String(component)
            }
        }
        let text = "/" + pointer.joined(separator: "/")
        return XDMMapperError(.invalidValue, "the mapped event fails the XDM schema: \(text) is \(problem)", pointer: text)
    }
}
