import ChatlioWebhooks

extension EventDraft {
    /// Applies ``XDMMapper/ArrayCaps`` to the arrays filled from the payload.
    /// Runs before the size budget, which then only cuts further from the
    /// same end of `messages`.
    mutating func applyArrayCaps() {
        let caps = configuration.arrayCaps
        if let cap = caps.transcriptMessages, messages.count > cap {
            dropOldestMessages(messages.count - cap)
        }
        if let cap = caps.extraData, extraData.count > cap {
            let total = extraData.count
            extraData.removeLast(total - cap)
            droppedExtraData = total - cap
            report.trimmed.append("\(tenantNamespace).chatlio.transcript.extraData[\(cap)..<\(total)]")
        }
    }

    /// Leaves out the `count` oldest messages still in the draft: the one cut
    /// both the array cap and the size budget make, so the messages kept are
    /// always the newest, in one run, and a single `mapping.trimmed` entry
    /// (`…messages[0..<n]`, updated where it stands) and `messagesOmitted`
    /// say how many went.
    mutating func dropOldestMessages(_ count: Int) {
        let count = min(count, messages.count)
        guard count > 0 else { return }
        messages.removeFirst(count)
        droppedMessages += count
        let path = "\(tenantNamespace).chatlio.transcript.messages"
        let entry = "\(path)[0..<\(droppedMessages)]"
        if let index = report.trimmed.firstIndex(where: { $0.hasPrefix(path + "[") }) {
            report.trimmed[index] = entry
        } else {
            report.trimmed.append(entry)
        }
    }
}
