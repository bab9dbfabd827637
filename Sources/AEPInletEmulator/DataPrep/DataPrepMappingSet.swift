public import ChatlioJSON
import Foundation

/// A Data Prep mapping set, read and checked once, that turns a raw source
/// message into the XDM entity AEP would store from it.
///
/// It takes the body of `POST /data/foundation/conversion/mappingSets`
/// (help/data-prep/api/mapping-set.md): `outputSchema.schemaRef.id` (or the
/// older `xdmSchema`) and `mappings`, each with `sourceType` `ATTRIBUTE` (a
/// source path, copied with everything under it: functions.md "Object copy"),
/// `EXPRESSION` (a calculated field, `DataPrepExpression`) or `STATIC` (the
/// text itself), `source` and `destination`; or the older `sourceAttribute` /
/// `destinationXdmPath` pair (an attribute). Paths are dotted; `[*]` maps each
/// item of an array (`messages[*].text` → `transcript.messages[*].text`).
///
/// Applying it never fails as a whole. A mapping whose value is null (an
/// absent source, `nullify()`) writes nothing: AEP's mapping sets default to
/// `allowNullValues: false`. A transformation error leaves its destination
/// out and is reported in ``Mapped/errors`` (help/data-prep/home.md).
///
/// ```swift
/// let set = try DataPrepMappingSet(mapper.dataPrepMappingSet(schemaID: schemaID))
/// let mapped = set.apply(to: try JSONValue(parsing: rawBody))
/// mapped.entity["eventType"]    // "chat.conversationStarted"
/// mapped.errors                 // [] when every mapping evaluated
/// ```
public struct DataPrepMappingSet: Sendable, Hashable {
    /// What one message became.
    public struct Mapped: Sendable, Hashable {
        /// The XDM entity: every destination whose value was not null.
        public var entity: JSONObject
        /// The transformation errors, each naming its mapping; their destinations are absent from ``entity``.
        public var errors: [DataPrepError]
    }

    /// `outputSchema.schemaRef.id` (or `xdmSchema`), when the body names one.
    public let outputSchemaID: String?
    /// How many mappings the set has.
    public var count: Int { mappings.count }

    private enum Source: Sendable, Hashable {
        case attribute(DataPrepPath)
        case expression(DataPrepExpression)
        case constant(String)
    }

    private struct Mapping: Sendable, Hashable {
        var index: Int
        var destinationText: String
        var destination: DataPrepPath
        var source: Source
    }

    private let mappings: [Mapping]

    /// Reads and checks a mapping set body.
    ///
    /// - Throws: ``DataPrepError`` naming the mapping's index and destination:
    ///   ``DataPrepError/Code/invalidMapping`` for a missing or malformed
    ///   field or path, ``DataPrepError/Code/destinationConflict`` for a
    ///   destination mapped twice, and the expression errors of `DataPrepExpression`.
    public init(_ body: JSONValue) throws(DataPrepError) {
        guard case .object(let object) = body else {
            throw DataPrepError(.invalidMapping, "a mapping set must be a JSON object, got a \(body.typeName)")
        }
        outputSchemaID = object["outputSchema"]?["schemaRef"]?["id"]?.stringValue ?? object["xdmSchema"]?.stringValue
        guard let rows = object["mappings"]?.arrayValue else {
            throw DataPrepError(.invalidMapping, "mappings must be an array")
        }
        var mappings: [Mapping] = []
        var destinations: [String: Int] = [:]
        for (index, row) in rows.enumerated() {
            let destinationText = row["destination"]?.stringValue ?? row["destinationXdmPath"]?.stringValue
            func failure(_ message: String) -> DataPrepError {
                DataPrepError(.invalidMapping, message, mappingIndex: index, destination: destinationText)
            }
            guard let destinationText, !destinationText.isEmpty else { throw failure("has no destination (or destinationXdmPath)") }
            let destination: DataPrepPath
            do throws(DataPrepPath.Problem) {
                destination = try DataPrepPath(destinationText)
            } catch {
                throw failure("destination: \(error.message)")
            }
            if let earlier = destinations[destinationText] {
                throw DataPrepError(.destinationConflict, "is also the destination of mappings[\(earlier)]", mappingIndex: index, destination: destinationText)
            }
            destinations[destinationText] = index
            let sourceType = row["sourceType"]?.stringValue ?? (row["sourceAttribute"] != nil ? "ATTRIBUTE" : nil)
            guard let sourceText = row["source"]?.stringValue ?? row["sourceAttribute"]?.stringValue else {
                throw failure("has no source (or sourceAttribute) text")
            }
            let source: Source
            switch sourceType {
            case "ATTRIBUTE":
                do throws(DataPrepPath.Problem) {
                    let path = try DataPrepPath(sourceText)
                    guard path.iterations == destination.iterations else {
                        throw DataPrepPath.Problem(message: "source \(sourceText) has \(path.iterations) [*] and destination \(destinationText) has \(destination.iterations): they must match")
                    }
                    source = .attribute(path)
                } catch {
                    throw failure(error.message)
                }
            case "EXPRESSION":
                guard destination.iterations == 0 else { throw failure("an expression cannot write an array path ([*])") }
                do throws(DataPrepError) {
                    source = .expression(try DataPrepExpression(parsing: sourceText))
                } catch {
                    throw error.at(index, destination: destinationText)
                }
            case "STATIC":
                guard destination.iterations == 0 else { throw failure("a constant cannot write an array path ([*])") }
                source = .constant(sourceText)
            default:
                throw failure("sourceType must be ATTRIBUTE, EXPRESSION or STATIC, got \(sourceType.map { "\"\($0)\"" } ?? "nothing")")
            }
            mappings.append(Mapping(index: index, destinationText: destinationText, destination: destination, source: source))
        }
        self.mappings = mappings
    }

    /// Applies every mapping, in order, to `source` (a raw message).
    public func apply(to source: JSONValue) -> Mapped {
        apply(to: source, evaluator: DataPrepEvaluator())
    }

    func apply(to source: JSONValue, evaluator: DataPrepEvaluator) -> Mapped {
        var entity = JSONValue.object([:])
        var errors: [DataPrepError] = []
        for mapping in mappings {
            do throws(DataPrepError) {
                let value: JSONValue
                switch mapping.source {
                case .constant(let text):
                    value = .string(text)
                case .expression(let expression):
                    value = try evaluator.evaluate(expression, in: source).written
                case .attribute(let path):
                    value = path.read(from: source) ?? .null
                }
                // Null is never written (JSONValue spells it `nil` too, so compare, not unwrap).
                guard value != .null else { continue }
                // Written on a copy, so a conflict half-way leaves the entity as it was.
                var updated = entity
                try mapping.destination.write(value, into: &updated)
                entity = updated
            } catch {
                errors.append(error.at(mapping.index, destination: mapping.destinationText))
            }
        }
        return Mapped(entity: entity.objectValue ?? [:], errors: errors)
    }
}

/// A dotted path whose segments may end in `[*]` (each item of an array).
struct DataPrepPath: Sendable, Hashable {
    struct Problem: Error {
        let message: String
    }

    enum Segment: Sendable, Hashable {
        case key(String)
        case each
    }

    let segments: [Segment]
    var iterations: Int { segments.filter { $0 == .each }.count }

    init(_ text: String) throws(Problem) {
        var segments: [Segment] = []
        var key = ""
        var characters = Array(text)[...]
        func finishKey() throws(Problem) {
            guard !key.isEmpty else { throw Problem(message: "\"\(text)\" has an empty segment") }
            segments.append(.key(key))
            key = ""
        }
        while let character = characters.popFirst() {
            switch character {
            case "\\" where characters.first == ".":
                key.append(".")
                characters = characters.dropFirst()
            case ".":
                if segments.last == .each, key.isEmpty { continue }
                try finishKey()
            case "[":
                guard characters.prefix(2) == ["*", "]"] else {
                    throw Problem(message: "\"\(text)\": only [*] may follow a name in a path")
                }
                characters = characters.dropFirst(2)
                try finishKey()
                segments.append(.each)
                guard characters.isEmpty || characters.first == "." else {
                    throw Problem(message: "\"\(text)\": [*] must end the path or be followed by \".\"")
                }
            default:
                key.append(character)
            }
        }
        if !key.isEmpty || segments.last != .each { try finishKey() }
        self.segments = segments
    }

    /// The value at this path: an array per `[*]`, holding null where an item lacks the rest.
    func read(from source: JSONValue) -> JSONValue? {
        func read(_ rest: ArraySlice<Segment>, _ value: JSONValue) -> JSONValue? {
            guard let segment = rest.first else { return value == .null ? Optional<JSONValue>.none : value }
            switch segment {
            case .key(let key):
                guard case .object(let object) = value, let child = object[key] else { return nil }
                return read(rest.dropFirst(), child)
            case .each:
                guard case .array(let items) = value else { return nil }
                return .array(items.map { read(rest.dropFirst(), $0) ?? .null })
            }
        }
        return read(segments[...], source)
    }

    /// Writes `value` at this path, creating objects and merging into what is
    /// there; at a `[*]`, item `i` of `value` goes into item `i` of the array.
    func write(_ value: JSONValue, into target: inout JSONValue) throws(DataPrepError) {
        func write(_ rest: ArraySlice<Segment>, _ value: JSONValue, _ target: inout JSONValue, _ done: String) throws(DataPrepError) {
            guard let segment = rest.first else {
                target = Self.merged(target, value)
                return
            }
            switch segment {
            case .key(let key):
                if target == .null { target = .object([:]) }
                guard case .object(var object) = target else {
                    throw DataPrepError(.destinationConflict, "\(done.isEmpty ? "the entity" : done) is a \(target.typeName), not an object, so \(key) cannot be written under it")
                }
                var child = object[key] ?? .null
                object[key] = nil
                try write(rest.dropFirst(), value, &child, done.isEmpty ? key : done + "." + key)
                object[key] = child
                target = .object(object)
            case .each:
                guard case .array(let items) = value else { return }
                if target == .null { target = .array([]) }
                guard case .array(var existing) = target else {
                    throw DataPrepError(.destinationConflict, "\(done) is a \(target.typeName), not an array")
                }
                for (index, item) in items.enumerated() {
                    while existing.count <= index { existing.append(.null) }
                    guard item != .null else { continue }
                    var slot = existing[index]
                    try write(rest.dropFirst(), item, &slot, done + "[\(index)]")
                    existing[index] = slot
                }
                // An item none of whose fields had a value is still an item, as in the source.
                target = .array(existing.map { $0 == .null && rest.count > 1 ? .object([:]) : $0 })
            }
        }
        try write(segments[...], value, &target, "")
    }

    /// `value` over `existing`: objects merge key by key, anything else replaces.
    static func merged(_ existing: JSONValue, _ value: JSONValue) -> JSONValue {
        guard case .object(var base) = existing, case .object(let over) = value else { return value }
        for (key, child) in over { base[key] = merged(base[key] ?? .null, child) }
        return .object(base)
    }
}
