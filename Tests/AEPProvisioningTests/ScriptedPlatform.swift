import ChatlioAEPSupport
import AEPStreamingClient
import ChatlioJSON
import Foundation

/// A Platform API in memory, behind ``HTTPTransport``: it records every
/// request, checks the headers each API documents (answering 400 with a
/// problem when one is missing), keeps what was created, answers the
/// documented shapes (help/sources/tutorials/api/create/marketing-automation/chatlio-webhook.md,
/// help/sources/tutorials/api/create/streaming/http.md, help/xdm/api/*.md,
/// help/catalog/api/*.md, help/identity-service/api/*.md in
/// AdobeDocs/experience-platform.en), and plays scripted faults.
final class ScriptedPlatform: HTTPTransport, @unchecked Sendable {
    struct Recorded: Sendable {
        var method: String
        var path: String
        var query: [String: String]
        var headers: [(name: String, value: String)]
        var body: JSONValue?

        func header(_ name: String) -> String? {
            headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
        }
        var isPlatform: Bool { !path.hasPrefix("/ims/") }
        var summary: String { "\(method) \(path)" }
    }

    /// A fault: given a request (and how many requests came before), an answer in place of the real one, or a thrown transport error.
    typealias Fault = @Sendable (Recorded, Int) -> FaultAction?
    enum FaultAction: Sendable {
        case answer(HTTPTransportResponse)
        case noAnswer
    }

    struct State {
        var requests: [Recorded] = []
        var violations: [String] = []
        /// Flow Service items by collection.
        var flowService: [String: [JSONValue]] = [:]
        var fieldGroups: [JSONValue] = []
        var schemas: [JSONValue] = []
        var descriptors: [JSONValue] = []
        var namespaces: [JSONValue] = [
            ["id": 4, "code": "ECID", "name": "ECID", "idType": "COOKIE", "custom": false],
            ["id": 6, "code": "Email", "name": "Email", "idType": "Email", "custom": false],
        ]
        var datasets: [String: JSONValue] = [:]
        var mappingSets: [String: JSONValue] = [:]
        var faults: [Fault] = []
        var counter = 0
        var tokensIssued = 0
    }

    let state = Locked(State())
    let tenant: String
    let clientSecret: String
    let orgID: String
    let sandbox: String

    init(tenant: String = "acme", clientSecret: String = "p8e-S3cret+/=", orgID: String = "ABC123@AdobeOrg", sandbox: String = "dev") {
        self.tenant = tenant
        self.clientSecret = clientSecret
        self.orgID = orgID
        self.sandbox = sandbox
    }

    var requests: [Recorded] { state.withLock { $0.requests } }
    var platformRequests: [Recorded] { requests.filter(\.isPlatform) }
    var violations: [String] { state.withLock { $0.violations } }

    /// Adds a fault, consulted before the real answer (first match wins).
    func inject(_ fault: @escaping Fault) { state.withLock { $0.faults.append(fault) } }
    func clearFaults() { state.withLock { $0.faults.removeAll() } }

    func send(_ request: HTTPTransportRequest) async throws(AEPStreamingClientError) -> HTTPTransportResponse {
        let components = URLComponents(url: request.url, resolvingAgainstBaseURL: false)
        let path = (components?.percentEncodedPath ?? "")
        var query: [String: String] = [:]
        for item in components?.queryItems ?? [] { query[item.name] = item.value ?? "" }
        let body = request.body.isEmpty ? nil : try? JSONValue(parsing: request.body)
        let recorded = Recorded(method: request.method, path: path, query: query, headers: request.headers, body: body)
        let (index, faults) = state.withLock { state in
            state.requests.append(recorded)
            return (state.requests.count - 1, state.faults)
        }
        for fault in faults {
            switch fault(recorded, index) {
            case .answer(let response)?: return response
            case .noAnswer?: throw AEPStreamingClientError(.transport, "connection reset by the scripted platform")
            case nil: continue
            }
        }
        if path == "/ims/token/v3" { return token(request) }
        if let problem = headerProblem(recorded) {
            state.withLock { $0.violations.append("\(recorded.summary): \(problem)") }
            return Self.problem(400, title: "Bad request", detail: problem)
        }
        return route(recorded)
    }

    // MARK: Headers

    /// What the documented headers lack, or nil.
    private func headerProblem(_ request: Recorded) -> String? {
        guard let authorization = request.header("Authorization"), authorization.hasPrefix("Bearer tok-") else { return "Authorization: Bearer {ACCESS_TOKEN} is missing" }
        if request.header("x-api-key") != "client-1" { return "x-api-key is missing or wrong" }
        if request.header("x-gw-ims-org-id") != orgID { return "x-gw-ims-org-id is missing or wrong" }
        if request.header("x-sandbox-name") != sandbox { return "x-sandbox-name is missing or wrong" }
        if request.body != nil, request.header("Content-Type") != "application/json" { return "Content-Type: application/json is missing" }
        if request.path.hasPrefix("/data/foundation/schemaregistry/tenant/descriptors") {
            if request.header("Accept") != "application/vnd.adobe.xdm+json" { return "descriptors need Accept: application/vnd.adobe.xdm+json (xdm, not xed)" }
        } else if request.path.hasPrefix("/data/foundation/schemaregistry/"), request.method == "GET" {
            let listing = request.query["property"] != nil
            let wanted = listing ? "application/vnd.adobe.xed-id+json" : "application/vnd.adobe.xed+json; version=1"
            if request.header("Accept") != wanted { return "Accept: \(wanted) is missing" }
        }
        return nil
    }

    private func token(_ request: HTTPTransportRequest) -> HTTPTransportResponse {
        let form = String(decoding: request.body, as: UTF8.self)
        guard form.contains("client_id=client-1"), form.contains("grant_type=client_credentials") else {
            return HTTPTransportResponse(status: 400, body: Data(#"{"error":"invalid_client"}"#.utf8))
        }
        let n = state.withLock { state in
            state.tokensIssued += 1
            return state.tokensIssued
        }
        return Self.json(200, ["access_token": .string("tok-\(n)-abcdefghijklmnopqrstuvwxyz"), "token_type": "bearer", "expires_in": 86399])
    }

    // MARK: Routing

    private func nextID() -> String {
        state.withLock { state in
            state.counter += 1
            return String(format: "%08x-0000-4000-8000-%012x", state.counter, state.counter)
        }
    }

    private func route(_ request: Recorded) -> HTTPTransportResponse {
        let segments = request.path.split(separator: "/").map { String($0).removingPercentEncoding ?? String($0) }
        let rest = Array(segments.dropFirst(2))
        func match(_ method: String, _ pattern: String) -> [String]? {
            let parts = pattern.split(separator: "/").map(String.init)
            guard request.method == method, rest.count == parts.count else { return nil }
            var captures: [String] = []
            for (part, segment) in zip(parts, rest) {
                if part == "*" { captures.append(segment) } else if part != segment { return nil }
            }
            return captures
        }
        if let c = match("POST", "flowservice/*") {
            let collection = c[0]
            return createFlowServiceItem(collection, request.body)
        }
        if let c = match("GET", "flowservice/*") {
            let collection = c[0]
            let name = Self.filterValue(request.query["property"], "name")
            let items = state.withLock { $0.flowService[collection] ?? [] }.filter { name == nil || $0["name"]?.stringValue == name }
            return Self.json(200, ["items": .array(items)])
        }
        if let c = match("GET", "flowservice/*/*") {
            let collection = c[0]
            let id = c[1]
            guard let item = state.withLock({ $0.flowService[collection] ?? [] }).first(where: { $0["id"]?.stringValue == id }) else {
                return Self.problem(404, title: "Not found", detail: "no \(collection) \(id)")
            }
            return Self.json(200, ["items": [item]])
        }
        if match("POST", "schemaregistry/tenant/fieldgroups") != nil {
            return createResource(\.fieldGroups, kind: "mixins", request.body)
        }
        if match("GET", "schemaregistry/tenant/fieldgroups") != nil {
            return listResources(\.fieldGroups, request)
        }
        if let c = match("GET", "schemaregistry/tenant/fieldgroups/*") {
            let id = c[0]
            return lookupResource(\.fieldGroups, id)
        }
        if let c = match("PATCH", "schemaregistry/tenant/fieldgroups/*") {
            let id = c[0]
            return patchResource(\.fieldGroups, id, request.body)
        }
        if match("POST", "schemaregistry/tenant/schemas") != nil {
            return createResource(\.schemas, kind: "schemas", request.body)
        }
        if match("GET", "schemaregistry/tenant/schemas") != nil {
            return listResources(\.schemas, request)
        }
        if let c = match("GET", "schemaregistry/tenant/schemas/*") {
            let id = c[0]
            return lookupResource(\.schemas, id)
        }
        if let c = match("PATCH", "schemaregistry/tenant/schemas/*") {
            let id = c[0]
            return patchResource(\.schemas, id, request.body)
        }
        if match("GET", "schemaregistry/tenant/descriptors") != nil {
            let descriptors = state.withLock { $0.descriptors }
            return Self.json(200, descriptors.isEmpty ? [:] : ["xdm:descriptorIdentity": .array(descriptors)])
        }
        if match("POST", "schemaregistry/tenant/descriptors") != nil {
            guard var body = request.body?.objectValue, body["@type"] == "xdm:descriptorIdentity", body["xdm:sourceSchema"]?.stringValue != nil else {
                return Self.problem(400, title: "Invalid descriptor", detail: "@type and xdm:sourceSchema are required")
            }
            body["@id"] = .string(nextID().replacingOccurrences(of: "-", with: ""))
            body["meta:containerId"] = "tenant"
            state.withLock { $0.descriptors.append(.object(body)) }
            return Self.json(201, .object(body))
        }
        if match("GET", "idnamespace/identities") != nil {
            return Self.json(200, .array(state.withLock { $0.namespaces }))
        }
        if match("POST", "idnamespace/identities") != nil {
            guard var body = request.body?.objectValue, let code = body["code"]?.stringValue, body["idType"]?.stringValue != nil else {
                return Self.problem(400, title: "Invalid namespace", detail: "code and idType are required")
            }
            if state.withLock({ $0.namespaces }).contains(where: { $0["code"]?.stringValue?.lowercased() == code.lowercased() }) {
                return Self.problem(409, title: "Conflict", detail: "namespace \(code) exists")
            }
            body["id"] = .number(JSONNumber(10_093_197 + state.withLock { $0.namespaces.count }))
            body["custom"] = true
            body["status"] = "ACTIVE"
            state.withLock { $0.namespaces.append(.object(body)) }
            return Self.json(200, .object(body))
        }
        if match("POST", "catalog/dataSets") != nil {
            guard let body = request.body, body["name"]?.stringValue != nil, body["schemaRef"]?["id"]?.stringValue != nil else {
                return Self.problem(400, title: "Invalid dataset", detail: "name and schemaRef.id are required")
            }
            let id = String(nextID().replacingOccurrences(of: "-", with: "").prefix(24))
            state.withLock { $0.datasets[id] = body }
            return Self.json(201, [.string("@/dataSets/\(id)")])
        }
        if match("GET", "catalog/dataSets") != nil {
            let name = Self.filterValue(request.query["property"], "name")
            let matching = state.withLock { $0.datasets }.filter { name == nil || $0.value["name"]?.stringValue == name }
            return Self.json(200, .object(matching))
        }
        if let c = match("GET", "catalog/dataSets/*") {
            let id = c[0]
            guard let dataset = state.withLock({ $0.datasets[id] }) else { return Self.problem(404, title: "Not found", detail: "no dataset \(id)") }
            return Self.json(200, [id: dataset])
        }
        if match("POST", "conversion/mappingSets") != nil {
            guard let body = request.body, body["outputSchema"]?["schemaRef"]?["id"]?.stringValue != nil, body["mappings"]?.arrayValue != nil else {
                return Self.problem(400, title: "Invalid mapping set", detail: "outputSchema.schemaRef.id and mappings are required")
            }
            let id = nextID().replacingOccurrences(of: "-", with: "")
            state.withLock { $0.mappingSets[id] = body }
            return Self.json(200, ["id": .string(id), "version": 0, "createdDate": 1_676_875_099_546])
        }
        if let c = match("GET", "conversion/mappingSets/*") {
            let id = c[0]
            guard state.withLock({ $0.mappingSets[id] }) != nil else { return Self.problem(404, title: "Not found", detail: "no mapping set \(id)") }
            return Self.json(200, ["id": .string(id), "version": 0])
        }
        return Self.problem(404, title: "No such route", detail: request.summary)
    }

    private func createFlowServiceItem(_ collection: String, _ body: JSONValue?) -> HTTPTransportResponse {
        guard var item = body?.objectValue, item["name"]?.stringValue != nil else {
            return Self.problem(400, title: "Invalid \(collection)", detail: "name is required")
        }
        let id = nextID()
        item["id"] = .string(id)
        let inlet = "https://dcs.adobedc.net/collection/" + id.replacingOccurrences(of: "-", with: "")
        if collection == "connections" {
            guard var auth = item["auth"]?.objectValue, var params = auth["params"]?.objectValue else {
                return Self.problem(400, title: "Invalid connection", detail: "auth.params is required")
            }
            params["inletUrl"] = .string(inlet)
            auth["params"] = .object(params)
            item["auth"] = .object(auth)
        }
        if collection == "flows", item["flowSpec"]?["id"]?.stringValue == "e77fde5a-22a8-11ed-861d-0242ac120002" {
            item["options"] = ["inletUrl": .string(inlet)]
        }
        item["etag"] = "\"0100\""
        state.withLock { $0.flowService[collection, default: []].append(.object(item)) }
        return Self.json(201, ["id": .string(id), "etag": "\"0100\""])
    }

    private func createResource(_ store: WritableKeyPath<State, [JSONValue]>, kind: String, _ body: JSONValue?) -> HTTPTransportResponse {
        guard var object = body?.objectValue, object["title"]?.stringValue != nil else {
            return Self.problem(400, title: "Invalid resource", detail: "title is required")
        }
        let id = "https://ns.adobe.com/\(tenant)/\(kind)/" + nextID().replacingOccurrences(of: "-", with: "")
        object["$id"] = .string(id)
        object["meta:altId"] = .string("_\(tenant).\(kind).x")
        object["version"] = "1.0"
        state.withLock { $0[keyPath: store].append(.object(object)) }
        return Self.json(201, .object(object))
    }

    private func listResources(_ store: KeyPath<State, [JSONValue]>, _ request: Recorded) -> HTTPTransportResponse {
        let title = Self.filterValue(request.query["property"], "title")
        let results = state.withLock { $0[keyPath: store] }.filter { title == nil || $0["title"]?.stringValue == title }.map { resource -> JSONValue in
            ["$id": resource["$id"] ?? .null, "title": resource["title"] ?? .null, "version": resource["version"] ?? .null]
        }
        return Self.json(200, ["results": .array(results), "_page": ["count": .number(JSONNumber(results.count))]])
    }

    private func lookupResource(_ store: KeyPath<State, [JSONValue]>, _ id: String) -> HTTPTransportResponse {
        guard let resource = state.withLock({ $0[keyPath: store] }).first(where: { $0["$id"]?.stringValue == id }) else {
            return Self.problem(404, title: "Not found", detail: "no resource \(id)")
        }
        return Self.json(200, resource)
    }

    private func patchResource(_ store: WritableKeyPath<State, [JSONValue]>, _ id: String, _ body: JSONValue?) -> HTTPTransportResponse {
        guard let operations = body?.arrayValue else { return Self.problem(400, title: "Invalid patch", detail: "a JSON Patch array is required") }
        return state.withLock { state -> HTTPTransportResponse in
            guard let index = state[keyPath: store].firstIndex(where: { $0["$id"]?.stringValue == id }),
                  var object = state[keyPath: store][index].objectValue
            else { return Self.problem(404, title: "Not found", detail: "no resource \(id)") }
            for operation in operations {
                switch (operation["op"]?.stringValue, operation["path"]?.stringValue) {
                case ("replace", "/definitions"?), ("add", "/definitions"?): object["definitions"] = operation["value"]
                case ("add", "/allOf/-"?): object["allOf"] = .array((object["allOf"]?.arrayValue ?? []) + [operation["value"] ?? .null])
                case ("add", "/meta:immutableTags"?): object["meta:immutableTags"] = operation["value"]
                default: return Self.problem(400, title: "Unsupported patch", detail: "\(operation)")
                }
            }
            state[keyPath: store][index] = .object(object)
            return Self.json(200, .object(object))
        }
    }

    // MARK: Seeding, for tests of existing objects

    func seedFieldGroup(_ json: JSONValue) -> String {
        let id = "https://ns.adobe.com/\(tenant)/mixins/seeded"
        var object = json.objectValue ?? [:]
        object["$id"] = .string(id)
        state.withLock { $0.fieldGroups.append(.object(object)) }
        return id
    }

    func seedSchema(_ json: JSONValue) -> String {
        let id = "https://ns.adobe.com/\(tenant)/schemas/seeded"
        var object = json.objectValue ?? [:]
        object["$id"] = .string(id)
        state.withLock { $0.schemas.append(.object(object)) }
        return id
    }

    func count(_ collection: String) -> Int {
        state.withLock { state in
            switch collection {
            case "fieldGroups": state.fieldGroups.count
            case "schemas": state.schemas.count
            case "descriptors": state.descriptors.count
            case "datasets": state.datasets.count
            case "mappingSets": state.mappingSets.count
            case "namespaces": state.namespaces.count
            default: state.flowService[collection]?.count ?? 0
            }
        }
    }

    func resource(_ store: KeyPath<State, [JSONValue]>, _ id: String) -> JSONValue? {
        state.withLock { $0[keyPath: store] }.first { $0["$id"]?.stringValue == id }
    }

    // MARK: Answers

    static func filterValue(_ property: String?, _ name: String) -> String? {
        guard let property, property.hasPrefix(name + "==") else { return nil }
        return String(property.dropFirst(name.count + 2))
    }

    static func json(_ status: Int, _ value: JSONValue, headers: [String: String] = [:]) -> HTTPTransportResponse {
        var headers = headers
        headers["Content-Type"] = "application/json"
        return HTTPTransportResponse(status: status, headers: headers, body: Data(value.serialized(sortedKeys: true)))
    }

    static func problem(_ status: Int, title: String, detail: String, message: String? = nil, headers: [String: String] = [:]) -> HTTPTransportResponse {
        var object: JSONObject = [
            "type": "https://ns.adobe.com/aep/errors/test", "status": .number(JSONNumber(status)), "title": .string(title), "detail": .string(detail),
        ]
        if let message { object["report"] = ["message": .string(message)] }
        return json(status, .object(object), headers: headers)
    }
}
