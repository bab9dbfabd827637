import ChatlioJSON
import ChatlioWebhooks
import Foundation
import FuzzSupport

/// Webhook decoding. The first input byte picks the route: `byte % 6` is one of
/// the five kinds (`decode(_:kind:)`), or 5 for shape inference (`decode(_:)`);
/// the rest is the body.
///
/// Properties:
/// - a decoded webhook has the kind asked for (or the one `inferKind` gives),
///   and re-serializes (sorted and unsorted) to JSON equal to the body's
///   parse: nothing is lost, added or changed; through `JSONEncoder` the same
///   holds except that numbers keep only their `Double` value when no
///   Int64, UInt64 or Decimal holds them exactly (as JSONValue+Codable says);
/// - a failure is a `ChatlioWebhookError` whose pointer is empty or starts with
///   "/"; when the body itself is not JSON, the error is the parser's (same
///   code family, byte offset and pointer); when it is JSON, the pointer of a
///   type mismatch or an invalid value names a value that exists in it, and
///   the pointer of a missing field sits under an object that exists.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWebhook(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = bytes(data, size)
    guard let selector = input.first else { return 0 }
    let body = Data(input.dropFirst())
    let kind: WebhookKind? = Int(selector) % 6 < 5 ? WebhookKind.allCases[Int(selector) % 6] : nil
    let parsed = Result { () throws(JSONParsingError) in try JSONValue(parsing: body) }

    let decoded = Result { () throws(ChatlioWebhookError) in
        if let kind { try ChatlioWebhook.decode(body, kind: kind) } else { try ChatlioWebhook.decode(body) }
    }
    switch decoded {
    case .success(let webhook):
        guard case .success(let value) = parsed else { return fail("decoded a body that does not parse") }
        if let kind {
            require(webhook.kind == kind, "decoded as \(webhook.kind), asked for \(kind)")
        } else if let object = value.objectValue {
            require((try? ChatlioWebhook.inferKind(of: object)) == webhook.kind, "inferred \(webhook.kind), inferKind disagrees")
        }
        require(JSONValue.object(webhook.jsonObject) == value, "jsonObject differs from the body's parse")
        for sorted in [false, true] {
            let again = try? JSONValue(parsing: webhook.serialized(sortedKeys: sorted))
            require(again == value, "serialized(sortedKeys: \(sorted)) does not parse back to the body")
        }
        // Through a generic Encoder a number travels as Int64, UInt64, Decimal
        // or Double (JSONValue+Codable.swift), so only its Double value is kept.
        // A number beyond Double's range (1e400) has no Double: JSONEncoder refuses it.
        if let encoded = try? JSONEncoder().encode(webhook) {
            let again = try? JSONValue(parsing: encoded)
            require(again.map { sameUpToNumberPrecision($0, value) } == true, "JSONEncoder output does not parse back to the body")
        } else {
            require(hasNumberBeyondDouble(value), "JSONEncoder refused a body whose numbers all fit a Double")
        }
    case .failure(let error):
        check(error, kind: kind, body: body, parsed: parsed)
    }
    return 0
}

private func check(_ error: ChatlioWebhookError, kind: WebhookKind?, body: Data, parsed: Result<JSONValue, JSONParsingError>) {
    require(isJSONPointer(error.pointer), "pointer \(error.pointer.debugDescription) is not a JSON Pointer")
    // Inference names the kind it settled on once it has one.
    let inferred = parsed.success?.objectValue.flatMap { try? ChatlioWebhook.inferKind(of: $0) }
    require(
        error.kind == kind || (kind == nil && error.kind == inferred),
        "error names kind \(String(describing: error.kind)), decoding \(String(describing: kind))")
    require(error.description.contains(error.code.description), "description lacks the code")
    switch parsed {
    case .failure(let parseError):
        let expected: ChatlioWebhookError.Code =
            switch parseError.code {
            case .invalidUTF8: .invalidUTF8
            case .nestingTooDeep: .nestingTooDeep
            case .inputTooLarge: .payloadTooLarge
            default: .invalidJSON
            }
        require(error.code == expected, "parser said \(parseError.code), decode said \(error.code)")
        require(error.byteOffset == parseError.byteOffset, "byte offset \(String(describing: error.byteOffset)) ≠ parser's \(parseError.byteOffset)")
        require(error.pointer == parseError.pointer, "pointer \(error.pointer) ≠ parser's \(parseError.pointer)")
        require((0...body.count).contains(parseError.byteOffset), "byte offset \(parseError.byteOffset) outside the body")
    case .success(let value):
        guard case .object = value else {
            return require(error.code == .notAnObject && error.pointer.isEmpty, "a non-object body gave \(error.code) at \(error.pointer)")
        }
        require(error.byteOffset == nil, "a JSON body gave a byte offset")
        if error.code == .typeMismatch || error.code == .invalidValue || error.code == .nestingTooDeep {
            require(value.value(at: error.pointer) != nil, "\(error.code) at \(error.pointer), which is not in the body")
        } else if error.code == .missingField {
            guard let tokens = JSONPointer.tokens(of: error.pointer), !tokens.isEmpty else {
                return require(false, "missing field at the root pointer")
            }
            let parent = JSONPointer.string(from: tokens.dropLast())
            require(value.value(at: parent)?.objectValue != nil, "missing field \(error.pointer) under a parent that is not an object")
            let present = value.value(at: error.pointer)
            require(present == nil || present == .null || present == .string(""), "missing field \(error.pointer) is present: \(String(describing: present))")
        } else if error.code == .wrongShape {
            // Only a transcript refuses another webhook's shape, and those shapes all carry a visitor object.
            let object = value.objectValue
            let transcriptMarks = ["startedAt", "endedAt", "textBody"].contains { object?[$0] != nil } || object?["messages"]?.arrayValue != nil
            require(kind == .chatTranscript && object?["visitor"]?.objectValue != nil && !transcriptMarks, "wrong shape for \(String(describing: kind))")
        } else if error.code == .ambiguousKind {
            require(kind == nil && error.candidates.count > 1, "ambiguous kind with \(error.candidates)")
        } else {
            require(
                error.code == .unrecognizedShape && kind == nil || error.code == .notAnObject,
                "unexpected \(error.code) for a JSON object body")
        }
    }
}

private func hasNumberBeyondDouble(_ value: JSONValue) -> Bool {
    switch value {
    case .number(let number): !number.doubleValue.isFinite
    case .array(let array): array.contains(where: hasNumberBeyondDouble)
    case .object(let object): object.values.contains(where: hasNumberBeyondDouble)
    default: false
    }
}

private func sameUpToNumberPrecision(_ left: JSONValue, _ right: JSONValue) -> Bool {
    switch (left, right) {
    case (.number(let a), .number(let b)):
        return a == b || a.doubleValue == b.doubleValue
    case (.array(let a), .array(let b)):
        return a.count == b.count && zip(a, b).allSatisfy { sameUpToNumberPrecision($0, $1) }
    case (.object(let a), .object(let b)):
        return a.count == b.count && a.allSatisfy { key, member in b[key].map { sameUpToNumberPrecision(member, $0) } ?? false }
    default:
        return left == right
    }
}

extension Result {
    fileprivate var success: Success? {
        if case .success(let value) = self { return value }
        return nil
    }
}

private func fail(_ message: String) -> CInt {
    require(false, message)
    return 0
}
