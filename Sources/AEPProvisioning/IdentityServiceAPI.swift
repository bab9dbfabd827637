public import ChatlioJSON

/// Identity Service namespace requests.
///
/// Pages (AdobeDocs/experience-platform.en):
/// help/identity-service/api/list-namespaces.md (`GET /idnamespace/identities`
/// answers an array of `{"id", "code", "name", "idType", "custom", …}`) and
/// help/identity-service/api/create-custom-namespace.md
/// (`POST /idnamespace/identities` with `name`, `code`, `description`, `idType`).
///
/// ```swift
/// let namespaces = try IdentityServiceAPI.Namespace.list(try await client.send(IdentityServiceAPI.listNamespaces()))
/// ```
public enum IdentityServiceAPI {
    /// The service's base path.
    public static let basePath = "/data/core/idnamespace"
    static let service = "Identity Service"

    /// `GET /identities`.
    public static func listNamespaces() -> PlatformRequest {
        PlatformRequest(service: service, method: "GET", path: basePath + "/identities")
    }

    /// `POST /identities`.
    public static func createNamespace(_ body: NamespaceBody) -> PlatformRequest {
        PlatformRequest(service: service, method: "POST", path: basePath + "/identities", body: body.json)
    }

    /// A custom namespace to create.
    public struct NamespaceBody: Sendable, Hashable {
        /// The display name.
        public var name: String
        /// The code identities use (`ChatlioVisitor`).
        public var code: String
        /// A description.
        public var description: String
        /// The identity type; a browser-kept visitor id is a `COOKIE` id (as `ECID` is).
        public var idType: String

        /// The Chatlio visitor UUID namespace.
        public static let chatlioVisitor = NamespaceBody(
            name: "Chatlio Visitor", code: "ChatlioVisitor", description: "The visitor UUID Chatlio keeps in the browser.", idType: "COOKIE"
        )

        /// Creates a body.
        public init(name: String, code: String, description: String, idType: String) {
            self.name = name
            self.code = code
            self.description = description
            self.idType = idType
        }

        /// The body as JSON.
        public var json: JSONValue {
            ["name": .string(name), "code": .string(code), "description": .string(description), "idType": .string(idType)]
        }
    }

    /// A namespace, as listed or created.
    public struct Namespace: Sendable, Hashable {
        /// The numeric `id`, as text.
        public var id: String
        /// `code`.
        public var code: String
        /// `custom`.
        public var custom: Bool

        /// Reads one namespace object.
        public init?(json: JSONValue) {
            guard let code = json["code"]?.stringValue, let id = json["id"]?.numberValue?.description ?? json["id"]?.stringValue else { return nil }
            self.id = id
            self.code = code
            custom = json["custom"]?.boolValue ?? false
        }

        /// The namespaces of a list answer.
        public static func list(_ response: PlatformResponse) throws(AEPProvisioningError) -> [Namespace] {
            guard let array = response.json?.arrayValue else { throw response.unreadable("an array of namespaces") }
            var namespaces: [Namespace] = []
            for entry in array {
                guard let namespace = Namespace(json: entry) else { throw response.unreadable("an id and a code in every namespace") }
                namespaces.append(namespace)
            }
            return namespaces
        }
    }
}
