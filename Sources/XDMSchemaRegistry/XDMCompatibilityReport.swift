internal import ChatlioJSON

/// The differences between two versions of a schema, split into the changes
/// AEP refuses once a dataset uses the schema and the ones it allows.
///
/// Compare expanded schemas (``XDMSchemaRegistry/expanded(id:version:)``) so
/// that changes inside field groups and data types are seen.
///
/// ```swift
/// let old = try registry.expanded(id: id, version: 1)
/// let new = try registry.expanded(id: id, version: 2)
/// let report = XDMCompatibilityReport(from: old, to: new)
/// if !report.isCompatible {
///     for change in report.breaking { print(change) }   // fail the CI job
/// }
/// ```
public struct XDMCompatibilityReport: Sendable, Hashable {
    /// Every change found, sorted by path then kind.
    public let changes: [XDMSchemaChange]

    /// Compares `old` with `new`.
    public init(from old: XDMSchema, to new: XDMSchema) {
        var walker = CompatibilityWalker()
        walker.compare(old, new, path: "")
        changes = walker.finish()
    }

    /// The changes AEP refuses.
    public var breaking: [XDMSchemaChange] { changes.filter(\.isBreaking) }
    /// The changes AEP allows.
    public var allowed: [XDMSchemaChange] { changes.filter { !$0.isBreaking } }
    /// Whether `new` can replace `old` on a live dataset.
    public var isCompatible: Bool { !changes.contains(where: \.isBreaking) }
}

extension XDMSchemaRegistry {
    /// Compares two registered versions of a schema, both expanded.
    ///
    /// ```swift
    /// let report = try registry.compatibility(of: fieldGroupID, from: 1, to: 2)
    /// ```
    public func compatibility(of id: String, from oldVersion: Int, to newVersion: Int) throws(XDMSchemaError) -> XDMCompatibilityReport {
        XDMCompatibilityReport(from: try expanded(id: id, version: oldVersion), to: try expanded(id: id, version: newVersion))
    }
}

struct CompatibilityWalker {
    private var changes: [XDMSchemaChange] = []
    private var removed: [(path: String, schema: XDMSchema)] = []
    private var added: [(path: String, schema: XDMSchema)] = []

    private mutating func note(_ kind: XDMSchemaChange.Kind, _ path: String, _ message: String) {
        changes.append(XDMSchemaChange(kind: kind, path: path, message: message))
    }

    private static func join(_ path: String, _ name: String) -> String {
        path.isEmpty ? name : path + "." + name
    }

    private static func lastName(_ path: String) -> Substring {
        path.split(separator: ".").last ?? Substring(path)
    }

    mutating func finish() -> [XDMSchemaChange] {
        // A field removed in one place and one with the same name and type added
        // elsewhere is a move.
        var unmatchedAdded = added
        for removal in removed {
            if let index = unmatchedAdded.firstIndex(where: {
                Self.lastName($0.path) == Self.lastName(removal.path) && $0.schema.types == removal.schema.types
            }) {
                let destination = unmatchedAdded.remove(at: index)
                note(.fieldMoved, removal.path, "moved to \(destination.path)")
            } else {
                note(.fieldRemoved, removal.path, "the field was removed")
            }
        }
        for addition in unmatchedAdded {
            note(.fieldAdded, addition.path, "a new field")
        }
        return changes.sorted { left, right in
            left.path != right.path ? left.path < right.path : left.kind.rawValue < right.kind.rawValue
        }
    }

    mutating func compare(_ old: XDMSchema, _ new: XDMSchema, path: String) {
        let oldTypes = Set(old.types ?? [])
        let newTypes = Set(new.types ?? [])
        if oldTypes != newTypes {
            note(.typeChanged, path, "type \(Self.describe(old.types)) became \(Self.describe(new.types))")
        }
        if old.meta["meta:xdmType"] != new.meta["meta:xdmType"], old.meta["meta:xdmType"] != nil {
            note(.typeChanged, path, "meta:xdmType \(old.meta["meta:xdmType"]?.jsonString() ?? "none") became \(new.meta["meta:xdmType"]?.jsonString() ?? "none")")
        }
        if old.title != new.title || old.description != new.description {
            note(.documentationChanged, path, "title or description changed")
        }
        compareEnums(old, new, path: path)
        compareStringRules(old, new, path: path)
        compareBounds(old, new, path: path)
        compareObjects(old, new, path: path)
        if let oldItems = old.items, let newItems = new.items {
            compare(oldItems, newItems, path: path + "[]")
        }
        if case .schema(let oldValues)? = old.additionalProperties, case .schema(let newValues)? = new.additionalProperties {
            compare(oldValues, newValues, path: path + "{}")
        }
    }

    private mutating func compareEnums(_ old: XDMSchema, _ new: XDMSchema, path: String) {
        switch (old.enumValues, new.enumValues) {
        case (nil, let newValues?):
            note(.enumNarrowed, path, "an enum now restricts the field to \(newValues.map { $0.jsonString() }.joined(separator: ", "))")
        case (_?, nil):
            note(.enumWidened, path, "the enum was removed")
        case (let oldValues?, let newValues?):
            let dropped = oldValues.filter { !newValues.contains($0) }
            let gained = newValues.filter { !oldValues.contains($0) }
            if !dropped.isEmpty {
                note(.enumNarrowed, path, "values removed: \(dropped.map { $0.jsonString() }.joined(separator: ", "))")
            }
            if !gained.isEmpty {
                note(.enumWidened, path, "values added: \(gained.map { $0.jsonString() }.joined(separator: ", "))")
            }
        case (nil, nil):
            break
        }
    }

    private mutating func compareStringRules(_ old: XDMSchema, _ new: XDMSchema, path: String) {
        if old.pattern != new.pattern {
            if let pattern = new.pattern {
                note(.patternTightened, path, "pattern \(old.pattern ?? "none") became \(pattern)")
            } else {
                note(.patternRemoved, path, "pattern \(old.pattern ?? "") was removed")
            }
        }
        if old.format != new.format {
            if let format = new.format {
                note(.formatTightened, path, "format \(old.format ?? "none") became \(format)")
            } else {
                note(.formatRemoved, path, "format \(old.format ?? "") was removed")
            }
        }
    }

    private mutating func compareBounds(_ old: XDMSchema, _ new: XDMSchema, path: String) {
        func lower(_ name: String, _ old: Double?, _ new: Double?) {
            switch (old, new) {
            case (nil, let value?): note(.boundTightened, path, "\(name) \(Self.format(value)) was added")
            case (let before?, let after?) where after > before: note(.boundTightened, path, "\(name) rose from \(Self.format(before)) to \(Self.format(after))")
            case (let before?, let after?) where after < before: note(.boundLoosened, path, "\(name) fell from \(Self.format(before)) to \(Self.format(after))")
            case (let before?, nil): note(.boundLoosened, path, "\(name) \(Self.format(before)) was removed")
            default: break
            }
        }
        func upper(_ name: String, _ old: Double?, _ new: Double?) {
            switch (old, new) {
            case (nil, let value?): note(.boundTightened, path, "\(name) \(Self.format(value)) was added")
            case (let before?, let after?) where after < before: note(.boundTightened, path, "\(name) fell from \(Self.format(before)) to \(Self.format(after))")
            case (let before?, let after?) where after > before: note(.boundLoosened, path, "\(name) rose from \(Self.format(before)) to \(Self.format(after))")
            case (let before?, nil): note(.boundLoosened, path, "\(name) \(Self.format(before)) was removed")
            default: break
            }
        }
        lower("minimum", old.minimum?.doubleValue, new.minimum?.doubleValue)
        upper("maximum", old.maximum?.doubleValue, new.maximum?.doubleValue)
        lower("minLength", old.minLength.map(Double.init), new.minLength.map(Double.init))
        upper("maxLength", old.maxLength.map(Double.init), new.maxLength.map(Double.init))
        lower("minItems", old.minItems.map(Double.init), new.minItems.map(Double.init))
        upper("maxItems", old.maxItems.map(Double.init), new.maxItems.map(Double.init))
    }

    private mutating func compareObjects(_ old: XDMSchema, _ new: XDMSchema, path: String) {
        if !old.isClosed, new.isClosed {
            note(.objectClosed, path, "additionalProperties became false")
        } else if old.isClosed, !new.isClosed {
            note(.objectOpened, path, "additionalProperties is no longer false")
        }
        let oldProperties = old.properties ?? [:]
        let newProperties = new.properties ?? [:]
        for (name, oldProperty) in oldProperties {
            let childPath = Self.join(path, name)
            if let newProperty = newProperties[name] {
                compare(oldProperty, newProperty, path: childPath)
            } else {
                removed.append((childPath, oldProperty))
            }
        }
        for (name, newProperty) in newProperties where oldProperties[name] == nil {
            added.append((Self.join(path, name), newProperty))
        }
        let oldRequired = Set(old.required ?? [])
        let newRequired = Set(new.required ?? [])
        for name in newRequired.subtracting(oldRequired) {
            if oldProperties[name] != nil {
                note(.fieldMadeRequired, Self.join(path, name), "the field is now required")
            } else {
                note(.requiredFieldAdded, Self.join(path, name), "a new required field; events valid before now fail")
            }
        }
        for name in oldRequired.subtracting(newRequired) {
            note(.fieldMadeOptional, Self.join(path, name), "the field is no longer required")
        }
    }

    private static func describe(_ types: [XDMSchema.JSONType]?) -> String {
        guard let types, !types.isEmpty else { return "any" }
        return types.map(\.rawValue).sorted().joined(separator: "|")
    }

    private static func format(_ value: Double) -> String {
        value.rounded(.towardZero) == value && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
