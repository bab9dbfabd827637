import ChatlioAEPSupport
import ChatlioJSON
import Foundation

/// `/data/foundation/catalog/dataSets`: create, list and look up datasets.
///
/// - help/catalog/api/create-dataset.md: `name`, `schemaRef.id`, `schemaRef.contentType`; 201 with
///   `["@/dataSets/{DATASET_ID}"]`.
/// - help/catalog/api/filter-data.md: `limit` (1…100, default 20, invalid → 400), `start`, `properties`,
///   simple filters (`name=a,b`, `name=!a`) and `property=` expressions; lists answer an object keyed by id.
/// - help/catalog/api/look-up-object.md: a look-up answers `{ "{id}": {…} }`.
extension PlatformService {
    private static let catalogReservedQueries: Set<String> = ["limit", "start", "properties", "property", "orderBy", "requestDataSource"]

    func dataSets(_ request: PlatformRequest) throws(HTTPResponseBox) -> HTTPResponse {
        switch (request.method, request.segments.first) {
        case ("POST", nil): return try createDataSet(request)
        case ("GET", nil): return try listDataSets(request)
        case ("GET", let id?):
            guard let found = state.withLock({ $0.dataSets.first { $0.id == id } }) else {
                throw Self.refusal(PlatformProblem.notFound("Dataset \(id) not found"))
            }
            return HTTPResponse(status: 200, json: [id: .object(Self.project(found.value, request))])
        default:
            return PlatformProblem.methodNotAllowed(request.method, allowed: request.segments.isEmpty ? "GET, POST" : "GET")
        }
    }

    private func createDataSet(_ request: PlatformRequest) throws(HTTPResponseBox) -> HTTPResponse {
        var body = try Self.object(request.body)
        _ = try Self.string(body["name"], "name")
        let schemaID = try Self.string(body["schemaRef"]?["id"], "schemaRef.id")
        let contentType = try Self.string(body["schemaRef"]?["contentType"], "schemaRef.contentType")
        guard Self.isSchemaContentType(contentType) else {
            throw Self.refusal(PlatformProblem.field(
                "schemaRef.contentType", "\"\(contentType)\" is not a schema format and version such as application/vnd.adobe.xed-full+json;version=1"
            ))
        }
        if let tags = body["tags"] {
            guard let object = tags.objectValue, object.values.allSatisfy({ $0.arrayValue?.allSatisfy { $0.stringValue != nil } == true }) else {
                throw Self.refusal(PlatformProblem.field("tags", "must map each tag name to an array of strings"))
            }
        }
        let now = Self.number(nowMilliseconds())
        let id = Self.hexID(24)
        return try state.withLock { (state: inout PlatformState) throws(HTTPResponseBox) -> HTTPResponse in
            guard state.schemas.contains(where: { $0["$id"]?.stringValue == schemaID }) else {
                throw Self.badRequest("schemaRef.id: Object \(schemaID) with version 1 not found")
            }
            body["imsOrg"] = .string(configuration.imsOrgId)
            body["created"] = now
            body["updated"] = now
            body["version"] = "1.0.0"
            body["state"] = "DRAFT"
            state.dataSets.append((id, body))
            return HTTPResponse(status: 201, json: [.string("@/dataSets/\(id)")])
        }
    }

    private func listDataSets(_ request: PlatformRequest) throws(HTTPResponseBox) -> HTTPResponse {
        var limit = 20
        if let text = request.query("limit") {
            guard let value = Int(text), (1 ... 100).contains(value) else {
                throw Self.badRequest("limit=\(text) must be an integer from 1 to 100 (help/catalog/api/filter-data.md)")
            }
            limit = value
        }
        var start = 0
        if let text = request.query("start") {
            guard let value = Int(text), value >= 0 else { throw Self.badRequest("start=\(text) must be a non-negative integer") }
            start = value
        }
        var entries = state.withLock { $0.dataSets }
        let kept = Set(try Self.filter(entries.map { $0.value.merging(["__id": .string($0.id)]) { a, _ in a } }, request).compactMap { $0["__id"]?.stringValue })
        entries = entries.filter { kept.contains($0.id) }
        for (name, value) in request.queryItems where !Self.catalogReservedQueries.contains(name) {
            let negated = value.hasPrefix("!")
            let alternatives = (negated ? String(value.dropFirst()) : value).split(separator: ",").map(String.init)
            entries = entries.filter { entry in
                let text = entry.value[name]?.stringValue
                let hit = text.map { candidate in alternatives.contains { Self.catalogNameMatches(candidate, pattern: $0) } } ?? false
                return negated ? !hit : hit
            }
        }
        var result: JSONObject = [:]
        for entry in entries.dropFirst(start).prefix(limit) { result[entry.id] = .object(Self.project(entry.value, request)) }
        return HTTPResponse(status: 200, json: .object(result))
    }

    /// `name` filters take `*` wildcards; `**` is a literal asterisk (filter-data.md, the note on `name`).
    static func catalogNameMatches(_ candidate: String, pattern: String) -> Bool {
        guard pattern.contains("*") else { return candidate == pattern }
        var regex = "^"
        var characters = Array(pattern)[...]
        while let character = characters.first {
            characters = characters.dropFirst()
            if character == "*" {
                if characters.first == "*" {
                    characters = characters.dropFirst()
                    regex += "\\*"
                } else {
                    regex += ".*"
                }
            } else {
                regex += NSRegularExpression.escapedPattern(for: String(character))
            }
        }
        return candidate.range(of: regex + "$", options: .regularExpression) != nil
    }

    /// Keeps only the top-level `properties=` the request names.
    static func project(_ object: JSONObject, _ request: PlatformRequest) -> JSONObject {
        guard let names = request.query("properties") else { return object }
        let wanted = Set(names.split(separator: ",").map(String.init))
        return object.filter { wanted.contains($0.key) }
    }
}
