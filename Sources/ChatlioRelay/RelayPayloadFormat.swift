/// What a ``RelayEventSink`` sends on: XDM entities (each wrapped in an XDM
/// envelope) or raw JSON (for a Data Prep dataflow), or not known.
///
/// ```swift
/// struct ArchivingSink: RelayEventSink {
///     var payloadFormat: RelayPayloadFormat { .raw }
///     func accept(_ event: RelayEvent) async throws(RelaySinkError) { archive(event.body) }
/// }
/// ```
public struct RelayPayloadFormat: Sendable, Hashable, CustomStringConvertible {
    private enum Base: String, Sendable, Hashable {
        case xdm = "XDM entities"
        case raw = "raw JSON"
        case unknown = "unknown"
    }

    private let base: Base
    private init(base: Base) { self.base = base }

    /// XDM entities: what a ``ChatlioRelay/Mode/xdm`` relay hands over.
    public static let xdm = RelayPayloadFormat(base: .xdm)
    /// Raw JSON: what a ``ChatlioRelay/Mode/raw`` relay hands over.
    public static let raw = RelayPayloadFormat(base: .raw)
    /// Not known; not checked.
    public static let unknown = RelayPayloadFormat(base: .unknown)

    /// The format a relay in `mode` hands its sink.
    public init(_ mode: ChatlioRelay.Mode) {
        self = mode == .xdm ? .xdm : .raw
    }

    public var description: String { base.rawValue }
}
