@testable import AEPStreamingClient
@_spi(ChatlioAEPInternal) import ChatlioJSON
import Foundation

/// The classifier as it was before it read answers from a `JSONTape`: the
/// same rules over a `JSONValue` tree. Kept as the oracle the tape-reading
/// `ResponseClassifier` is compared against (ResponseClassifier+ReferenceTests),
/// outcome for outcome.
enum ReferenceResponseClassifier {
    /// Statuses after which a message may succeed if sent again.
    static func isRetryable(_ status: Int) -> Bool {
        status == 408 || status == 429 || (500 ... 599).contains(status) && status != 501 && status != 505
    }

    static func classify(
        status: Int, retryAfterHeader: String?, locationHeader: String? = nil, body: Data, bodyTruncated: Bool = false,
        messageCount: Int, batchEndpoint: Bool, syncValidation: Bool, now: Date
    ) -> BatchOutcome {
        let retryAfter = retryAfterHeader.flatMap { RetryAfterHeader.resumeDate($0, now: now) }
        // A body cut at the transport's cap is not a document: it proves nothing about any message.
        let json = body.isEmpty || bodyTruncated ? nil : try? JSONValue(parsing: body, options: JSONParsingOptions(maxBytes: 4 << 20, maxDepth: 64))
        func failed(_ cause: RequestFailure.Cause, _ message: String) -> BatchOutcome {
            .requestFailed(RequestFailure(cause: cause, status: status, message: message, retryAfter: retryAfter))
        }
        switch status {
        case 200 ... 299 where !batchEndpoint:
            return .perMessage(Array(repeating: .delivered(xactionID: json?["xactionId"]?.stringValue), count: messageCount), retryAfter: retryAfter)
        case 200 ... 299:
            guard let entries = json?["responses"]?.arrayValue else {
                // AEP documents one answer to a batch: 207 with one entry per message, for success,
                // partial success and failure alike (help/ingestion/tutorials/streaming-multiple-messages.md).
                // Without the list no message is proven delivered. Sending again is safe for Profile,
                // which drops a repeated _id; the data lake keeps both copies (aep-streaming.md §4).
                let shape = bodyTruncated ? "a body cut at the read cap" : "no readable responses list"
                return failed(.serverError, "HTTP \(status) with \(shape): no message is proven delivered")
            }
            return .perMessage(verdicts(entries, status: status, messageCount: messageCount), retryAfter: retryAfter)
        case 300 ... 399:
            let target = locationHeader.map { " to \(URL(string: $0).map(URLSessionTransport.describe) ?? "an unreadable Location")" } ?? " without a Location"
            return failed(.configuration, "HTTP \(status) redirect\(target), not followed: set the inlet URL Flow Service gives (events stay queued)")
        case 401, 403:
            return .refreshAuthentication(status: status, message: problemMessage(json, status: status))
        case 400, 413:
            let message = problemMessage(json, status: status)
            return messageCount > 1 ? .split(status: status, message: message) : .rejectAll(status: status, message: message)
        case 501 where syncValidation:
            return .disableSyncValidation(message: problemMessage(json, status: status))
        case 408, 429, 503, 504:
            return failed(.unavailable, problemMessage(json, status: status))
        case 500 ... 599 where status != 501 && status != 505:
            return failed(.serverError, problemMessage(json, status: status))
        case 400 ... 599:
            return failed(.configuration, problemMessage(json, status: status))
        default:
            return failed(.unavailable, "unexpected HTTP \(status)")
        }
    }

    /// The per-message verdicts of a batch answer's `responses` list: matched
    /// by the message index that ends each `xactionId` when every entry has
    /// one and they name each message once, by position otherwise.
    static func verdicts(_ entries: [JSONValue], status: Int, messageCount: Int) -> [MessageVerdict] {
        let order = entryOrder(entries, messageCount: messageCount)
        var result: [MessageVerdict] = []
        result.reserveCapacity(messageCount)
        for messageIndex in 0 ..< messageCount {
            let index = order?[messageIndex] ?? messageIndex
            guard index < entries.count else {
                result.append(.retry(status: nil, message: "the \(status) answer has no entry for message \(messageIndex) (\(entries.count) entries)"))
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

    /// Which entry answers each message, from the index suffix of every
    /// entry's `xactionId` (`1565628583792:1485:153:0`, or `…-4d06a58d2dc7-0`
    /// as Adobe's Kafka connector reads it, AEPPublisher.java); `nil` unless
    /// the suffixes name each message exactly once. The docs' own partial-failure
    /// example has failure entries without an `xactionId` and a success entry
    /// whose suffix is not its position
    /// (help/ingestion/tutorials/streaming-multiple-messages.md), so anything
    /// short of a complete, consistent set falls back to the documented order.
    static func entryOrder(_ entries: [JSONValue], messageCount: Int) -> [Int]? {
        guard entries.count == messageCount, messageCount > 1 else { return nil }
        var order = [Int](repeating: -1, count: messageCount)
        for (position, entry) in entries.enumerated() {
            guard let id = entry["xactionId"]?.stringValue,
                  let separator = id.lastIndex(where: { $0 == ":" || $0 == "-" }),
                  let index = Int(id[id.index(after: separator)...]), index >= 0, index < messageCount, order[index] == -1
            else { return nil }
            order[index] = position
        }
        return order
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
