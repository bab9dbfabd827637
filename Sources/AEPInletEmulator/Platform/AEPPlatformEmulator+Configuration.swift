public import Foundation

extension AEPPlatformEmulator {
    /// How the emulated Platform APIs behave. The defaults accept any bearer
    /// token and API key, but the headers themselves are always required.
    ///
    /// ```swift
    /// var configuration = AEPPlatformEmulator.Configuration(tenantId: "acme")
    /// configuration.requiredToken = "test-token"      // 401 for another token
    /// configuration.apiKey = "test-client"            // 403 for another x-api-key
    /// configuration.sandboxName = "dev"               // 403 for another x-sandbox-name
    /// configuration.inlet.requiredToken = "dcs-token" // the inlets the flows get
    /// configuration.oauthClients = ["test-client": "s3cret"] // POST /ims/token/v3 checks these
    /// let platform = try AEPPlatformEmulator(configuration: configuration)
    /// ```
    public struct Configuration: Sendable {
        /// The tenant id: resources are `https://ns.adobe.com/{tenantId}/…` and
        /// custom fields must sit under `_{tenantId}`. Lower-case letters, digits and `_`.
        public var tenantId: String
        /// The organisation every request's `x-gw-ims-org-id` must name.
        public var imsOrgId: String
        /// When set, `x-sandbox-name` must equal it; otherwise any non-empty name is accepted.
        public var sandboxName: String?
        /// When set, `Authorization: Bearer` must carry exactly this token (compared in
        /// constant time); otherwise any non-empty token is accepted.
        public var requiredToken: String?
        /// When set, `x-api-key` must equal it; otherwise any non-empty key is accepted.
        public var apiKey: String?
        /// The OAuth server-to-server clients `POST /ims/token/v3` knows: client id → client
        /// secret. Empty (the default): any non-empty `client_id` and `client_secret` get a token.
        /// Tokens it issues pass wherever ``requiredToken`` does (the Platform APIs, and the inlets
        /// that require a token), for 86,399 seconds by ``now``.
        public var oauthClients: [String: String]
        /// The TCP port; 0 (the default) lets the kernel pick a free one.
        public var port: Int
        /// `127.0.0.1` (default) or `::1`; the inlets use the same.
        public var bindAddress: AEPInletEmulator.BindAddress
        /// The template for every inlet a flow or base connection gets: its
        /// inlet id, data mode, flow id, organisation and address are set by the
        /// platform emulator; everything else (token, validator, limits, log) is kept.
        public var inlet: AEPInletEmulator.Configuration
        /// Request bodies above this many bytes get 413.
        public var maxRequestBodyBytes: Int
        /// Receives log events; the default discards them.
        public var log: @Sendable (ChatlioLogRecord) -> Void
        /// The clock behind `createdAt`, `created` and the like.
        public var now: @Sendable () -> Date

        /// Creates a configuration; see the properties for the defaults.
        public init(
            tenantId: String = "emulated",
            imsOrgId: String = "EMULATED0000000000000000@AdobeOrg",
            sandboxName: String? = nil,
            requiredToken: String? = nil,
            apiKey: String? = nil,
            oauthClients: [String: String] = [:],
            port: Int = 0,
            bindAddress: AEPInletEmulator.BindAddress = .ipv4Loopback,
            inlet: AEPInletEmulator.Configuration = AEPInletEmulator.Configuration(),
            maxRequestBodyBytes: Int = 1_048_576,
            log: @escaping @Sendable (ChatlioLogRecord) -> Void = { _ in },
            now: @escaping @Sendable () -> Date = { Date() }
        ) {
            self.tenantId = tenantId
            self.imsOrgId = imsOrgId
            self.sandboxName = sandboxName
            self.requiredToken = requiredToken
            self.apiKey = apiKey
            self.oauthClients = oauthClients
            self.port = port
            self.bindAddress = bindAddress
            self.inlet = inlet
            self.maxRequestBodyBytes = maxRequestBodyBytes
            self.log = log
            self.now = now
        }

        /// The first problem with these values, if any.
        func problem() -> String? {
            let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789_")
            if tenantId.isEmpty || !tenantId.allSatisfy(allowed.contains) {
                return "tenantId \"\(tenantId)\" must be non-empty and use only lower-case letters, digits and '_'"
            }
            if imsOrgId.isEmpty { return "imsOrgId must not be empty" }
            if !(0 ... 65_535).contains(port) { return "port \(port) is outside 0…65535" }
            if maxRequestBodyBytes < 1 { return "maxRequestBodyBytes must be positive" }
            if let requiredToken, requiredToken.isEmpty { return "requiredToken must not be empty" }
            if let apiKey, apiKey.isEmpty { return "apiKey must not be empty" }
            if let sandboxName, sandboxName.isEmpty { return "sandboxName must not be empty" }
            if let client = oauthClients.first(where: { $0.key.isEmpty || $0.value.isEmpty }) {
                return client.key.isEmpty ? "oauthClients has an empty client id" : "oauthClients[\"\(client.key)\"] has an empty secret"
            }
            return nil
        }
    }
}

extension AEPPlatformEmulator.Configuration: CustomStringConvertible {
    /// The settings, with ``requiredToken`` shown only as set or not and ``oauthClients`` by id only.
    public var description: String {
        let clients = oauthClients.isEmpty ? "any" : "[" + oauthClients.keys.sorted().map { "\($0): <redacted>" }.joined(separator: ", ") + "]"
        return "Configuration(tenantId: \(tenantId), imsOrgId: \(imsOrgId), sandboxName: \(sandboxName ?? "any"), "
            + "requiredToken: \(requiredToken == nil ? "any" : "<redacted>"), apiKey: \(apiKey ?? "any"), oauthClients: \(clients), port: \(port), "
            + "bindAddress: \(bindAddress), inlet: \(inlet))"
    }
}
