import ChatlioJSON
import Foundation

/// One dead letter on disk: a one-line JSON header (the ``DeadLetterEntry``),
/// a newline, then the payload bytes exactly as sent. A person can read it
/// with `head -1`; the payload needs no escaping and keeps every byte.
enum DeadLetterFileFormat {
    static let version = 1

    static func encode(_ letter: DeadLetter) -> [UInt8] {
        let entry = letter.entry
        var header: JSONObject = [
            "version": .number(JSONNumber(version)),
            "id": .string(entry.id),
            "reason": .string(entry.reason),
            "attempts": .number(JSONNumber(entry.attempts)),
            "enqueuedAtMs": .number(JSONNumber(milliseconds(entry.enqueuedAt))),
            "deadLetteredAtMs": .number(JSONNumber(milliseconds(entry.deadLetteredAt))),
            "payloadBytes": .number(JSONNumber(letter.payload.count)),
        ]
        if let kind = entry.kind { header["kind"] = .string(kind) }
        if let status = entry.status { header["status"] = .number(JSONNumber(status)) }
        if let firstSentAt = entry.firstSentAt { header["firstSentAtMs"] = .number(JSONNumber(milliseconds(firstSentAt))) }
        var writer = JSONWriter(capacity: 256 + letter.payload.count)
        writer.write(.object(header), sortedKeys: true)
        var bytes = writer.bytes
        bytes.append(UInt8(ascii: "\n"))
        bytes.append(contentsOf: letter.payload)
        return bytes
    }

    /// The header and where the payload starts; `nil` for a file that is not a
    /// whole letter. `bytes` holds at least the header line of a file of `fileSize` bytes.
    static func decodeHeader(_ bytes: [UInt8], fileSize: Int) -> (entry: DeadLetterEntry, payloadOffset: Int)? {
        guard let newline = bytes.firstIndex(of: UInt8(ascii: "\n")),
              let value = try? JSONValue(parsing: Data(bytes[..<newline]), options: JSONParsingOptions(maxBytes: 64 << 10, maxDepth: 4)),
              value["version"]?.int64Value == Int64(version),
              let id = value["id"]?.stringValue, let reason = value["reason"]?.stringValue,
              let attempts = value["attempts"]?.int64Value, let enqueued = value["enqueuedAtMs"]?.int64Value,
              let deadLettered = value["deadLetteredAtMs"]?.int64Value, let payloadBytes = value["payloadBytes"]?.int64Value,
              payloadBytes == Int64(fileSize - newline - 1)
        else { return nil }
        let entry = DeadLetterEntry(
            id: id, kind: value["kind"]?.stringValue, status: value["status"]?.int64Value.map { Int($0) }, reason: reason, attempts: Int(attempts),
            enqueuedAt: date(enqueued), firstSentAt: value["firstSentAtMs"]?.int64Value.map(date), deadLetteredAt: date(deadLettered),
            payloadBytes: Int(payloadBytes)
        )
        return (entry, newline + 1)
    }

    private static func milliseconds(_ date: Date) -> Int64 {
        let value = (date.timeIntervalSince1970 * 1000).rounded()
        return value.isFinite ? Int64(max(-9e15, min(9e15, value))) : 0
    }

    private static func date(_ milliseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }
}
