/// A Platform API collection the emulator serves, for fault rules and the request log.
///
/// ```swift
/// platform.faults.failRequest(number: 2, of: .flows, method: "POST", status: 500)
/// ```
public struct PlatformEndpoint: Sendable, Hashable, CustomStringConvertible {
    private let name: String
    private init(_ name: String) { self.name = name }

    /// `/data/foundation/schemaregistry/tenant/fieldgroups` (and its older name `/tenant/mixins`).
    public static let fieldGroups = PlatformEndpoint("fieldgroups")
    /// `/data/foundation/schemaregistry/tenant/schemas`.
    public static let schemas = PlatformEndpoint("schemas")
    /// `/data/foundation/schemaregistry/tenant/descriptors`.
    public static let descriptors = PlatformEndpoint("descriptors")
    /// `/data/core/idnamespace/identities`.
    public static let identityNamespaces = PlatformEndpoint("idnamespace/identities")
    /// `/data/foundation/catalog/dataSets`.
    public static let dataSets = PlatformEndpoint("catalog/dataSets")
    /// `/data/foundation/conversion/mappingSets`.
    public static let mappingSets = PlatformEndpoint("conversion/mappingSets")
    /// `/data/foundation/flowservice/connections` (HTTP API base connections).
    public static let connections = PlatformEndpoint("flowservice/connections")
    /// `/data/foundation/flowservice/sourceConnections`.
    public static let sourceConnections = PlatformEndpoint("flowservice/sourceConnections")
    /// `/data/foundation/flowservice/targetConnections`.
    public static let targetConnections = PlatformEndpoint("flowservice/targetConnections")
    /// `/data/foundation/flowservice/flows`.
    public static let flows = PlatformEndpoint("flowservice/flows")
    /// `/ims/token/v3`, the emulated IMS token endpoint.
    public static let imsToken = PlatformEndpoint("ims/token/v3")

    public var description: String { name }
}
