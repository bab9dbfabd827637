import ChatlioAEPSupport
import ChatlioJSON
import Foundation

/// `/data/foundation/schemaregistry`: field groups, schemas and descriptors in
/// the tenant container, and `/stats`.
///
/// - help/xdm/api/getting-started.md: required headers, the tenant container, `$id` and
///   `meta:altId` in paths, the `Accept` table and "version must be 1".
/// - help/xdm/api/field-groups.md: list, look up, create (`meta:intendedToExtend`, fields under `_{TENANT_ID}`).
/// - help/xdm/api/schemas.md: list, look up, create (`allOf` with one class), PATCH (JSON Patch).
/// - help/xdm/api/descriptors.md: descriptors take `xdm` in place of `xed` in `Accept`; identity descriptor fields;
///   "Schemas may contain only one primary identity".
/// - help/xdm/api/appendix.md: `orderby`, `limit`/`start` (only with `orderby`), `property=` filters.
/// - help/xdm/troubleshooting-guide.md: the error bodies (404 NotFoundError, 400 "Title must be unique",
///   400 custom fields under `_{TENANT_ID}`, 406 "Accept header parameter is required",
///   406 "Unknown Accept media supplied", 406 "Unknown Accept format available",
///   400 "version must be supplied in the accept header").
extension PlatformService {
    enum RegistryKind: Sendable {
        case fieldGroup, schema

        var resourceType: String { self == .fieldGroup ? "mixins" : "schemas" }
    }

    static let listAccepts = ["application/vnd.adobe.xed-id+json", "application/vnd.adobe.xed+json"]
    static let lookupAccepts = [
        "application/vnd.adobe.xed+json", "application/vnd.adobe.xed-full+json", "application/vnd.adobe.xed-notext+json",
        "application/vnd.adobe.xed-full-notext+json", "application/vnd.adobe.xed-full-desc+json", "application/vnd.adobe.xed-deprecatefield+json",
    ]
    static let descriptorListAccepts = [
        "application/vnd.adobe.xdm-id+json", "application/vnd.adobe.xdm-link+json", "application/vnd.adobe.xdm+json", "application/vnd.adobe.xdm-v2+json",
    ]
    /// Standard classes the emulator knows (help/xdm/api/getting-started.md "Resource identification").
    static let standardClasses = ["https://ns.adobe.com/xdm/context/experienceevent", "https://ns.adobe.com/xdm/context/profile"]

    func schemaRegistry(_ request: PlatformRequest, endpoint: PlatformEndpoint) throws(HTTPResponseBox) -> HTTPResponse {
        let segments = request.segments
        if segments == ["stats"] {
            guard request.method == "GET" else { return PlatformProblem.methodNotAllowed(request.method, allowed: "GET") }
            return HTTPResponse(status: 200, json: ["imsOrg": .string(configuration.imsOrgId), "tenantId": .string(configuration.tenantId)])
        }
        let id = segments.count == 3 ? segments[2] : nil
        switch (endpoint, request.method, id) {
        case (.descriptors, "GET", nil): return try listDescriptors(request)
        case (.descriptors, "POST", nil): return try createDescriptor(request)
        case (.descriptors, "GET", let id?): return try lookUpDescriptor(request, id: id)
        case (.descriptors, _, _): return PlatformProblem.methodNotAllowed(request.method, allowed: id == nil ? "GET, POST" : "GET")
        default: break
        }
        let kind: RegistryKind = endpoint == .schemas ? .schema : .fieldGroup
        switch (request.method, id) {
        case ("GET", nil): return try listResources(request, kind: kind)
        case ("POST", nil): return try createResource(request, kind: kind)
        case ("GET", let id?): return try lookUpResource(request, kind: kind, id: id)
        case ("PATCH", let id?): return try patchResource(request, kind: kind, id: id)
        default: return PlatformProblem.methodNotAllowed(request.method, allowed: id == nil ? "GET, POST" : "GET, PATCH")
        }
    }

    // MARK: Accept

    private func requireAccept(_ request: PlatformRequest, allowed: [String], lookup: Bool) throws(HTTPResponseBox) {
        guard let accept = request.accept else {
            throw Self.refusal(PlatformProblem.notAcceptable("Accept header parameter is required"))
        }
        guard allowed.contains(accept.mediaType) else {
            let short = accept.mediaType.replacingOccurrences(of: "application/vnd.adobe.", with: "")
            throw Self.refusal(PlatformProblem.notAcceptable(
                "Unknown Accept media supplied: \(short) (this request takes \(allowed.joined(separator: ", "))\(lookup ? " with ; version=1" : ""))"
            ))
        }
        guard lookup else { return }
        guard let version = accept.version else {
            throw Self.badRequest("version must be supplied in the accept header. Example: application/vnd.adobe.xed-full-notext+json; version=1")
        }
        guard version == "1" else {
            throw Self.badRequest("version=\(version) in the accept header: Platform supports only major version 1 (help/xdm/api/getting-started.md)")
        }
    }

    /// Descriptors take `xdm` where other endpoints take `xed`; an `xed` Accept gets Adobe's descriptor 406.
    private func refuseXedForDescriptors(_ request: PlatformRequest, required: Bool) throws(HTTPResponseBox) {
        guard let accept = request.accept else {
            if required { throw Self.refusal(PlatformProblem.notAcceptable("Accept header parameter is required")) }
            return
        }
        let type = accept.mediaType
        if type == "*/*" || type == "application/json" || type.hasPrefix("application/vnd.adobe.xdm") {
            if !required || Self.descriptorListAccepts.contains(type) { return }
        }
        throw Self.refusal(PlatformProblem.notAcceptable(
            "Unknown Accept format available (descriptors take \(Self.descriptorListAccepts.joined(separator: ", ")): "
                + "xdm in place of xed, help/xdm/api/descriptors.md; got \(type))"
        ))
    }

    // MARK: Field groups and schemas

    private func resources(_ kind: RegistryKind, in state: PlatformState) -> [JSONObject] {
        kind == .fieldGroup ? state.fieldGroups : state.schemas
    }

    /// Finds a resource by `meta:altId` or (decoded) `$id`.
    private func index(of id: String, _ kind: RegistryKind, in state: PlatformState) -> Int? {
        resources(kind, in: state).firstIndex { $0["$id"]?.stringValue == id || $0["meta:altId"]?.stringValue == id }
    }

    private func listResources(_ request: PlatformRequest, kind: RegistryKind) throws(HTTPResponseBox) -> HTTPResponse {
        try requireAccept(request, allowed: Self.listAccepts, lookup: false)
        let orderby = request.query("orderby")
        if orderby == nil, request.query("limit") != nil || request.query("start") != nil {
            throw Self.badRequest("limit and start cannot be used without an orderby parameter (help/xdm/api/appendix.md \"Paging\")")
        }
        var items = try Self.filter(state.withLock { resources(kind, in: $0) }, request)
        if let orderby {
            let descending = orderby.hasPrefix("-")
            let key = orderby.trimmingCharacters(in: CharacterSet(charactersIn: "+-")).split(separator: ",").first.map(String.init) ?? "title"
            items.sort { (a, b) in
                let left = a[key]?.stringValue ?? "", right = b[key]?.stringValue ?? ""
                return descending ? left > right : left < right
            }
            if let start = request.query("start") {
                items = items.filter { descending ? ($0[key]?.stringValue ?? "") < start : ($0[key]?.stringValue ?? "") > start }
            }
        }
        if let limitText = request.query("limit") {
            guard let limit = Int(limitText), (0 ... 500).contains(limit) else {
                throw Self.badRequest("limit=\(limitText) must be an integer between 0 and 500 (help/xdm/api/appendix.md)")
            }
            items = Array(items.prefix(limit))
        }
        let summary = request.accept?.mediaType == "application/vnd.adobe.xed-id+json"
        let results: [JSONValue] = items.map { item in
            guard summary else { return .object(item) }
            var short: JSONObject = [:]
            for key in ["$id", "meta:altId", "version", "title"] { short[key] = item[key] }
            return .object(short)
        }
        let collection = kind == .fieldGroup ? "fieldgroups" : "schemas"
        return HTTPResponse(status: 200, json: [
            "results": .array(results),
            "_page": ["orderby": orderby.map(JSONValue.string) ?? .null, "next": .null, "count": .number(JSONNumber(results.count))],
            "_links": ["next": .null, "global_schemas": ["href": .string("\(baseURL())/data/foundation/schemaregistry/global/\(collection)")]],
        ])
    }

    private func lookUpResource(_ request: PlatformRequest, kind: RegistryKind, id: String) throws(HTTPResponseBox) -> HTTPResponse {
        try requireAccept(request, allowed: Self.lookupAccepts, lookup: true)
        guard let found = state.withLock({ state in index(of: id, kind, in: state).map { resources(kind, in: state)[$0] } }) else {
            throw Self.refusal(PlatformProblem.notFound("Object \(id) with version 1 not found"))
        }
        return HTTPResponse(status: 200, json: .object(found))
    }

    private func createResource(_ request: PlatformRequest, kind: RegistryKind) throws(HTTPResponseBox) -> HTTPResponse {
        var body = try Self.object(request.body)
        let title = try Self.string(body["title"], "title")
        if let type = body["type"], type.stringValue != "object" {
            throw Self.refusal(PlatformProblem.field("type", "must be \"object\""))
        }
        let now = Self.number(nowMilliseconds())
        let hex = Self.hexID(48)
        let resourceID = "https://ns.adobe.com/\(configuration.tenantId)/\(kind.resourceType)/\(hex)"
        return try state.withLock { (state: inout PlatformState) throws(HTTPResponseBox) -> HTTPResponse in
            try checkTitleIsUnique(title, in: state, except: nil)
            switch kind {
            case .fieldGroup:
                try validateFieldGroup(body)
                body["meta:extensible"] = true
                body["meta:abstract"] = true
            case .schema:
                let extends = try validateSchema(body, in: state)
                body["meta:class"] = .string(extends.classID)
                body["meta:extends"] = .array(extends.all.map(JSONValue.string))
                body["meta:extensible"] = false
                body["meta:abstract"] = false
            }
            body["type"] = "object"
            body["$id"] = .string(resourceID)
            body["meta:altId"] = .string("\(tenantNamespace).\(kind.resourceType).\(hex)")
            body["meta:resourceType"] = .string(kind.resourceType)
            body["version"] = "1.0"
            body["imsOrg"] = .string(configuration.imsOrgId)
            body["meta:xdmType"] = "object"
            body["meta:containerId"] = "tenant"
            body["meta:tenantNamespace"] = .string(tenantNamespace)
            body["meta:registryMetadata"] = ["repo:createdDate": now, "repo:lastModifiedDate": now, "eTag": .string(Self.hexID(64))]
            if kind == .fieldGroup { state.fieldGroups.append(body) } else { state.schemas.append(body) }
            return HTTPResponse(status: 201, json: .object(body))
        }
    }

    /// Titles are unique across every resource type (troubleshooting guide, "Title must be unique").
    private func checkTitleIsUnique(_ title: String, in state: PlatformState, except id: String?) throws(HTTPResponseBox) {
        let clash = (state.fieldGroups + state.schemas).first { $0["title"]?.stringValue == title && $0["$id"]?.stringValue != id }
        if let clash, let clashID = clash["$id"]?.stringValue {
            throw Self.badRequest("Title must be unique. An object \(clashID) already exists with the same title.")
        }
    }

    private func validateFieldGroup(_ body: JSONObject) throws(HTTPResponseBox) {
        guard let extends = body["meta:intendedToExtend"]?.arrayValue, !extends.isEmpty, extends.allSatisfy({ $0.stringValue != nil }) else {
            throw Self.refusal(PlatformProblem.field(
                "meta:intendedToExtend", "is required: the $id of each class the field group is compatible with (help/xdm/api/field-groups.md \"Create a field group\")"
            ))
        }
        guard let definitions = body["definitions"]?.objectValue, !definitions.isEmpty else {
            throw Self.refusal(PlatformProblem.field("definitions", "is required: an object defining the field group's fields"))
        }
        for (name, definition) in definitions.sorted(by: { $0.key < $1.key }) {
            let properties = definition["properties"]?.objectValue ?? [:]
            if properties.keys.contains(where: { $0 != tenantNamespace }) {
                throw Self.badRequest(
                    "For custom fields, you must use a top level field named \(tenantNamespace) and all the other fields must be defined under it "
                        + "(definitions.\(name).properties has \(properties.keys.sorted().joined(separator: ", ")))"
                )
            }
        }
        guard let allOf = body["allOf"]?.arrayValue, !allOf.isEmpty else {
            throw Self.refusal(PlatformProblem.field("allOf", "is required: [{\"$ref\": \"#/definitions/…\"}]"))
        }
        for (index, entry) in allOf.enumerated() {
            guard let ref = entry["$ref"]?.stringValue else {
                throw Self.refusal(PlatformProblem.field("allOf[\(index)].$ref", "is required"))
            }
            if ref.hasPrefix("#/definitions/"), definitions[String(ref.dropFirst("#/definitions/".count))] == nil {
                throw Self.refusal(PlatformProblem.field("allOf[\(index)].$ref", "\(ref) names no entry of definitions"))
            }
        }
    }

    /// The schema's class and everything it extends, or the 400.
    private func validateSchema(_ body: JSONObject, in state: PlatformState) throws(HTTPResponseBox) -> (classID: String, all: [String]) {
        guard let allOf = body["allOf"]?.arrayValue, !allOf.isEmpty else {
            throw Self.refusal(PlatformProblem.field("allOf", "is required: one $ref to a class and zero or more to field groups (help/xdm/api/schemas.md \"Create a schema\")"))
        }
        var refs: [String] = []
        for (index, entry) in allOf.enumerated() {
            guard let ref = entry["$ref"]?.stringValue, !ref.isEmpty else {
                throw Self.refusal(PlatformProblem.field("allOf[\(index)].$ref", "is required: the $id of a class or field group"))
            }
            refs.append(ref)
        }
        let classes = refs.filter { Self.standardClasses.contains($0) || $0.contains("/classes/") }
        guard classes.count == 1, let classID = classes.first else {
            throw Self.refusal(PlatformProblem.field(
                "allOf", "must reference exactly one class, found \(classes.count)\(classes.isEmpty ? "" : ": \(classes.joined(separator: ", "))") "
                    + "(e.g. https://ns.adobe.com/xdm/context/experienceevent)"
            ))
        }
        let tenantPrefix = "https://ns.adobe.com/\(configuration.tenantId)/"
        for ref in refs where ref != classID && ref.hasPrefix(tenantPrefix) {
            guard let group = state.fieldGroups.first(where: { $0["$id"]?.stringValue == ref }) else {
                throw Self.badRequest("allOf: Object \(ref) with version 1 not found")
            }
            let extends = group["meta:intendedToExtend"]?.arrayValue?.compactMap(\.stringValue) ?? []
            if !extends.contains(classID) {
                throw Self.badRequest("allOf: field group \(ref) is intended to extend \(extends.joined(separator: ", ")), not the schema's class \(classID)")
            }
        }
        return (classID, refs.filter { $0 != classID } + [classID])
    }

    private func patchResource(_ request: PlatformRequest, kind: RegistryKind, id: String) throws(HTTPResponseBox) -> HTTPResponse {
        guard let operations = request.body?.arrayValue else {
            throw Self.badRequest("A PATCH body must be a JSON Patch array of {\"op\", \"path\", \"value\"} (help/xdm/api/schemas.md \"Update a portion of a schema\")")
        }
        return try state.withLock { (state: inout PlatformState) throws(HTTPResponseBox) -> HTTPResponse in
            guard let position = index(of: id, kind, in: state) else {
                throw Self.refusal(PlatformProblem.notFound("Object \(id) with version 1 not found"))
            }
            let original = resources(kind, in: state)[position]
            var patched: JSONValue = .object(original)
            for (index, operation) in operations.enumerated() {
                patched = try JSONPatch.apply(operation, to: patched, at: index)
            }
            guard var object = patched.objectValue else { throw Self.badRequest("The patched resource is no longer an object") }
            for key in ["$id", "meta:altId", "meta:resourceType", "meta:containerId"] where object[key] != original[key] {
                throw Self.badRequest("\(key) is read-only and cannot be patched")
            }
            let title = try Self.string(object["title"], "title")
            try checkTitleIsUnique(title, in: state, except: original["$id"]?.stringValue)
            // Immutable tags can be set but never removed (help/xdm/troubleshooting-guide.md, the union tag).
            let tags = Set(object["meta:immutableTags"]?.arrayValue?.compactMap(\.stringValue) ?? [])
            if let removed = original["meta:immutableTags"]?.arrayValue?.compactMap(\.stringValue).first(where: { !tags.contains($0) }) {
                throw Self.badRequest("meta:immutableTags: the tag \"\(removed)\" can be set but never removed")
            }
            switch kind {
            case .fieldGroup:
                try validateFieldGroup(object)
            case .schema:
                let extends = try validateSchema(object, in: state)
                if let oldClass = original["meta:class"]?.stringValue, oldClass != extends.classID {
                    throw Self.badRequest("meta:class cannot change from \(oldClass) to \(extends.classID)")
                }
                object["meta:extends"] = .array(extends.all.map(JSONValue.string))
            }
            let minor = (original["version"]?.stringValue?.split(separator: ".").last.flatMap { Int($0) } ?? 0) + 1
            object["version"] = .string("1.\(minor)")
            if case .object(var metadata)? = object["meta:registryMetadata"] {
                metadata["repo:lastModifiedDate"] = Self.number(nowMilliseconds())
                metadata["eTag"] = .string(Self.hexID(64))
                object["meta:registryMetadata"] = .object(metadata)
            }
            if kind == .fieldGroup { state.fieldGroups[position] = object } else { state.schemas[position] = object }
            return HTTPResponse(status: 200, json: .object(object))
        }
    }

    // MARK: Descriptors

    /// Whether a tenant path (`/_{tenantId}/…`) is a field of one of the schema's tenant field groups.
    /// Other paths (standard field groups) and paths through a `$ref` to a data type are not checked.
    private func schemaDefines(_ property: String, schema: JSONObject, in state: PlatformState) -> Bool {
        let tokens = property.split(separator: "/").map(String.init)
        guard tokens.first == tenantNamespace else { return true }
        let refs = Set(schema["allOf"]?.arrayValue?.compactMap { $0["$ref"]?.stringValue } ?? [])
        let groups = state.fieldGroups.filter { refs.contains($0["$id"]?.stringValue ?? "") }
        for group in groups {
            for definition in (group["definitions"]?.objectValue ?? [:]).values {
                var node: JSONValue? = definition
                var found = true
                for token in tokens {
                    guard let current = node else { break }
                    if current["properties"] == nil, current["$ref"] != nil { break }  // a data type: not resolved
                    guard let next = current["properties"]?[token] else {
                        found = false
                        break
                    }
                    node = next
                }
                if found { return true }
            }
        }
        return false
    }

    private func listDescriptors(_ request: PlatformRequest) throws(HTTPResponseBox) -> HTTPResponse {
        try refuseXedForDescriptors(request, required: true)
        let items = try Self.filter(state.withLock { $0.descriptors }, request)
        let type = request.accept?.mediaType ?? ""
        var grouped: [String: [JSONValue]] = [:]
        for item in items {
            let key = item["@type"]?.stringValue ?? "unknown"
            let id = item["@id"]?.stringValue ?? ""
            switch type {
            case "application/vnd.adobe.xdm-id+json": grouped[key, default: []].append(.string(id))
            case "application/vnd.adobe.xdm-link+json": grouped[key, default: []].append(.string("/tenant/descriptors/\(id)"))
            default: grouped[key, default: []].append(.object(item))
            }
        }
        return HTTPResponse(status: 200, json: .object(grouped.mapValues(JSONValue.array)))
    }

    private func lookUpDescriptor(_ request: PlatformRequest, id: String) throws(HTTPResponseBox) -> HTTPResponse {
        try refuseXedForDescriptors(request, required: false)
        guard let found = state.withLock({ $0.descriptors.first { $0["@id"]?.stringValue == id } }) else {
            throw Self.refusal(PlatformProblem.notFound("Descriptor \(id) not found"))
        }
        return HTTPResponse(status: 200, json: .object(found))
    }

    private func createDescriptor(_ request: PlatformRequest) throws(HTTPResponseBox) -> HTTPResponse {
        try refuseXedForDescriptors(request, required: false)
        var body = try Self.object(request.body)
        let type = try Self.string(body["@type"], "@type")
        guard type.hasPrefix("xdm:") else {
            throw Self.refusal(PlatformProblem.field("@type", "\"\(type)\" is not a descriptor type (e.g. xdm:descriptorIdentity)"))
        }
        let schemaID = try Self.string(body["xdm:sourceSchema"], "xdm:sourceSchema")
        guard body["xdm:sourceVersion"]?.int64Value == 1 else {
            throw Self.refusal(PlatformProblem.field("xdm:sourceVersion", "is required: the schema's major version, 1"))
        }
        let property = try Self.string(body["xdm:sourceProperty"], "xdm:sourceProperty")
        guard property.hasPrefix("/"), !property.hasSuffix("/"), !property.split(separator: "/").contains("properties") else {
            throw Self.refusal(PlatformProblem.field(
                "xdm:sourceProperty", "\"\(property)\" must begin with \"/\", not end with one, and not include \"properties\" (help/xdm/api/descriptors.md)"
            ))
        }
        return try state.withLock { (state: inout PlatformState) throws(HTTPResponseBox) -> HTTPResponse in
            guard let schema = state.schemas.first(where: { $0["$id"]?.stringValue == schemaID }) else {
                throw Self.badRequest("xdm:sourceSchema: Object \(schemaID) with version 1 not found")
            }
            if !schemaDefines(property, schema: schema, in: state) {
                throw Self.badRequest(
                    "(emulator) xdm:sourceProperty \(property) names no field of \(schemaID): none of its tenant field groups defines it"
                )
            }
            if type == "xdm:descriptorIdentity" {
                let namespace = try Self.string(body["xdm:namespace"], "xdm:namespace")
                let known = (Self.standardNamespaces + state.namespaces).contains {
                    $0["code"]?.stringValue == namespace || $0["id"]?.int64Value.map(String.init) == namespace
                }
                guard known else {
                    throw Self.badRequest("xdm:namespace: no identity namespace has the code or id \"\(namespace)\"; create it first (POST /data/core/idnamespace/identities)")
                }
                guard let kind = body["xdm:property"]?.stringValue, kind == "xdm:code" || kind == "xdm:id" else {
                    throw Self.refusal(PlatformProblem.field("xdm:property", "must be \"xdm:code\" or \"xdm:id\""))
                }
                if let primary = body["xdm:isPrimary"], primary.boolValue == nil {
                    throw Self.refusal(PlatformProblem.field("xdm:isPrimary", "must be a boolean"))
                }
                let identities = state.descriptors.filter {
                    $0["@type"]?.stringValue == "xdm:descriptorIdentity" && $0["xdm:sourceSchema"]?.stringValue == schemaID
                }
                if let same = identities.first(where: { $0["xdm:sourceProperty"]?.stringValue == property }) {
                    throw Self.badRequest("(emulator) \(property) of \(schemaID) already has identity descriptor \(same["@id"]?.stringValue ?? "")")
                }
                if body["xdm:isPrimary"]?.boolValue == true,
                   let primary = identities.first(where: { $0["xdm:isPrimary"]?.boolValue == true }) {
                    throw Self.badRequest(
                        "Schemas may contain only one primary identity: \(schemaID) already has \(primary["xdm:sourceProperty"]?.stringValue ?? "?") "
                            + "(descriptor \(primary["@id"]?.stringValue ?? "?"))"
                    )
                }
            }
            let id = Self.hexID(40)
            body["@id"] = .string(id)
            body["meta:containerId"] = "tenant"
            body["imsOrg"] = .string(configuration.imsOrgId)
            body["created"] = Self.number(nowMilliseconds())
            state.descriptors.append(body)
            return HTTPResponse(status: 201, json: .object(body))
        }
    }
}
