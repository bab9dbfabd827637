@testable import AEPStreamingClient
import ChatlioJSON
import Foundation
import FuzzSupport

/// How the client reads AEP's answers: `ResponseClassifier.classify`, the
/// `Retry-After` parser and the IMS token-response parser (all internal:
/// reached with `@testable import`, which run.sh enables with `-enable-testing`).
///
/// Input layout (integers big-endian):
///
/// | bytes | meaning |
/// |---|---|
/// | 0–1 | status: below 0xFF00, `100 + value % 500`; above, one of ``oddStatuses`` |
/// | 2–3 | message count: `1 + value % 600` |
/// | 4 | flags: bit 0 syncValidation, bit 1 send the `Retry-After` header, bit 2 the token endpoint answers 200 (else the status above), bit 3 the single-message endpoint (else the batch endpoint), bit 4 the body was cut at the read cap |
/// | 5–8 | now, seconds since 1970 |
/// | 9–13 | a date for the IMF-fixdate round trip: `value % 253_402_300_800` seconds since 1970 (up to 9999-12-31) |
/// | 14… | a text, a 0x00 byte, then the response body (no 0x00: all body, empty text) |
///
/// The text is the `Retry-After` header and also the client secret of the
/// token request; in the body given to the token parser every `%s` becomes
/// that secret, so error descriptions that echo it are easy to reach.
///
/// Properties: the outcome kind follows the table in ResponseClassifier.swift;
/// `.perMessage` has one verdict per message, an entry with neither `status`
/// nor `statusCode` is delivered with its `xactionId`, and no entry whose
/// `status` or `statusCode` is a non-2xx number (or decimal string) is
/// delivered; a 2xx from the batch endpoint without a readable `responses`
/// list (or with a cut body) fails the request, never delivers; statuses and messages are
/// carried (messages never blank); any resume date is in [now, now + 1e9 s];
/// an all-digits `Retry-After` means exactly now + min(seconds, 1e9);
/// IMF-fixdate round-trips, and a date `httpDate` accepts is the date its
/// fields name; the token parser accepts exactly a 200 with a non-empty
/// `access_token`, expires no earlier than now and never shows the secret.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAEPResponse(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = bytes(data, size)
    guard input.count >= 14 else { return 0 }
    func integer(_ range: Range<Int>) -> UInt64 { input[range].reduce(0) { $0 << 8 | UInt64($1) } }

    let rawStatus = Int(integer(0 ..< 2))
    let status = rawStatus < 0xFF00 ? 100 + rawStatus % 500 : oddStatuses[(rawStatus - 0xFF00) % oddStatuses.count]
    let messageCount = 1 + Int(integer(2 ..< 4)) % 600
    let flags = input[4]
    let syncValidation = flags & 1 != 0
    let sendsRetryAfter = flags & 2 != 0
    let tokenStatus = flags & 4 != 0 ? 200 : status
    let batchEndpoint = flags & 8 == 0
    let bodyTruncated = flags & 16 != 0
    let now = Date(timeIntervalSince1970: TimeInterval(integer(5 ..< 9)))
    let roundTripDate = Date(timeIntervalSince1970: TimeInterval(integer(9 ..< 14) % 253_402_300_800))
    let rest = Array(input[14...])
    let separator = rest.firstIndex(of: 0)
    let text = String(decoding: separator.map { rest[..<$0] } ?? [], as: UTF8.self)
    let body = separator.map { Array(rest[($0 + 1)...]) } ?? rest

    checkRetryAfter(text, now: now)
    checkRoundTrip(roundTripDate, now: now)
    checkClassifier(
        status: status, retryAfterHeader: sendsRetryAfter ? text : nil, body: body, bodyTruncated: bodyTruncated,
        messageCount: batchEndpoint ? messageCount : 1, batchEndpoint: batchEndpoint, syncValidation: syncValidation, now: now
    )
    checkTokenResponse(status: tokenStatus, body: replacing(Array("%s".utf8), with: Array(text.utf8), in: body), secret: text, now: now)
    return 0
}

/// Statuses no inlet should send, and the boundaries around the real ones.
private let oddStatuses = [0, -1, 1, 99, 199, 300, 399, 600, 999, 1000, 65_535, Int(Int32.max), Int.max, Int.min]

/// AEP's largest honoured `Retry-After`, in seconds (about 31 years).
private let maxDelay: TimeInterval = 1e9

private func checkRetryAfter(_ value: String, now: Date) {
    let resume = RetryAfterHeader.resumeDate(value, now: now)
    if let resume {
        require(resume >= now && resume <= now.addingTimeInterval(maxDelay), "\(value.debugDescription) resumes at \(show(resume)), now is \(show(now))")
    }
    // Delay seconds: counted here digit by digit, not with Double(_:).
    let digits = value.trimmingCharacters(in: CharacterSet(charactersIn: " \t")).utf8
    if !digits.isEmpty, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
        var seconds = 0
        for digit in digits.drop(while: { $0 == 0x30 }) {
            seconds = min(seconds * 10 + Int(digit - 0x30), 1_000_000_000)
        }
        let expected = now.addingTimeInterval(TimeInterval(seconds))
        require(resume == expected, "\(value.debugDescription) resumes at \(show(resume)), expected \(show(expected))")
    }
    // A date the parser accepts must be the one its fields name: formatting
    // it again gives the same day, month, year and time (weekdays are not
    // checked; second 60, a leap second, is the next second).
    guard let date = RetryAfterHeader.httpDate(value) else { return }
    let parts = value.split(separator: " ")
    let again = RetryAfterHeader.imfFixdate(date).split(separator: " ")
    require(parts.count == 6 && again.count == 6, "\(value.debugDescription) accepted as \(RetryAfterHeader.imfFixdate(date))")
    if parts[4].hasSuffix(":60") {
        var earlier = parts.map(String.init)
        earlier[4] = earlier[4].dropLast(2) + "59"
        let previous = earlier.joined(separator: " ")
        require(RetryAfterHeader.httpDate(previous).map { $0.addingTimeInterval(1) } == date, "leap second \(value.debugDescription) is \(show(date))")
    } else {
        require(parts[1 ... 4] == again[1 ... 4], "\(value.debugDescription) accepted as \(RetryAfterHeader.imfFixdate(date))")
    }
}

private func checkRoundTrip(_ date: Date, now: Date) {
    let text = RetryAfterHeader.imfFixdate(date)
    require(RetryAfterHeader.httpDate(text) == date, "\(text) parsed as \(show(RetryAfterHeader.httpDate(text))), not \(show(date))")
    let expected = min(max(date, now), now.addingTimeInterval(maxDelay))
    let resume = RetryAfterHeader.resumeDate(text, now: now)
    require(resume == expected, "\(text) with now \(show(now)) resumes at \(show(resume)), expected \(show(expected))")
}

/// What the table in ResponseClassifier.swift says an answer means.
private enum Kind: Equatable {
    case perMessage, requestFailed(RequestFailure.Cause), rejectAll, split, refreshAuthentication, disableSyncValidation
}

private func expectedKind(status: Int, messageCount: Int, syncValidation: Bool, batchEndpoint: Bool, hasList: Bool) -> Kind {
    switch status {
    case 200 ... 299: !batchEndpoint || hasList ? .perMessage : .requestFailed(.serverError)
    case 300 ... 399: .requestFailed(.configuration)
    case 401, 403: .refreshAuthentication
    case 400, 413: messageCount > 1 ? .split : .rejectAll
    case 501 where syncValidation: .disableSyncValidation
    case 408, 429, 503, 504: .requestFailed(.unavailable)
    case 500, 502, 506 ... 599: .requestFailed(.serverError)
    case 400 ... 499, 501, 505: .requestFailed(.configuration)
    default: .requestFailed(.unavailable)   // 1xx and statuses outside HTTP
    }
}

private func checkClassifier(
    status: Int, retryAfterHeader: String?, body: [UInt8], bodyTruncated: Bool, messageCount: Int, batchEndpoint: Bool, syncValidation: Bool, now: Date
) {
    let outcome = ResponseClassifier.classify(
        status: status, retryAfterHeader: retryAfterHeader, body: Data(body), bodyTruncated: bodyTruncated,
        messageCount: messageCount, batchEndpoint: batchEndpoint, syncValidation: syncValidation, now: now
    )
    // Described only when a property fails: a 600-verdict outcome is long.
    var context: String { "status \(status), \(messageCount) messages, batch \(batchEndpoint), cut \(bodyTruncated), sync \(syncValidation): \(outcome)" }
    let expectedRetryAfter = retryAfterHeader.flatMap { RetryAfterHeader.resumeDate($0, now: now) }
    func checkMessage(_ message: String) {
        require(message.contains { !$0.isWhitespace }, "blank message; \(context)")
    }
    func checkRetryAfter(_ date: Date?) {
        require(date == expectedRetryAfter, "retryAfter \(show(date)), the header gives \(show(expectedRetryAfter)); \(context)")
        if let date {
            require(date >= now && date <= now.addingTimeInterval(maxDelay), "retryAfter \(show(date)) outside [now, now + 1e9 s]; \(context)")
        }
    }
    func checkStatus(_ carried: Int) {
        require(carried == status, "carries status \(carried); \(context)")
    }
    let json = body.isEmpty || bodyTruncated ? nil : try? JSONValue(parsing: body, options: JSONParsingOptions(maxBytes: 4 << 20, maxDepth: 64))
    let hasList = json?["responses"]?.arrayValue != nil

    let kind: Kind
    switch outcome {
    case .perMessage(let verdicts, let retryAfter):
        kind = .perMessage
        checkRetryAfter(retryAfter)
        require(verdicts.count == messageCount, "\(verdicts.count) verdicts; \(context)")
        checkVerdicts(verdicts, status: status, body: batchEndpoint && !bodyTruncated ? body : [], context: context, checkMessage: checkMessage)
    case .requestFailed(let failure):
        kind = .requestFailed(failure.cause)
        require(failure.status == status, "carries status \(String(describing: failure.status)); \(context)")
        checkMessage(failure.message)
        checkRetryAfter(failure.retryAfter)
    case .rejectAll(let carried, let message):
        kind = .rejectAll
        checkStatus(carried)
        checkMessage(message)
    case .split(let carried, let message):
        kind = .split
        checkStatus(carried)
        checkMessage(message)
    case .refreshAuthentication(let carried, let message):
        kind = .refreshAuthentication
        checkStatus(carried)
        checkMessage(message)
    case .disableSyncValidation(let message):
        kind = .disableSyncValidation
        checkMessage(message)
    }
    let expected = expectedKind(status: status, messageCount: messageCount, syncValidation: syncValidation, batchEndpoint: batchEndpoint, hasList: hasList)
    require(kind == expected, "expected \(expected); \(context)")
}

/// Per-message verdicts against the `responses` entries, read here with the
/// classifier's parsing limits.
private func checkVerdicts(_ verdicts: [MessageVerdict], status: Int, body: [UInt8], context: @autoclosure () -> String, checkMessage: (String) -> Void) {
    for verdict in verdicts {
        switch verdict {
        case .delivered: break
        case .retry(let status, let message):
            checkMessage(message)
            if let status { require(ResponseClassifier.isRetryable(status), "retry with status \(status); \(context())") }
        case .reject(let status, let message):
            checkMessage(message)
            require(!ResponseClassifier.isRetryable(status) && !(200 ... 299).contains(status), "reject with status \(status); \(context())")
        }
    }
    let json = body.isEmpty ? nil : try? JSONValue(parsing: body, options: JSONParsingOptions(maxBytes: 4 << 20, maxDepth: 64))
    // Only batch answers with a readable list reach here with a body (single-endpoint 200s deliver).
    guard let entries = json?["responses"]?.arrayValue else { return }
    // Entries answer messages by the index ending every xactionId when those name each message once,
    // by position otherwise (written here again from the rule, not taken from the classifier).
    var bySuffix: [Int: Int] = [:]
    for (position, entry) in entries.enumerated() {
        guard let id = entry["xactionId"]?.stringValue, let cut = id.lastIndex(where: { $0 == ":" || $0 == "-" }),
              let index = Int(id[id.index(after: cut)...]), (0 ..< verdicts.count).contains(index), bySuffix[index] == nil
        else { bySuffix = [:]; break }
        bySuffix[index] = position
    }
    let useSuffix = entries.count == verdicts.count && verdicts.count > 1 && bySuffix.count == verdicts.count
    for (message, verdict) in verdicts.enumerated() {
        let index = useSuffix ? bySuffix[message] ?? message : message
        // An entry without a failure marker is the usual success: delivered, with its xactionId.
        if index < entries.count, let entry = entries[index].objectValue, entry["status"] == nil, entry["statusCode"] == nil {
            require(verdict == .delivered(xactionID: entry["xactionId"]?.stringValue), "message \(message) (entry \(index)) has no status but is \(verdict); \(context())")
        }
        guard case .delivered = verdict else { continue }
        require(index < entries.count, "message \(message) delivered without an entry (\(entries.count) entries); \(context())")
        for key in ["status", "statusCode"] {
            if let failure = failureStatus(entries[index][key]) {
                require(false, "message \(message) (entry \(index)) delivered though its \(key) is \(failure); \(context())")
            }
        }
    }
}

/// A per-message status that is a number outside [200, 300), as a JSON number
/// or a string of ASCII digits (AEP sends `"401"`).
private func failureStatus(_ value: JSONValue?) -> String? {
    switch value {
    case .number(let number)?:
        let double = number.doubleValue
        return double.isFinite && !(200 ..< 300).contains(double) ? number.text : nil
    case .string(let text)?:
        let digits = text.trimmingCharacters(in: CharacterSet(charactersIn: " "))
        guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        let value = Double(digits) ?? .infinity
        return (200 ..< 300).contains(value) ? nil : text.debugDescription
    default:
        return nil
    }
}

private func checkTokenResponse(status: Int, body: [UInt8], secret: String, now: Date) {
    let endpoint = "https://ims-na1.adobelogin.com/ims/token/v3"
    let result = TokenProvider.parseTokenResponse(status: status, body: Data(body), secret: secret, endpoint: endpoint, now: now)
    let json = try? JSONValue(parsing: body, options: JSONParsingOptions(maxBytes: 1 << 20, maxDepth: 16))
    let accessToken = json?["access_token"]?.stringValue
    switch result {
    case .success(let token):
        require(status == 200, "a \(status) answer gave a token")
        require(accessToken.map { !$0.isEmpty && token.value == Secret($0) } == true, "token differs from access_token \(String(describing: accessToken))")
        let lifetime = token.expiresAt.timeIntervalSince(now)
        require(lifetime.isFinite && lifetime >= 0, "token expires in \(lifetime) s")
        let declared: Double? = switch json?["expires_in"] {
        case .number(let number)?: number.doubleValue
        case .string(let text)?: Double(text)
        default: nil
        }
        if !(declared?.isFinite ?? false) {
            require(lifetime == 86_400, "expires_in \(String(describing: json?["expires_in"])) gave a lifetime of \(lifetime) s, not the default day")
        }
        // Whole seconds within a year are taken as they are.
        if let seconds = json?["expires_in"]?.int64Value, (0 ... 31_536_000).contains(seconds) {
            require(lifetime == TimeInterval(seconds), "expires_in \(seconds) gave a lifetime of \(lifetime) s")
        }
    case .failure(let error):
        require(status != 200 || accessToken?.isEmpty ?? true, "a 200 with access_token \(String(describing: accessToken)) failed: \(error)")
        require(error.code == .authenticationFailed, "code \(error.code)")
        // A secret the parser's own words contain ("0" in "answered 200") is no finding.
        let ownWords = AEPStreamingClientError(
            .authenticationFailed, "the token endpoint \(endpoint) answered \(status) (no error code) without an access_token"
        ).description
        let secretBytes = Array(secret.utf8)
        guard !secret.isEmpty, !contains(Array(ownWords.utf8), secretBytes) else { return }
        // Compared as bytes: a secret followed by a combining mark is still shown.
        // Split at the placeholders, so a secret inside "<redacted>" is no finding.
        for text in [error.reason, error.description] {
            for piece in text.components(separatedBy: "<redacted>") {
                require(!contains(Array(piece.utf8), secretBytes), "the secret \(secret.debugDescription) shows in \(text.debugDescription)")
            }
        }
    }
}

/// Seconds since 1970: `Date.description` is unavailable for some far dates.
private func show(_ date: Date?) -> String {
    date.map { "\($0.timeIntervalSince1970) s" } ?? "nil"
}

private func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
    guard !needle.isEmpty, haystack.count >= needle.count else { return needle.isEmpty }
    return (0 ... haystack.count - needle.count).contains { haystack[$0 ..< $0 + needle.count].elementsEqual(needle) }
}

private func replacing(_ pattern: [UInt8], with replacement: [UInt8], in bytes: [UInt8]) -> [UInt8] {
    var result: [UInt8] = []
    var index = 0
    while index < bytes.count {
        if bytes.count - index >= pattern.count, bytes[index ..< index + pattern.count].elementsEqual(pattern) {
            result += replacement
            index += pattern.count
        } else {
            result.append(bytes[index])
            index += 1
        }
    }
    return result
}
