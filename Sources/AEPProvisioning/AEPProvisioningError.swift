public import XDMSchemaRegistry

/// An error from ``AEPPlatformClient`` or ``ChatlioProvisioningPlan``.
///
/// Compare ``code`` against the `static let` constants; new codes can be added
/// without breaking callers. ``reason`` quotes AEP's problem details (title,
/// detail, `report.message`) when AEP sent them, and never contains a secret:
/// every text from AEP passes through the token provider's redactor first.
///
/// ```swift
/// do {
///     _ = try await plan.run(client: client, stateFile: stateURL)
/// } catch let error as AEPProvisioningError where error.code == .schemaDiffers {
///     for change in error.compatibility?.breaking ?? [] { print(change) }
/// }
/// ```
public struct AEPProvisioningError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem occurred; compare with the `static let` constants.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        fileprivate let name: String
        fileprivate init(_ name: String) { self.name = name }

        /// A configuration value is missing or malformed (URL, org id, sandbox, names).
        public static let invalidConfiguration = Code("invalidConfiguration")
        /// No answer arrived (connection refused or dropped, timeout, TLS).
        public static let transport = Code("transport")
        /// No access token could be obtained, or AEP refused it after a refresh.
        public static let authenticationFailed = Code("authenticationFailed")
        /// AEP answered 4xx (other than 401/403 after a refresh, 404 where absence is expected, 429).
        public static let refused = Code("refused")
        /// AEP kept answering 429 or 5xx until the attempts ran out.
        public static let unavailable = Code("unavailable")
        /// AEP answered a redirect; it is not followed (the token would go to another origin).
        public static let redirect = Code("redirect")
        /// The answer was cut at the transport's cap, or is not the JSON the API documents.
        public static let unreadableResponse = Code("unreadableResponse")
        /// An existing object of the expected name belongs to something else (another dataset, other connections).
        public static let conflict = Code("conflict")
        /// An existing schema or field group differs from the wanted one in a way AEP refuses
        /// (``AEPProvisioningError/compatibility`` holds the report).
        public static let schemaDiffers = Code("schemaDiffers")
        /// The state file cannot be read, written, or belongs to another org, sandbox, tenant or mode.
        public static let stateFile = Code("stateFile")

        public var description: String { name }
    }

    /// What kind of problem occurred.
    public let code: Code
    /// What went wrong, in words, without secrets.
    public let reason: String
    /// The HTTP status AEP answered, when it answered.
    public var status: Int?
    /// AEP's problem details, redacted, when the answer carried them.
    public var problem: PlatformProblem?
    /// For ``Code/schemaDiffers``: the differences between the existing and the wanted schema.
    public var compatibility: XDMCompatibilityReport?

    /// Creates an error.
    public init(_ code: Code, _ reason: String, status: Int? = nil, problem: PlatformProblem? = nil, compatibility: XDMCompatibilityReport? = nil) {
        self.code = code
        self.reason = reason
        self.status = status
        self.problem = problem
        self.compatibility = compatibility
    }

    public var description: String { "AEPProvisioningError.\(code): \(reason)" }
}
