@_spi(ChatlioAEPInternal) import ChatlioJSON
import Foundation

/// Maps inlet answers to ``BatchOutcome``s.
///
/// | Answer | Outcome |
/// |---|---|
/// | 200 (single) | delivered, with `xactionId` |
/// | 2xx with `responses[]` | per message, matched by position; an entry with `status` or `statusCode` failed |
/// | 207 without a readable `responses[]` | retry every message (none is proven delivered) |
/// | 400 or 413, several messages | split |
/// | 400 or 413, one message | reject: dead letter with AEP's message |
/// | 401, 403 | refresh the token, resend once; then a configuration failure |
/// | 501 to syncValidation=true | resend without syncValidation |
/// | no answer, 408, 429, 503, 504 | request failed, inlet unavailable; `Retry-After` honoured |
/// | other 5xx | request failed, server error (poison isolation applies) |
/// | 3xx, other 4xx | request failed, configuration (status and `Location` named) |
enum ResponseClassifier {
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
        // Indexed once, read from its bytes: a 500-entry answer builds no tree and no dictionary.
        let json = body.isEmpty || bodyTruncated ? nil : try? JSONTape(parsing: body, options: JSONParsingOptions(maxBytes: 4 << 20, maxDepth: 64))
        func failed(_ cause: RequestFailure.Cause, _ message: String) -> BatchOutcome {
            .requestFailed(RequestFailure(cause: cause, status: status, message: message, retryAfter: retryAfter))
        }
        switch status {
        case 200 ... 299 where !batchEndpoint:
            let xactionID = json.flatMap { tape in tape.member("xactionId", inObjectAt: 0).flatMap { tape.stringValue(at: $0) } }
            return .perMessage(Array(repeating: .delivered(xactionID: xactionID), count: messageCount), retryAfter: retryAfter)
        case 200 ... 299:
            guard let json, let list = json.member("responses", inObjectAt: 0), json.entries[list].kind == .array else {
                // AEP documents one answer to a batch: 207 with one entry per message, for success,
                // partial success and failure alike (help/ingestion/tutorials/streaming-multiple-messages.md).
                // Without the list no message is proven delivered. Sending again is safe for Profile,
                // which drops a repeated _id; the data lake keeps both copies (aep-streaming.md §4).
                let shape = bodyTruncated ? "a body cut at the read cap" : "no readable responses list"
                return failed(.serverError, "HTTP \(status) with \(shape): no message is proven delivered")
            }
            return .perMessage(verdicts(json, list: list, status: status, messageCount: messageCount), retryAfter: retryAfter)
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

    /// The per-message verdicts of a batch answer's `responses` list (the
    /// array at entry `list`): matched by the message index that ends each
    /// `xactionId` when every entry has one and they name each message once,
    /// by position otherwise.
    static func verdicts(_ tape: JSONTape, list: Int, status: Int, messageCount: Int) -> [MessageVerdict] {
        let entries = Array(tape.elements(ofArrayAt: list))
        let order = entryOrder(tape, entries: entries, messageCount: messageCount)
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
            let present = [tape.member("status", inObjectAt: entry), tape.member("statusCode", inObjectAt: entry)].compactMap { $0 }
            let markers = present.map { integer(tape, at: $0) }
            if let failure = markers.compactMap({ $0 }).first(where: { !(200 ... 299).contains($0) }) {
                let message = words(tape, tape.member("message", inObjectAt: entry)) ?? "message failed with status \(failure)"
                result.append(isRetryable(failure) ? .retry(status: failure, message: message) : .reject(status: failure, message: message))
            } else if markers.contains(nil) {
                // A failure marker we cannot read as a number: not proven delivered.
                result.append(.retry(status: nil, message: words(tape, tape.member("message", inObjectAt: entry)) ?? "unreadable per-message status"))
            } else {
                result.append(.delivered(xactionID: tape.member("xactionId", inObjectAt: entry).flatMap { tape.stringValue(at: $0) }))
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
    static func entryOrder(_ tape: JSONTape, entries: [Int], messageCount: Int) -> [Int]? {
        guard entries.count == messageCount, messageCount > 1 else { return nil }
        var order = [Int](repeating: -1, count: messageCount)
        for (position, entry) in entries.enumerated() {
            guard let id = tape.member("xactionId", inObjectAt: entry), let index = tape.indexSuffix(ofStringAt: id),
                  index < messageCount, order[index] == -1
            else { return nil }
            order[index] = position
        }
        return order
    }

    /// AEP's words from a problem body: `report.message`, `message`, `detail` or `title`.
    static func problemMessage(_ json: JSONTape?, status: Int) -> String {
        if let json {
            let report = json.member("report", inObjectAt: 0)
            let candidates = [
                report.flatMap { json.member("message", inObjectAt: $0) }, json.member("message", inObjectAt: 0),
                json.member("detail", inObjectAt: 0), json.member("title", inObjectAt: 0),
            ]
            for candidate in candidates {
                if let text = words(json, candidate) { return text }
            }
        }
        if status == 403, json == nil { return "HTTP 403 with no body (an IP allowlist block, or a forbidden inlet)" }
        return "HTTP \(status)"
    }

    /// The string at `index`, unless it is empty or blank: such a message
    /// explains nothing, so the caller falls back to the next source or its own words.
    private static func words(_ tape: JSONTape, _ index: Int?) -> String? {
        guard let index, let text = tape.stringValue(at: index), text.contains(where: { !$0.isWhitespace }) else { return nil }
        return text
    }

    /// An integer written as a JSON number or a decimal string (AEP sends `"401"`).
    private static func integer(_ tape: JSONTape, at index: Int) -> Int? {
        switch tape.entries[index].kind {
        case .number:
            let number = tape.number(at: index)
            return number.int64Value.map { Int($0) } ?? Int(exactly: number.doubleValue.rounded(.towardZero))
        case .string:
            return Int(tape.string(at: index).trimmingCharacters(in: .whitespaces))
        default:
            return nil
        }
    }
}

extension JSONTape {
    /// The string at `index`, or `nil` when the entry is not a string.
    fileprivate func stringValue(at index: Int) -> String? {
        entries[index].kind == .string ? string(at: index) : nil
    }

    /// The decimal index after the last `:` or `-` of the string at `index`
    /// (an `xactionId`), read as `Int(_:)` reads the text after it: digits
    /// only, an optional leading `+` (a `-` would be the separator), no overflow.
    fileprivate func indexSuffix(ofStringAt index: Int) -> Int? {
        let entry = entries[index]
        guard entry.kind == .string else { return nil }
        // Escapes or bytes above 0x7F: decoded, and split by `Character` as `String` does (a `:` can join
        // the grapheme before it). Neither is what AEP sends.
        guard entry.isPlainASCII else {
            let id = string(at: index)
            guard let separator = id.lastIndex(where: { $0 == ":" || $0 == "-" }), let value = Int(id[id.index(after: separator)...]), value >= 0 else {
                return nil
            }
            return value
        }
        return bytes.withUnsafeBufferPointer { buffer -> Int? in
            let start = Int(entry.start)
            var separator = Int(entry.end) - 1
            while separator >= start, buffer[separator] != UInt8(ascii: ":"), buffer[separator] != UInt8(ascii: "-") { separator -= 1 }
            guard separator >= start else { return nil }
            var digit = separator + 1
            if digit < Int(entry.end), buffer[digit] == UInt8(ascii: "+") { digit += 1 }
            guard digit < Int(entry.end) else { return nil }
            var value = 0
            while digit < Int(entry.end) {
                let byte = buffer[digit]
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times10.addingReportingOverflow(Int(byte - UInt8(ascii: "0")))
                guard !overflow1, !overflow2 else { return nil }
                value = sum
                digit += 1
            }
            return value
        }
    }
}
