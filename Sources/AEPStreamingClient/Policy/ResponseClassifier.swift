import ChatlioJSON
import Foundation

/// What one answer from the inlet means for the messages of the request, per
/// aep-streaming.md §3: a pure function of the status, the `Retry-After`
/// header and the body.
enum BatchOutcome: Sendable, Hashable {
    /// One verdict per message, in request order (200 and 207 answers).
    case perMessage([MessageVerdict], retryAfter: Date?)
    /// Every message may succeed later: 408, 429, 5xx, transport errors.
    case retryAll(status: Int?, message: String, retryAfter: Date?)
    /// Every message is refused for good: 400 on one message, 404, other 4xx.
    case rejectAll(status: Int, message: String)
    /// Too large (413), or a whole-request 400 on several messages: send the
    /// halves separately to isolate the message at fault.
    case split(status: Int, message: String)
    /// 401 or 403: refresh the token once and resend.
    case refreshAuthentication(status: Int, message: String)
    /// 501 to a `syncValidation=true` request: resend without it.
    case disableSyncValidation(message: String)
}

/// The fate of one message inside a 200 or 207 answer.
enum MessageVerdict: Sendable, Hashable {
    case delivered(xactionID: String?)
    case retry(status: Int?, message: String)
    case reject(status: Int, message: String)
}

/// Maps inlet answers to ``BatchOutcome``s.
///
/// | Answer | Outcome |
/// |---|---|
/// | 200 (single) | delivered, with `xactionId` |
/// | 2xx with `responses[]` | per message, matched by position; an entry with `status` or `statusCode` failed |
/// | 207 without a readable `responses[]` | retry every message (none is proven delivered) |
/// | 400, several messages | split |
/// | 400, one message; 404; 405; 415; 501 without syncValidation; 505; other 4xx | reject all with AEP's message |
/// | 401, 403 | refresh the token, resend once |
/// | 408, 429, 5xx, transport errors | retry all; honour `Retry-After` |
/// | 413 | split; a single message is rejected |
/// | 501 to syncValidation=true | resend without syncValidation |
enum ResponseClassifier {
    /// Statuses after which a message may succeed if sent again.
    static func isRetryable(_ status: Int) -> Bool {
        status == 408 || status == 429 || (500 ... 599).contains(status) && status != 501 && status != 505
    }

    static func classify(
        status: Int, retryAfterHeader: String?, body: Data, messageCount: Int, syncValidation: Bool, now: Date
    ) -> BatchOutcome {
        let retryAfter = retryAfterHeader.flatMap { RetryAfterHeader.resumeDate($0, now: now) }
        let json = body.isEmpty ? nil : try? JSONValue(parsing: body, options: JSONParsingOptions(maxBytes: 4 << 20, maxDepth: 64))
        switch status {
        case 200 ... 299:
            return .perMessage(verdicts(json, status: status, messageCount: messageCount), retryAfter: retryAfter)
        case 401, 403:
            return .refreshAuthentication(status: status, message: problemMessage(json, status: status))
        case 413:
            let message = problemMessage(json, status: status)
            return messageCount > 1 ? .split(status: status, message: message) : .rejectAll(status: status, message: message)
        case 400:
            let message = problemMessage(json, status: status)
            return messageCount > 1 ? .split(status: status, message: message) : .rejectAll(status: status, message: message)
        case 501 where syncValidation:
            return .disableSyncValidation(message: problemMessage(json, status: status))
        case _ where isRetryable(status):
            return .retryAll(status: status, message: problemMessage(json, status: status), retryAfter: retryAfter)
        case 400 ... 599:
            return .rejectAll(status: status, message: problemMessage(json, status: status))
        default:
            // 1xx/3xx are not expected after URLSession's redirect handling; try again later.
            return .retryAll(status: status, message: "unexpected HTTP \(status)", retryAfter: retryAfter)
        }
    }

    /// The per-message verdicts of a 2xx answer.
    static func verdicts(_ json: JSONValue?, status: Int, messageCount: Int) -> [MessageVerdict] {
        guard let entries = json?["responses"]?.arrayValue else {
            if status == 207 {
                // AEP answers 207 to success, partial success and failure alike; without the list
                // no message is proven delivered, so all go again (the inlet drops repeats by _id).
                return Array(repeating: .retry(status: nil, message: "a 207 answer without a readable responses list: no message is proven delivered"), count: messageCount)
            }
            // A single-message answer, or another 2xx without a per-message list: all accepted.
            let xactionID = messageCount == 1 ? json?["xactionId"]?.stringValue : nil
            return Array(repeating: .delivered(xactionID: xactionID), count: messageCount)
        }
        var result: [MessageVerdict] = []
        result.reserveCapacity(messageCount)
        for index in 0 ..< messageCount {
            guard index < entries.count else {
                result.append(.retry(status: nil, message: "the \(status) answer has no entry for message \(index) (\(entries.count) entries)"))
                continue
            }
            let entry = entries[index]
            // Both markers count: an entry with `"status": 200` and `"statusCode": 500` is not proven delivered.
            let present: [JSONValue] = [entry["status"], entry["statusCode"]].compactMap { $0 }
            let markers = present.map { integer($0) }
            if let failure = markers.compactMap({ $0 }).first(where: { !(200 ... 299).contains($0) }) {
                let message = words(entry["message"]) ?? "message failed with status \(failure)"
                result.append(isRetryable(failure) ? .retry(status: failure, message: message) : .reject(status: failure, message: message))
            } else if markers.contains(nil) {
                // A failure marker we cannot read as a number: not proven delivered.
                result.append(.retry(status: nil, message: words(entry["message"]) ?? "unreadable per-message status"))
            } else {
                result.append(.delivered(xactionID: entry["xactionId"]?.stringValue))
            }
        }
        return result
    }

    /// AEP's words from a problem body: `report.message`, `message`, `detail` or `title`.
    static func problemMessage(_ json: JSONValue?, status: Int) -> String {
        let candidates = [json?["report"]?["message"], json?["message"], json?["detail"], json?["title"]]
        for candidate in candidates {
            if let text = words(candidate) { return text }
        }
        if status == 403, json == nil { return "HTTP 403 with no body (an IP allowlist block, or a forbidden inlet)" }
        return "HTTP \(status)"
    }

    /// The string, unless it is empty or blank: such a message explains
    /// nothing, so the caller falls back to the next source or its own words.
    private static func words(_ value: JSONValue?) -> String? {
        guard let text = value?.stringValue, text.contains(where: { !$0.isWhitespace }) else { return nil }
        return text
    }

    /// An integer written as a JSON number or a decimal string (AEP sends `"401"`).
    private static func integer(_ value: JSONValue?) -> Int? {
        switch value {
        case .number(let number)?: number.int64Value.map { Int($0) } ?? Int(exactly: number.doubleValue.rounded(.towardZero))
        case .string(let text)?: Int(text.trimmingCharacters(in: .whitespaces))
        default: nil
        }
    }
}
