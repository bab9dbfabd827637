import ChatlioJSON
public import AEPStreamingClient
public import ChatlioWebhooks
public import Foundation

/// The JSON shapes `chatlio-aep-admin --json` prints and the relay's `/admin`
/// endpoints answer: one definition, so the two never disagree.
///
/// ```swift
/// let line = ChatlioStateAdministration.json(letter).serialized(sortedKeys: true)
/// ```
extension ChatlioStateAdministration {
    /// `{"state", "outbox": {"events", "bytes", "oldest"}, "deadLetters": {"count", "bytes", "oldest"}, "quarantine": {"count", "bytes"}}`;
    /// times are RFC 3339 UTC or `null`.
    public static func json(_ status: Status) -> JSONValue {
        .object([
            "state": status.state.map(JSONValue.string) ?? .null,
            "outbox": .object([
                "events": number(status.outbox.events), "bytes": number(status.outbox.bytes), "oldest": time(status.outbox.oldest),
            ]),
            "deadLetters": .object([
                "count": number(status.deadLetters.count), "bytes": number(status.deadLetters.bytes), "oldest": time(status.deadLetters.oldest),
            ]),
            "quarantine": .object(["count": number(status.quarantine.count), "bytes": number(status.quarantine.bytes)]),
        ])
    }

    /// A dead letter's facts; with `payload`, also `"payload"`: the payload as
    /// JSON (the xdmEntity or the raw body), or — should it not parse — `null`
    /// and the bytes as text in `"payloadText"`.
    public static func json(_ entry: DeadLetterEntry, payload: Data? = nil) -> JSONValue {
        var object: JSONObject = [
            "id": .string(entry.id),
            "status": entry.status.map(number) ?? .null,
            "reason": .string(entry.reason),
            "attempts": number(entry.attempts),
            "kind": entry.kind.map(JSONValue.string) ?? .null,
            "enqueuedAt": time(entry.enqueuedAt),
            "firstSentAt": time(entry.firstSentAt),
            "deadLetteredAt": time(entry.deadLetteredAt),
            "payloadBytes": number(entry.payloadBytes),
        ]
        if let payload {
            if let value = try? JSONValue(parsing: payload, options: JSONParsingOptions(maxBytes: max(1, payload.count), maxDepth: 512)) {
                object["payload"] = value
            } else {
                object["payload"] = .null
                object["payloadText"] = .string(String(decoding: payload, as: UTF8.self))
            }
        }
        return .object(object)
    }

    /// A dead letter with its payload (see ``json(_:payload:)``).
    public static func json(_ letter: DeadLetter) -> JSONValue {
        json(letter.entry, payload: letter.payload)
    }

    /// A quarantined webhook: `id`, `receivedAt`, `route`, `code`, `pointer`,
    /// `reason`, `bodyBytes`; with `body`, also `"body"` as JSON (or `null` and
    /// `"bodyText"` when it does not parse — a reason it was quarantined).
    public static func json(_ record: QuarantineRecord, body: Bool) -> JSONValue {
        let item = record.item
        var object: JSONObject = [
            "id": .string(record.id),
            "receivedAt": time(item.receivedAt),
            "route": .string(item.route),
            "code": .string(item.code),
            "pointer": item.pointer.map(JSONValue.string) ?? .null,
            "reason": .string(item.reason),
            "bodyBytes": number(item.body.count),
        ]
        if body {
            if let value = try? JSONValue(parsing: item.body, options: JSONParsingOptions(maxBytes: max(1, item.body.count), maxDepth: 512)) {
                object["body"] = value
            } else {
                object["body"] = .null
                object["bodyText"] = .string(String(decoding: item.body, as: UTF8.self))
            }
        }
        return .object(object)
    }

    /// `{"done": [...], "count": n, "unknown": [...]}`.
    public static func json(_ outcome: Outcome) -> JSONValue {
        .object([
            "done": .array(outcome.done.map(JSONValue.string)), "count": number(outcome.done.count),
            "unknown": .array(outcome.unknown.map(JSONValue.string)),
        ])
    }

    /// `{"replayed": [{"id", "eventID", "duplicate"}], "stillFailing": [{"id", "status", "reason", "requarantined"}], "unknown": [...]}`.
    public static func json(_ outcome: ReplayOutcome) -> JSONValue {
        .object([
            "replayed": .array(outcome.replayed.map {
                .object(["id": .string($0.id), "eventID": .string($0.eventID), "duplicate": .bool($0.duplicate)])
            }),
            "stillFailing": .array(outcome.stillFailing.map {
                .object(["id": .string($0.id), "status": number($0.status), "reason": .string($0.reason), "requarantined": .bool($0.requarantined)])
            }),
            "unknown": .array(outcome.unknown.map(JSONValue.string)),
        ])
    }

    /// RFC 3339 UTC with milliseconds, or `null`.
    public static func time(_ date: Date?) -> JSONValue {
        guard let date else { return .null }
        return .string(rfc3339(date))
    }

    /// RFC 3339 UTC with milliseconds (`2026-12-02T01:51:37.000Z`).
    public static func rfc3339(_ date: Date) -> String {
        let (seconds, nanoseconds) = RFC3339Timestamp.components(of: date)
        return RFC3339Timestamp.utcString(secondsSince1970: seconds, nanoseconds: nanoseconds)
    }

    private static func number(_ value: Int) -> JSONValue {
        .number(JSONNumber(value))
    }
}

extension ChatlioStateAdministration.Selection {
    /// Reads a request body: `{"all": true}`, `{"ids": ["…", …]}` or (purge) `{"olderThan": "7d"}` — exactly one.
    ///
    /// ```swift
    /// let selection = try ChatlioStateAdministration.Selection(parsing: JSONValue(parsing: body), allowingAge: true)
    /// ```
    ///
    /// - Throws: ``ChatlioStateAdministrationError/Code/invalidArgument`` naming the member at fault.
    public init(parsing body: JSONValue, allowingAge: Bool) throws(ChatlioStateAdministrationError) {
        let forms = allowingAge ? #"{"all": true}, {"ids": [...]} or {"olderThan": "7d"}"# : #"{"all": true} or {"ids": [...]}"#
        guard let object = body.objectValue else {
            throw ChatlioStateAdministrationError(.invalidArgument, "the body must be a JSON object: \(forms)")
        }
        let known: Set<String> = allowingAge ? ["all", "ids", "olderThan"] : ["all", "ids"]
        if let stranger = object.keys.sorted().first(where: { !known.contains($0) }) {
            throw ChatlioStateAdministrationError(.invalidArgument, "unknown member \"\(stranger)\"; expected \(forms)")
        }
        guard object.count == 1, let (key, value) = object.first else {
            throw ChatlioStateAdministrationError(.invalidArgument, "give exactly one of \(forms)")
        }
        switch key {
        case "all":
            guard value.boolValue == true else { throw ChatlioStateAdministrationError(.invalidArgument, "\"all\" must be true") }
            self = .all
        case "ids":
            guard let array = value.arrayValue, !array.isEmpty else {
                throw ChatlioStateAdministrationError(.invalidArgument, "\"ids\" must be a non-empty array of strings")
            }
            var ids: [String] = []
            for element in array {
                guard let id = element.stringValue, !id.isEmpty else {
                    throw ChatlioStateAdministrationError(.invalidArgument, "\"ids\" must hold non-empty strings only")
                }
                ids.append(id)
            }
            self = .ids(ids)
        default:
            guard let text = value.stringValue else {
                throw ChatlioStateAdministrationError(.invalidArgument, "\"olderThan\" must be a string such as \"7d\"")
            }
            self = .olderThan(try ChatlioStateAdministration.Age(parsing: text))
        }
    }
}
