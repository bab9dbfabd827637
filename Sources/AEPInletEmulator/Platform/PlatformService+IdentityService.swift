import ChatlioAEPSupport
import ChatlioJSON
import Foundation

/// `/data/core/idnamespace/identities`: list, look up and create identity namespaces.
///
/// - help/identity-service/api/create-custom-namespace.md: the create body (`name`, `code`,
///   `description`, `idType`) and its response (`id`, `code`, `status`, `custom`, times).
/// - help/identity-service/api/list-namespaces.md: listing answers an array of namespaces.
extension PlatformService {
    /// The standard namespaces the emulator knows, a small subset of Adobe's: CORE, ECID and AdCloud
    /// as list-namespaces.md shows them; Email and Phone (standard codes the identity descriptors name,
    /// descriptors.md) with ids the emulator chose.
    static let standardNamespaces: [JSONObject] = [
        ["id": 0, "code": "CORE", "name": "CORE", "idType": "COOKIE", "status": "ACTIVE", "custom": false],
        ["id": 4, "code": "ECID", "name": "ECID", "idType": "COOKIE", "status": "ACTIVE", "custom": false],
        ["id": 411, "code": "AdCloud", "name": "AdCloud", "idType": "COOKIE", "status": "ACTIVE", "custom": false],
        ["id": 6, "code": "Email", "name": "Email", "idType": "EMAIL", "status": "ACTIVE", "custom": false],
        ["id": 7, "code": "Phone", "name": "Phone", "idType": "PHONE", "status": "ACTIVE", "custom": false],
    ]
    /// The identity types a namespace may have (the identity namespace overview); compared case-insensitively,
    /// since Adobe's own example sends `Cross_device`.
    static let identityTypes = ["COOKIE", "CROSS_DEVICE", "DEVICE", "EMAIL", "MOBILE", "NON_PEOPLE", "PHONE"]

    func identityNamespaces(_ request: PlatformRequest) throws(HTTPResponseBox) -> HTTPResponse {
        switch (request.method, request.segments.first) {
        case ("GET", nil):
            let all = Self.standardNamespaces + state.withLock { $0.namespaces }
            return HTTPResponse(status: 200, json: .array(try Self.filter(all, request).map(JSONValue.object)))
        case ("GET", let id?):
            let all = Self.standardNamespaces + state.withLock { $0.namespaces }
            guard let found = all.first(where: { $0["id"]?.int64Value.map(String.init) == id }) else {
                throw Self.refusal(PlatformProblem.notFound("No identity namespace has the id \(id)"))
            }
            return HTTPResponse(status: 200, json: .object(found))
        case ("POST", nil):
            return try createNamespace(request)
        default:
            return PlatformProblem.methodNotAllowed(request.method, allowed: request.segments.isEmpty ? "GET, POST" : "GET")
        }
    }

    private func createNamespace(_ request: PlatformRequest) throws(HTTPResponseBox) -> HTTPResponse {
        let body = try Self.object(request.body)
        let name = try Self.string(body["name"], "name")
        let code = try Self.string(body["code"], "code")
        let idType = try Self.string(body["idType"], "idType")
        guard Self.identityTypes.contains(idType.uppercased()) else {
            throw Self.refusal(PlatformProblem.field("idType", "\"\(idType)\" is not one of \(Self.identityTypes.joined(separator: ", "))"))
        }
        if let description = body["description"], description.stringValue == nil {
            throw Self.refusal(PlatformProblem.field("description", "must be a string"))
        }
        let now = Self.number(nowMilliseconds())
        return try state.withLock { (state: inout PlatformState) throws(HTTPResponseBox) -> HTTPResponse in
            if let clash = (Self.standardNamespaces + state.namespaces).first(where: { $0["code"]?.stringValue?.lowercased() == code.lowercased() }) {
                throw Self.badRequest("A namespace with the code \(clash["code"]?.stringValue ?? code) already exists (id \(clash["id"]?.int64Value ?? 0))")
            }
            var namespace: JSONObject = [
                "id": Self.number(Int64(state.nextNamespaceID)), "code": .string(code), "name": .string(name), "idType": .string(idType),
                "status": "ACTIVE", "custom": true, "createTime": now, "updateTime": now,
            ]
            namespace["description"] = body["description"]
            state.nextNamespaceID += 1
            state.namespaces.append(namespace)
            return HTTPResponse(status: 200, json: .object(namespace))
        }
    }
}
