extension ChatlioRelay {
    /// How the relay treats incoming webhooks.
    ///
    /// ```swift
    /// var configuration = ChatlioRelay.Configuration(mode: .xdm)
    /// configuration.sharedSecret = environment["CHATLIO_URL_TOKEN"]   // put it in each Chatlio URL
    /// configuration.maxBodyBytes = 256 * 1024
    /// ```
    public struct Configuration: Sendable {
        /// Bodies above this many bytes get 413 unread. Default 1 MiB.
        public var maxBodyBytes: Int
        /// When set, every request must carry it as `?token=` (or the query
        /// parameter named by ``tokenParameter``) or as the path token; compared
        /// in constant time. Chatlio cannot sign webhooks, so a hard-to-guess
        /// URL token is the available check.
        public var sharedSecret: String?
        /// The query parameter holding the token. Default `token`.
        public var tokenParameter: String
        /// XDM mode maps and validates; raw mode forwards Chatlio's JSON to an
        /// AEP Data Prep dataflow.
        public var mode: Mode
        /// How many recently accepted event ids are remembered to answer a
        /// repeated webhook with 200 instead of sending it again. Default 100,000.
        public var deduplicationWindow: Int
        /// The nesting limit for webhook bodies. Default 64.
        public var maxDepth: Int
        /// How long a copy arriving while an earlier copy of the same event
        /// is being stored waits for that outcome (stored → 200 duplicate,
        /// refused → it tries itself) before it is answered 503 with
        /// `Retry-After` of as many seconds. Default 10 s: longer than an
        /// outbox's usual backpressure wait, shorter than a sender's timeout.
        public var concurrentCopyWait: Duration
        /// Runs `XDMValidator` on every mapped event even when the mapper
        /// guarantees valid events by construction
        /// (`XDMMapper.guaranteesValidEvents`: it checks each value against
        /// the schema's rules as it maps). Default `false`: the full walk costs
        /// more than the rest of the mapping and finds nothing the mapper's
        /// checks do not; turn it on to cross-check in staging. A mapper whose
        /// schema its checks do not cover is always validated fully.
        ///
        /// ```swift
        /// var configuration = ChatlioRelay.Configuration()
        /// configuration.fullValidation = true
        /// ```
        public var fullValidation = false

        public init(
            mode: Mode = .xdm, maxBodyBytes: Int = 1 << 20, sharedSecret: String? = nil, tokenParameter: String = "token",
            deduplicationWindow: Int = 100_000, maxDepth: Int = 64, concurrentCopyWait: Duration = .seconds(10)
        ) {
            self.mode = mode
            self.maxBodyBytes = maxBodyBytes
            self.sharedSecret = sharedSecret
            self.tokenParameter = tokenParameter
            self.deduplicationWindow = deduplicationWindow
            self.maxDepth = maxDepth
            self.concurrentCopyWait = concurrentCopyWait
        }
    }

    /// What the relay sends on.
    public enum Mode: String, Sendable, Hashable {
        /// Decode → map → validate → send the XDM entity.
        case xdm
        /// Decode (to refuse what is not a Chatlio webhook) → send Chatlio's
        /// original JSON, for a Data Prep dataflow that does the mapping.
        case raw
    }
}

extension ChatlioRelay.Configuration: CustomStringConvertible, CustomReflectable {
    /// The settings, with ``sharedSecret`` shown only as set or not: a
    /// configuration printed into a log or a test failure never shows it.
    public var description: String {
        "Configuration(mode: \(mode), maxBodyBytes: \(maxBodyBytes), sharedSecret: \(sharedSecret == nil ? "none" : "<redacted>"), "
            + "tokenParameter: \(tokenParameter), deduplicationWindow: \(deduplicationWindow), maxDepth: \(maxDepth), concurrentCopyWait: \(concurrentCopyWait), "
            + "fullValidation: \(fullValidation))"
    }

    /// What `dump` and debuggers show: the same, secret redacted.
    public var customMirror: Mirror {
        Mirror(self, children: [
            "mode": mode, "maxBodyBytes": maxBodyBytes, "sharedSecret": sharedSecret == nil ? "none" : "<redacted>",
            "tokenParameter": tokenParameter, "deduplicationWindow": deduplicationWindow, "maxDepth": maxDepth,
            "concurrentCopyWait": concurrentCopyWait, "fullValidation": fullValidation,
        ], displayStyle: .struct)
    }
}
