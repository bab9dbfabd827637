extension ChatlioWebhook {
    /// Limits applied to untrusted webhook bodies.
    ///
    /// ```swift
    /// let options = ChatlioWebhook.DecodingOptions(maxBytes: 256 * 1024, maxDepth: 32)
    /// let webhook = try ChatlioWebhook.decode(body, kind: .chatTranscript, options: options)
    /// ```
    public struct DecodingOptions: Sendable, Hashable {
        /// Bodies longer than this are refused unread. Default 1 MiB, AEP's per-request cap.
        public var maxBytes: Int
        /// Containers nested deeper than this are refused, counting from the
        /// body (depth 1) and including JSON carried inside strings such as
        /// `visitor.identTraits`. Default 64.
        public var maxDepth: Int

        public init(maxBytes: Int = 1 << 20, maxDepth: Int = 64) {
            self.maxBytes = maxBytes
            self.maxDepth = maxDepth
        }

        /// 1 MiB and 64 levels.
        public static let `default` = DecodingOptions()
    }
}
