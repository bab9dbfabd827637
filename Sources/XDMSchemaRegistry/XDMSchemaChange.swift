/// One difference between two versions of a schema, classified under AEP's
/// additive-only rules.
///
/// ```swift
/// let change = report.breaking[0]
/// change.kind        // .fieldRemoved
/// change.path        // "_acme.chatlio.subject"
/// change.isBreaking  // true
/// ```
public struct XDMSchemaChange: Sendable, Hashable, CustomStringConvertible {
    /// What changed. Extensible: compare with the static constants.
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        /// A short name (`"fieldRemoved"`).
        public let rawValue: String
        /// Whether AEP refuses this change once a dataset uses the schema.
        public let isBreaking: Bool
        private init(_ rawValue: String, breaking: Bool) {
            self.rawValue = rawValue
            self.isBreaking = breaking
        }

        // Breaking.
        /// A field no longer exists.
        public static let fieldRemoved = Kind("fieldRemoved", breaking: true)
        /// A field disappeared from one place and a field of the same name and type appeared in another.
        public static let fieldMoved = Kind("fieldMoved", breaking: true)
        /// The type (or `meta:xdmType`) of a field changed.
        public static let typeChanged = Kind("typeChanged", breaking: true)
        /// Allowed values were removed, or an enum now restricts a free field.
        public static let enumNarrowed = Kind("enumNarrowed", breaking: true)
        /// A pattern was added or changed (a change cannot be proven to accept a superset).
        public static let patternTightened = Kind("patternTightened", breaking: true)
        /// A format was added or changed.
        public static let formatTightened = Kind("formatTightened", breaking: true)
        /// A minimum/minLength/minItems was added or raised, or a maximum/maxLength/maxItems added or lowered.
        public static let boundTightened = Kind("boundTightened", breaking: true)
        /// A new field is required. AEP itself accepts this (it applies to new records
        /// only), but events valid under the old version now fail, so producers break.
        public static let requiredFieldAdded = Kind("requiredFieldAdded", breaking: true)
        /// An existing optional field became required.
        public static let fieldMadeRequired = Kind("fieldMadeRequired", breaking: true)
        /// An open object became closed (`additionalProperties: false`).
        public static let objectClosed = Kind("objectClosed", breaking: true)

        // Allowed.
        /// A new optional field.
        public static let fieldAdded = Kind("fieldAdded", breaking: false)
        /// Allowed values were added, or an enum was removed.
        public static let enumWidened = Kind("enumWidened", breaking: false)
        /// A pattern was removed.
        public static let patternRemoved = Kind("patternRemoved", breaking: false)
        /// A format was removed.
        public static let formatRemoved = Kind("formatRemoved", breaking: false)
        /// A bound was removed or loosened.
        public static let boundLoosened = Kind("boundLoosened", breaking: false)
        /// A required field became optional.
        public static let fieldMadeOptional = Kind("fieldMadeOptional", breaking: false)
        /// A closed object was opened.
        public static let objectOpened = Kind("objectOpened", breaking: false)
        /// A title or description changed.
        public static let documentationChanged = Kind("documentationChanged", breaking: false)

        public var description: String { rawValue }
    }

    /// What changed.
    public let kind: Kind
    /// The field, as an XDM dot path (`web.webPageDetails.URL`); array items
    /// add `[]`, map values `{}`; `""` is the schema root.
    public let path: String
    /// The change in words.
    public let message: String

    /// Creates a change.
    public init(kind: Kind, path: String, message: String) {
        self.kind = kind
        self.path = path
        self.message = message
    }

    /// Whether AEP refuses this change once a dataset uses the schema.
    public var isBreaking: Bool { kind.isBreaking }

    public var description: String {
        "\(isBreaking ? "BREAKING" : "allowed") \(kind) \(path.isEmpty ? "(root)" : path): \(message)"
    }
}
