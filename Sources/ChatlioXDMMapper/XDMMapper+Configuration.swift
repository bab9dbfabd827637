extension XDMMapper {
    /// Everything that shapes the events the mapper produces.
    ///
    /// ```swift
    /// var configuration = XDMMapper.Configuration(tenantID: "acme")
    /// configuration.namespaces.identUserId = "CRMID"
    /// configuration.primaryIdentity = .identUserId
    /// configuration.privacy.email = .hash          // Email_LC_SHA256 only
    /// configuration.sizeBudget = .profile          // 10 KB, Profile's limit
    /// configuration.arrayCaps = .profileGuardrail  // at most 10 messages and 10 extraData strings
    /// let mapper = try XDMMapper(configuration: configuration)
    /// ```
    public struct Configuration: Sendable, Hashable {
        /// The AEP tenant id, without the leading underscore: fields go under `_{tenantID}.chatlio`.
        public var tenantID: String
        /// Identity namespace codes for `identityMap`.
        public var namespaces: IdentityNamespaces
        /// Which identity is marked `primary`; when the event lacks it, the
        /// first present of visitor UUID, email, user id is primary instead.
        public var primaryIdentity: IdentitySource
        /// What happens to personal data, per field class.
        public var privacy: PrivacyPolicy
        /// The largest event, in bytes of compact JSON, the mapper may produce.
        public var sizeBudget: SizeBudget
        /// `environment.type`; Chatlio runs in the visitor's browser.
        public var environmentType: String
        /// The most items each array written from the payload may hold
        /// (transcript messages, `extraData`). No caps by default.
        public var arrayCaps: ArrayCaps

        public init(
            tenantID: String,
            namespaces: IdentityNamespaces = IdentityNamespaces(),
            primaryIdentity: IdentitySource = .visitorUUID,
            privacy: PrivacyPolicy = PrivacyPolicy(),
            sizeBudget: SizeBudget = .profile,
            environmentType: String = "browser",
            arrayCaps: ArrayCaps = .none
        ) {
            self.tenantID = tenantID
            self.namespaces = namespaces
            self.primaryIdentity = primaryIdentity
            self.privacy = privacy
            self.sizeBudget = sizeBudget
            self.environmentType = environmentType
            self.arrayCaps = arrayCaps
        }
    }

    /// Identity namespace codes. They must exist in the AEP sandbox (custom
    /// ones are created in Identity Service first).
    ///
    /// ```swift
    /// var namespaces = XDMMapper.IdentityNamespaces()
    /// namespaces.visitorUUID = "ChatlioVisitor"   // the default
    /// namespaces.identUserId = "CRMID"            // off by default
    /// ```
    public struct IdentityNamespaces: Sendable, Hashable {
        /// Clear-text email, trimmed and lower-cased. Default `Email`.
        public var email: String
        /// SHA-256 of the trimmed, lower-cased email. Default `Email_LC_SHA256`.
        public var hashedEmail: String
        /// Chatlio's visitor UUID. Default `ChatlioVisitor` (a custom namespace).
        public var visitorUUID: String
        /// The site's user id from `_chatlio.identify`. `nil` (default) keeps it
        /// out of `identityMap`; it is still written under `_{tenantID}.chatlio.visitor`.
        public var identUserId: String?

        public init(email: String = "Email", hashedEmail: String = "Email_LC_SHA256", visitorUUID: String = "ChatlioVisitor", identUserId: String? = nil) {
            self.email = email
            self.hashedEmail = hashedEmail
            self.visitorUUID = visitorUUID
            self.identUserId = identUserId
        }
    }

    /// The identities the mapper can put in `identityMap`.
    public enum IdentitySource: String, Sendable, Hashable, CaseIterable {
        case visitorUUID
        case email
        case identUserId
    }

    /// What to do with one class of personal data.
    public enum PrivacyAction: String, Sendable, Hashable, CaseIterable {
        /// Send it as is (emails trimmed and lower-cased).
        case keep
        /// Send its SHA-256 hex instead. An email becomes an `Email_LC_SHA256`
        /// identity; an IP address or a name goes to its `_{tenantID}.chatlio.visitor` field.
        case hash
        /// Leave it out.
        case drop
    }

    /// Per-class privacy actions. Everything is kept by default.
    ///
    /// ```swift
    /// let strict = XDMMapper.PrivacyPolicy(email: .hash, name: .drop, ipAddress: .drop, userAgent: .keep, messageText: .keep)
    /// ```
    public struct PrivacyPolicy: Sendable, Hashable {
        /// Visitor, agent and reply-to email addresses, and `emailPretty`.
        public var email: PrivacyAction
        /// Visitor and agent names.
        public var name: PrivacyAction
        /// The visitor's IP address.
        public var ipAddress: PrivacyAction
        /// The browser's user agent.
        public var userAgent: PrivacyAction
        /// Message text: the message, offline subject, transcript bodies and messages.
        public var messageText: PrivacyAction

        public init(email: PrivacyAction = .keep, name: PrivacyAction = .keep, ipAddress: PrivacyAction = .keep, userAgent: PrivacyAction = .keep, messageText: PrivacyAction = .keep) {
            self.email = email
            self.name = name
            self.ipAddress = ipAddress
            self.userAgent = userAgent
            self.messageText = messageText
        }
    }

    /// The largest event the mapper produces, in bytes of compact JSON.
    ///
    /// Larger events are trimmed in a documented order, or refused.
    public struct SizeBudget: Sendable, Hashable {
        /// The limit in bytes.
        public var maxBytes: Int

        public init(maxBytes: Int) {
            self.maxBytes = maxBytes
        }

        /// Real-Time Customer Profile drops ExperienceEvents above 10 KB; 10,000 bytes leaves no doubt.
        public static let profile = SizeBudget(maxBytes: 10_000)
        /// Streaming records may reach 1 MB; 1,000,000 bytes.
        public static let dataLake = SizeBudget(maxBytes: 1_000_000)
    }
}
