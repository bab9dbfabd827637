import ChatlioAEPSupport
import ChatlioJSON
import Foundation

/// `/data/foundation/conversion/mappingSets`: create, list and look up Data Prep mapping sets.
///
/// - help/data-prep/api/mapping-set.md: the create body (`outputSchema.schemaRef`, `mappings` with
///   `sourceType` ATTRIBUTE or EXPRESSION, `source`, `destination`) and its 200 answer
///   (`id`, `version`, `createdDate`, `modifiedDate`, `createdBy`, `modifiedBy`); listing needs both
///   `limit` and `start` and answers `{data, _page}`; `name` filters.
/// - help/sources/tutorials/api/create/marketing-automation/chatlio-webhook.md and
///   help/sources/tutorials/api/create/streaming/http.md: the older mapping form
///   (`sourceAttribute`, `destinationXdmPath`, and `xdmSchema` in place of `outputSchema`).
/// - `sourceType` `STATIC` (a constant) is not in mapping-set.md's table; the emulator accepts it
///   leniently.
/// - Expressions are checked at creation (``DataPrepMappingSet``: syntax, documented function names,
///   argument counts, literal patterns) and a bad one is answered 400 naming the mapping's index,
///   destination and problem. mapping-set.md documents validation as its own call, "Validate
///   mappings" (`POST /mappingSets/validate`, 200 with `validationResponse`: one `{status, errors}`
///   per mapping, `SUCCESS` and `errors: null` when it is sound), but not the answer to creating an
///   invalid set; the emulator refuses it, since a set that cannot evaluate would fail every row.
///   It serves `/validate` (a failing mapping gets `status` `FAILURE` and `errors`
///   `[{"code", "message"}]`: that shape is the emulator's, mapping-set.md shows only success) and
///   "Preview data for mappings" (`POST /mappingSets/preview`, `{data, mappingSet}` → one
///   `{data, errors}` per input row).
extension PlatformService {
    static let mappingSourceTypes = ["ATTRIBUTE", "EXPRESSION", "STATIC"]

    func mappingSets(_ request: PlatformRequest) throws(HTTPResponseBox) -> HTTPResponse {
        switch (request.method, request.segments.first) {
        case ("POST", nil): return try createMappingSet(request)
        case ("POST", "validate"?) where request.segments.count == 1: return try validateMappings(request)
        case ("POST", "preview"?) where request.segments.count == 1: return try previewMappings(request)
        case ("GET", nil): return try listMappingSets(request)
        case ("GET", let id?):
            guard let found = state.withLock({ $0.mappingSets.first { $0["id"]?.stringValue == id } }) else {
                throw Self.refusal(PlatformProblem.notFound("Mapping set \(id) not found"))
            }
            if let version = request.query("version"), version != "0" {
                throw Self.refusal(PlatformProblem.notFound("Mapping set \(id) has no version \(version) (emulator: every mapping set has version 0)"))
            }
            return HTTPResponse(status: 200, json: .object(found))
        default:
            let allowed = request.segments.isEmpty ? "GET, POST" : ["validate", "preview"].contains(request.segments[0]) ? "POST" : "GET"
            return PlatformProblem.methodNotAllowed(request.method, allowed: allowed)
        }
    }

    /// The mapping set a body describes, or the 400 naming the mapping at fault.
    static func readMappingSet(_ body: JSONObject) throws(HTTPResponseBox) -> DataPrepMappingSet {
        do throws(DataPrepError) {
            return try DataPrepMappingSet(.object(body))
        } catch {
            throw badRequest("\(error) (help/data-prep/functions.md)")
        }
    }

    private func validateMappings(_ request: PlatformRequest) throws(HTTPResponseBox) -> HTTPResponse {
        let body = try Self.object(request.body)
        guard let mappings = body["mappings"]?.arrayValue, !mappings.isEmpty else {
            throw Self.refusal(PlatformProblem.field("mappings", "is required: a non-empty array of mappings"))
        }
        var failures: [Int: DataPrepError] = [:]
        for (index, mapping) in mappings.enumerated() {
            do throws(DataPrepError) {
                _ = try DataPrepMappingSet(["mappings": [mapping]])
            } catch {
                failures[index] = error.at(index, destination: error.destination)
            }
        }
        if failures.isEmpty {
            do throws(DataPrepError) {
                _ = try DataPrepMappingSet(.object(body))
            } catch {
                if let index = error.mappingIndex { failures[index] = error }
            }
        }
        let answers: [JSONValue] = mappings.indices.map { index in
            guard let failure = failures[index] else { return ["status": "SUCCESS", "errors": .null] }
            return ["status": "FAILURE", "errors": [["code": .string(failure.code.description), "message": .string(failure.description)]]]
        }
        return HTTPResponse(status: 200, json: ["validationResponse": .array(answers)])
    }

    private func previewMappings(_ request: PlatformRequest) throws(HTTPResponseBox) -> HTTPResponse {
        let body = try Self.object(request.body)
        guard let rows = body["data"]?.arrayValue else {
            throw Self.refusal(PlatformProblem.field("data", "is required: an array of source rows"))
        }
        guard let setBody = body["mappingSet"]?.objectValue else {
            throw Self.refusal(PlatformProblem.field("mappingSet", "is required: {outputSchema, mappings}"))
        }
        let set = try Self.readMappingSet(setBody)
        let answers: [JSONValue] = rows.map { row in
            let mapped = set.apply(to: row)
            let errors: JSONValue = mapped.errors.isEmpty ? .null : .array(mapped.errors.map { .string($0.description) })
            return ["data": .object(mapped.entity), "errors": errors]
        }
        return HTTPResponse(status: 200, json: .array(answers))
    }

    private func createMappingSet(_ request: PlatformRequest) throws(HTTPResponseBox) -> HTTPResponse {
        var body = try Self.object(request.body)
        let schemaID: String
        if body["outputSchema"] != nil || body["xdmSchema"] == nil {
            schemaID = try Self.string(body["outputSchema"]?["schemaRef"]?["id"], "outputSchema.schemaRef.id")
            let contentType = try Self.string(body["outputSchema"]?["schemaRef"]?["contentType"], "outputSchema.schemaRef.contentType")
            guard Self.isSchemaContentType(contentType) else {
                throw Self.refusal(PlatformProblem.field(
                    "outputSchema.schemaRef.contentType", "\"\(contentType)\" is not a schema format such as application/vnd.adobe.xed-full+json;version=1"
                ))
            }
        } else {
            schemaID = try Self.string(body["xdmSchema"], "xdmSchema")
        }
        guard let mappings = body["mappings"]?.arrayValue, !mappings.isEmpty else {
            throw Self.refusal(PlatformProblem.field("mappings", "is required: a non-empty array of mappings"))
        }
        for (index, mapping) in mappings.enumerated() {
            let path = "mappings[\(index)]"
            guard mapping.objectValue != nil else { throw Self.refusal(PlatformProblem.field(path, "must be an object")) }
            if let sourceType = mapping["sourceType"] {
                guard let text = sourceType.stringValue, Self.mappingSourceTypes.contains(text) else {
                    throw Self.refusal(PlatformProblem.field("\(path).sourceType", "must be one of \(Self.mappingSourceTypes.joined(separator: ", "))"))
                }
                _ = try Self.string(mapping["source"], "\(path).source")
                _ = try Self.string(mapping["destination"], "\(path).destination")
            } else if mapping["sourceAttribute"] != nil || mapping["destinationXdmPath"] != nil {
                _ = try Self.string(mapping["sourceAttribute"], "\(path).sourceAttribute")
                _ = try Self.string(mapping["destinationXdmPath"], "\(path).destinationXdmPath")
            } else {
                throw Self.refusal(PlatformProblem.field(path, "needs sourceType, source and destination (or sourceAttribute and destinationXdmPath)"))
            }
        }
        _ = try Self.readMappingSet(body)
        let now = Self.number(nowMilliseconds())
        let id = Self.hexID(32)
        return try state.withLock { (state: inout PlatformState) throws(HTTPResponseBox) -> HTTPResponse in
            guard state.schemas.contains(where: { $0["$id"]?.stringValue == schemaID }) else {
                throw Self.badRequest("The output schema \(schemaID) was not found: Object \(schemaID) with version 1 not found")
            }
            let answer: JSONObject = [
                "id": .string(id), "version": 0, "createdDate": now, "modifiedDate": now,
                "createdBy": .string("emulated@AdobeID"), "modifiedBy": .string("emulated@AdobeID"),
            ]
            body.merge(answer) { _, new in new }
            body["status"] = "PUBLISHED"
            body["xdmSchema"] = .string(schemaID)
            state.mappingSets.append(body)
            return HTTPResponse(status: 200, json: .object(answer))
        }
    }

    private func listMappingSets(_ request: PlatformRequest) throws(HTTPResponseBox) -> HTTPResponse {
        guard let limitText = request.query("limit"), let startText = request.query("start") else {
            throw Self.badRequest("limit and start are both required when listing mapping sets (help/data-prep/api/mapping-set.md \"List mapping sets\")")
        }
        guard let limit = Int(limitText), limit > 0, let start = Int(startText), start >= 0 else {
            throw Self.badRequest("limit=\(limitText) must be a positive integer and start=\(startText) a non-negative one")
        }
        var items = state.withLock { $0.mappingSets }
        if let name = request.query("name") { items = items.filter { $0["name"]?.stringValue == name } }
        items = try Self.filter(items, request)
        let page = Array(items.dropFirst(start).prefix(limit))
        return HTTPResponse(status: 200, json: [
            "data": .array(page.map(JSONValue.object)),
            "_page": ["count": .number(JSONNumber(page.count)), "limit": .number(JSONNumber(limit))],
        ])
    }
}
