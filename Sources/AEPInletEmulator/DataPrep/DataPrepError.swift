/// Why a Data Prep mapping could not be read, or could not give a value for
/// one message.
///
/// Errors found when a mapping set is read (``DataPrepMappingSet/init(_:)``)
/// are what AEP refuses at creation: a syntax error, an unknown function, a
/// wrong number of arguments, a bad literal pattern. Errors found while a
/// message is mapped are AEP's transformation errors: the attribute is left
/// out, the rest of the row is written, and the error is documented with the
/// row (help/data-prep/home.md, the note under "Data Prep overview").
///
/// Extensible: compare ``code`` with the static constants.
///
/// ```swift
/// do {
///     _ = try DataPrepMappingSet(body)
/// } catch where error.code == .unknownFunction {
///     print(error.mappingIndex ?? -1, error.destination ?? "", error.reason)
/// }
/// ```
public struct DataPrepError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The class of problem.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case invalidMapping = "invalid mapping"
            case syntax = "syntax error"
            case unknownFunction = "unknown function"
            case unsupportedFunction = "function not emulated"
            case argumentCount = "wrong number of arguments"
            case invalidPattern = "invalid pattern"
            case typeMismatch = "type mismatch"
            case unparsableDate = "unparsable date"
            case destinationConflict = "destination conflict"
            case invalidXDM = "invalid XDM"
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// A mapping lacks `sourceType`, `source` or `destination`, or a path is malformed.
        public static let invalidMapping = Code(.invalidMapping)
        /// An expression does not parse.
        public static let syntax = Code(.syntax)
        /// An expression calls a function Adobe does not document.
        public static let unknownFunction = Code(.unknownFunction)
        /// An expression calls a function Adobe documents that the emulator does not evaluate.
        public static let unsupportedFunction = Code(.unsupportedFunction)
        /// A function gets more or fewer arguments than it takes.
        public static let argumentCount = Code(.argumentCount)
        /// A literal regular expression or date format is not valid.
        public static let invalidPattern = Code(.invalidPattern)
        /// A function got a value of a type it cannot take (a transformation error).
        public static let typeMismatch = Code(.typeMismatch)
        /// `date` could not read its text with the given or any default format (a transformation error).
        public static let unparsableDate = Code(.unparsableDate)
        /// Two mappings write one destination in incompatible shapes.
        public static let destinationConflict = Code(.destinationConflict)
        /// The mapped entity failed the inlet's schema validator: AEP does not ingest the row.
        public static let invalidXDM = Code(.invalidXDM)

        public var description: String { base.rawValue }
    }

    /// The class of problem.
    public let code: Code
    /// The mapping's position in the set's `mappings` array, when one mapping is at fault.
    public let mappingIndex: Int?
    /// That mapping's `destination`.
    public let destination: String?
    /// What is wrong, for people.
    public let reason: String

    init(_ code: Code, _ message: String, mappingIndex: Int? = nil, destination: String? = nil) {
        self.code = code
        self.reason = message
        self.mappingIndex = mappingIndex
        self.destination = destination
    }

    /// The same error, attributed to one mapping.
    func at(_ index: Int, destination: String?) -> DataPrepError {
        DataPrepError(code, reason, mappingIndex: index, destination: destination)
    }

    public var description: String {
        var place = ""
        if let mappingIndex { place = "mappings[\(mappingIndex)]" }
        if let destination { place += place.isEmpty ? "destination \(destination)" : " (destination \(destination))" }
        return place.isEmpty ? "\(code): \(reason)" : "\(place): \(code): \(reason)"
    }
}
