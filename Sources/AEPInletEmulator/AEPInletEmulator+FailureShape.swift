extension AEPInletEmulator {
    /// How a failed message is written inside a 207 batch response. AEP has
    /// been seen answering both ways; a client should decode either.
    ///
    /// ```swift
    /// var configuration = AEPInletEmulator.Configuration()
    /// configuration.failureShape = .status
    /// // {"xactionId":"<uuid>-1","status":400,"message":"…"}
    /// ```
    public struct FailureShape: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// The documented shape: `{"statusCode":400,"message":"…"}`, no
        /// `xactionId`; success entries carry `ts:n:n:i` transaction ids.
        public static let statusCode = FailureShape("statusCode")
        /// The shape Adobe's Kafka connector decodes: `{"xactionId":"<uuid>-i","status":400,"message":"…"}`;
        /// success entries carry `<uuid>-i` transaction ids.
        public static let status = FailureShape("status")

        public var description: String { name }
    }
}
