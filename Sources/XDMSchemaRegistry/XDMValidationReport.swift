public import ChatlioJSON

/// The outcome of validating one document.
///
/// ```swift
/// let report = validator.validate(event)
/// if !report.isValid {
///     for violation in report.violations { log(violation.description) }
/// }
/// ```
public struct XDMValidationReport: Sendable, Hashable {
    /// The violations kept, in document order (by pointer, then keyword),
    /// at most ``XDMValidator/Options/maxViolations``.
    public let violations: [XDMViolation]
    /// How many violations were found, including those beyond the cap.
    public let violationCount: Int

    /// Creates a report.
    public init(violations: [XDMViolation], violationCount: Int) {
        self.violations = violations
        self.violationCount = max(violationCount, violations.count)
    }

    /// Whether the document matches the schema.
    public var isValid: Bool { violationCount == 0 }

    /// Whether violations were left out because of the cap.
    public var isTruncated: Bool { violationCount > violations.count }

    /// The report in the shape of AEP's synchronous-validation
    /// `_streamingValidation` entry.
    ///
    /// ```swift
    /// report.aepReport.jsonString(sortedKeys: true)
    /// // {"causingExceptions":[{"causingExceptions":[],"keyword":"type","message":"…",
    /// //   "pointerToViolation":"#/_id","schemaLocation":"#/properties/_id"}],
    /// //  "message":"1 schema violations found","pointerToViolation":"#","schemaLocation":"#"}
    /// ```
    public var aepReport: JSONValue {
        .object([
            "schemaLocation": "#",
            "pointerToViolation": "#",
            "causingExceptions": .array(violations.map { violation in
                .object([
                    "schemaLocation": .string(violation.schemaLocation),
                    "pointerToViolation": .string(violation.pointerToViolation),
                    "causingExceptions": .array([]),
                    "keyword": .string(violation.keyword.rawValue),
                    "message": .string(violation.message),
                ])
            }),
            "message": .string("\(violationCount) schema violations found"),
        ])
    }
}
