/// What the inlet expects in a message: an XDM envelope around each event, or
/// the event's raw JSON for a dataflow with Data Prep mapping.
///
/// ```swift
/// let xdm = MessageFormat.xdm(
///     schemaID: "https://ns.adobe.com/acme/schemas/5e1c…",
///     datasetID: "5f0000000000000000000001",
///     sourceName: "chatlio-relay"
/// )
/// let raw = MessageFormat.raw   // one message per request
/// // Both need Configuration.flowID.
/// ```
public struct MessageFormat: Sendable, Hashable, CustomStringConvertible {
    enum Kind: Sendable, Hashable {
        case xdm(XDMEnvelope)
        case raw
    }

    /// The envelope fields the client writes around each `xdmEntity`.
    struct XDMEnvelope: Sendable, Hashable {
        var schemaID: String
        var contentType: String
        var datasetID: String
        var sourceName: String?
    }

    let kind: Kind

    /// XDM envelopes: `header.schemaRef`, `header.datasetId`, `header.flowId`
    /// (when ``AEPStreamingClient/Configuration/flowID`` is set),
    /// `header.imsOrgId` (when ``AEPStreamingClient/Configuration/imsOrgID`` is set),
    /// `header.source.name`; `body.xdmMeta.schemaRef` and `body.xdmEntity`.
    ///
    /// - Parameters:
    ///   - schemaID: the schema `$id` of the dataset.
    ///   - datasetID: the target dataset.
    ///   - sourceName: `header.source.name`; `nil` lets AEP use the connection's source id.
    ///   - contentType: `schemaRef.contentType`; AEP supports major version 1 only.
    public static func xdm(
        schemaID: String, datasetID: String, sourceName: String? = nil,
        contentType: String = "application/vnd.adobe.xed-full+json;version=1"
    ) -> MessageFormat {
        MessageFormat(kind: .xdm(XDMEnvelope(schemaID: schemaID, contentType: contentType, datasetID: datasetID, sourceName: sourceName)))
    }

    /// Raw JSON, posted as is, for a dataflow whose Data Prep mapping set turns
    /// it into XDM. The flow id goes in the `x-adobe-flow-id` header; each
    /// message goes alone to `/collection/{inletId}` (``BatchingPolicy/mode(for:)``).
    public static let raw = MessageFormat(kind: .raw)

    /// Whether this is the raw format.
    public var isRaw: Bool { kind == .raw }

    /// Whether this is the XDM envelope format: what a sender (the relay) checks
    /// before handing the client XDM entities rather than raw JSON.
    ///
    /// ```swift
    /// guard client.configuration.format.isXDM else { throw MisconfiguredRelay() }
    /// ```
    public var isXDM: Bool { !isRaw }

    public var description: String {
        switch kind {
        case .xdm(let envelope): "xdm(schema: \(envelope.schemaID), dataset: \(envelope.datasetID))"
        case .raw: "raw"
        }
    }
}
