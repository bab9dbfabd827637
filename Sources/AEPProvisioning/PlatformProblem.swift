package import ChatlioJSON
package import AEPStreamingClient

/// The problem details of an AEP error answer, redacted and bounded.
///
/// Platform APIs answer errors as problems with `type`, `title`, `status`,
/// `detail` and often `report.message` (the 401 example in the appendix of
/// help/sources/tutorials/api/create/streaming/http.md, AdobeDocs/experience-platform.en;
/// help/landing/api-guide.md, "Error messages", points to the list in
/// help/landing/troubleshooting.md). Some services answer `message` and
/// `error_code` instead; those are read too.
///
/// ```swift
/// if let problem = error.problem { print(problem.title ?? "", problem.detail ?? "") }
/// ```
public struct PlatformProblem: Sendable, Hashable, CustomStringConvertible {
    /// `type`: a URI naming the kind of problem.
    public var type: String?
    /// `title`: a short summary.
    public var title: String?
    /// `detail`: what went wrong with this request.
    public var detail: String?
    /// `report.message` (or a top-level `message`).
    public var message: String?
    /// `error_code`, `errorCode` or `code`, when present.
    public var errorCode: String?

    /// Creates a problem.
    public init(type: String? = nil, title: String? = nil, detail: String? = nil, message: String? = nil, errorCode: String? = nil) {
        self.type = type
        self.title = title
        self.detail = detail
        self.message = message
        self.errorCode = errorCode
    }

    /// Whether nothing was read.
    public var isEmpty: Bool { type == nil && title == nil && detail == nil && message == nil && errorCode == nil }

    /// `title: detail (report: message) [code]`, the parts present.
    public var description: String {
        var parts: [String] = []
        if let title { parts.append(title) }
        if let detail, detail != title { parts.append(detail) }
        var text = parts.joined(separator: ": ")
        if let message, message != detail, message != title { text += text.isEmpty ? message : " (report: \(message))" }
        if let errorCode { text += text.isEmpty ? "[\(errorCode)]" : " [\(errorCode)]" }
        return text
    }

    /// The longest a quoted text may be, in UTF-8 bytes, after redaction.
    static let maxQuotedBytes = 512

    /// Reads the problem from an answer's JSON (an object, or an array whose
    /// first element is one, as Catalog sometimes answers); every text is
    /// redacted before it is cut, so a cut cannot split a secret.
    package init?(json: JSONValue?, redactor: SecretRedactor) {
        var object = json?.objectValue
        if object == nil, let first = json?.arrayValue?.first?.objectValue { object = first }
        guard let object else { return nil }
        func text(_ value: JSONValue?) -> String? {
            let raw: String? = switch value {
            case .string(let string)?: string
            case .number(let number)?: number.description
            default: nil
            }
            guard let raw, !raw.isEmpty else { return nil }
            return Self.bounded(redactor.redact(raw))
        }
        type = text(object["type"])
        title = text(object["title"])
        detail = text(object["detail"])
        message = text(object["report"]?["message"]) ?? text(object["message"])
        errorCode = text(object["error_code"]) ?? text(object["errorCode"]) ?? text(object["code"])
        if isEmpty { return nil }
    }

    static func bounded(_ text: String) -> String {
        guard text.utf8.count > maxQuotedBytes else { return text }
        return String(decoding: text.utf8.prefix(maxQuotedBytes), as: UTF8.self) + "…"
    }
}
