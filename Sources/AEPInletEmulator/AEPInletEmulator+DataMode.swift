extension AEPInletEmulator {
    /// What the inlet expects in a message, like the `dataType` of an HTTP API
    /// base connection in Flow Service.
    ///
    /// ```swift
    /// var configuration = AEPInletEmulator.Configuration()
    /// configuration.dataMode = .raw   // Data Prep flow: any JSON object, flow id required
    /// ```
    public struct DataMode: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// XDM envelopes (`header` + `body.xdmMeta` + `body.xdmEntity`), checked like DCS does.
        public static let xdm = DataMode("xdm")
        /// Raw JSON objects for a dataflow with Data Prep mapping: no envelope,
        /// an `x-adobe-flow-id` header or query parameter is required, and only
        /// `/collection/{inletId}` takes them (a batch gets 400: Adobe documents
        /// raw data on the single-message endpoint only).
        public static let raw = DataMode("raw")

        public var description: String { name }
    }
}
