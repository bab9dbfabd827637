extension AEPInletEmulator {
    /// The loopback address the emulator listens on. Only loopback addresses
    /// exist, so the emulator is never reachable from other hosts.
    ///
    /// ```swift
    /// var configuration = AEPInletEmulator.Configuration()
    /// configuration.bindAddress = .ipv6Loopback   // http://[::1]:port/…
    /// ```
    public struct BindAddress: Sendable, Hashable, CustomStringConvertible {
        private let isIPv6: Bool
        private init(isIPv6: Bool) { self.isIPv6 = isIPv6 }

        /// `127.0.0.1`, the default.
        public static let ipv4Loopback = BindAddress(isIPv6: false)
        /// `::1` (IPv6 only; no IPv4-mapped addresses).
        public static let ipv6Loopback = BindAddress(isIPv6: true)

        /// The host as written in a URL: `127.0.0.1` or `[::1]`.
        public var urlHost: String { isIPv6 ? "[::1]" : "127.0.0.1" }

        public var description: String { isIPv6 ? "::1" : "127.0.0.1" }
    }
}
