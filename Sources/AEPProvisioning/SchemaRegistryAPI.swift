public import ChatlioJSON
public import XDMSchemaRegistry

/// The Schema Registry requests the plan makes, and readers for their answers.
///
/// Pages (AdobeDocs/experience-platform.en):
/// - help/xdm/api/list-resources.md: `GET /tenant/{type}` with
///   `Accept: application/vnd.adobe.xed-id+json` and `property=title==…`;
///   answers `{"results": [{"$id", "title", "meta:altId", "version"}]}`.
/// - help/xdm/api/field-groups.md and help/xdm/api/schemas.md: create
///   (`POST`), look up (`GET /tenant/…/{url-encoded $id}` with
///   `Accept: application/vnd.adobe.xed+json; version=1`), update (`PATCH`
///   with a JSON Patch array). Creation and PATCH send no `Accept`, as
///   the pages' requests do; descriptors always send theirs.
/// - help/xdm/api/descriptors.md: descriptors "require unique `Accept` headers
///   that replace `xed` with `xdm`"; `application/vnd.adobe.xdm+json` lists
///   expanded descriptor objects grouped by `@type`.
///
/// ```swift
/// let request = SchemaRegistryAPI.listFieldGroups(title: "Chatlio")
/// let found = try SchemaRegistryAPI.ResourceSummary.list(try await client.send(request))
/// ```
public enum SchemaRegistryAPI {
    /// The service's base path.
    public static let basePath = "/data/foundation/schemaregistry"
    /// Lists: a short summary of each resource.
    public static let listAccept = "application/vnd.adobe.xed-id+json"
    /// Look-ups: the resource as stored, `$ref` and `allOf` kept.
    public static let lookupAccept = "application/vnd.adobe.xed+json; version=1"
    /// Descriptors: `xdm` in place of `xed` (expanded objects).
    public static let descriptorAccept = "application/vnd.adobe.xdm+json"
    static let service = "Schema Registry"

    /// `GET /tenant/fieldgroups?property=title==…`.
    public static func listFieldGroups(title: String) -> PlatformRequest {
        list("fieldgroups", title: title)
    }

    /// `GET /tenant/fieldgroups/{$id}`.
    public static func fieldGroup(id: String) -> PlatformRequest {
        PlatformRequest(service: service, method: "GET", path: basePath + "/tenant/fieldgroups/" + PlatformRequest.encode(id), accept: lookupAccept)
    }

    /// `POST /tenant/fieldgroups` with ChatlioXDM's body (`ChatlioXDM.fieldGroupRequest()`, XDMSchemaRegistry).
    public static func createFieldGroup(_ request: AEPRequest) -> PlatformRequest {
        PlatformRequest(service: service, method: "POST", path: request.path, body: request.body)
    }

    /// `PATCH /tenant/fieldgroups/{$id}` with JSON Patch operations.
    public static func patchFieldGroup(id: String, operations: [JSONPatchOperation]) -> PlatformRequest {
        PlatformRequest(
            service: service, method: "PATCH", path: basePath + "/tenant/fieldgroups/" + PlatformRequest.encode(id),
            body: .array(operations.map(\.json))
        )
    }

    /// `GET /tenant/schemas?property=title==…`.
    public static func listSchemas(title: String) -> PlatformRequest {
        list("schemas", title: title)
    }

    /// `GET /tenant/schemas/{$id}`.
    public static func schema(id: String) -> PlatformRequest {
        PlatformRequest(service: service, method: "GET", path: basePath + "/tenant/schemas/" + PlatformRequest.encode(id), accept: lookupAccept)
    }

    /// `POST /tenant/schemas` with ChatlioXDM's body (`ChatlioXDM.schemaRequest(fieldGroupID:profileEnabled:)`, XDMSchemaRegistry).
    public static func createSchema(_ request: AEPRequest) -> PlatformRequest {
        PlatformRequest(service: service, method: "POST", path: request.path, body: request.body)
    }

    /// `PATCH /tenant/schemas/{$id}` with JSON Patch operations.
    public static func patchSchema(id: String, operations: [JSONPatchOperation]) -> PlatformRequest {
        PlatformRequest(
            service: service, method: "PATCH", path: basePath + "/tenant/schemas/" + PlatformRequest.encode(id),
            body: .array(operations.map(\.json))
        )
    }

    /// `GET /tenant/descriptors` with `Accept: application/vnd.adobe.xdm+json`.
    public static func listDescriptors() -> PlatformRequest {
        PlatformRequest(service: service, method: "GET", path: basePath + "/tenant/descriptors", accept: descriptorAccept)
    }

    /// `POST /tenant/descriptors` with `Accept: application/vnd.adobe.xdm+json` (not `xed`).
    public static func createDescriptor(_ request: AEPRequest) -> PlatformRequest {
        PlatformRequest(service: service, method: "POST", path: request.path, accept: descriptorAccept, body: request.body)
    }

    private static func list(_ type: String, title: String) -> PlatformRequest {
        PlatformRequest(
            service: service, method: "GET", path: basePath + "/tenant/" + type, query: [.init("property", "title==" + title)], accept: listAccept
        )
    }

    /// One JSON Patch (RFC 6902) operation.
    public struct JSONPatchOperation: Sendable, Hashable {
        /// `add`, `replace`, `remove`.
        public var op: String
        /// A JSON Pointer.
        public var path: String
        /// The value (`nil` for `remove`).
        public var value: JSONValue?

        /// Creates an operation.
        public init(op: String, path: String, value: JSONValue? = nil) {
            self.op = op
            self.path = path
            self.value = value
        }

        /// The operation as JSON.
        public var json: JSONValue {
            var object: JSONObject = ["op": .string(op), "path": .string(path)]
            if let value { object["value"] = value }
            return .object(object)
        }
    }

    /// One entry of a list answer.
    public struct ResourceSummary: Sendable, Hashable {
        /// `$id`.
        public var id: String
        /// `title`.
        public var title: String?
        /// `version`.
        public var version: String?

        /// The `results` of a list answer.
        public static func list(_ response: PlatformResponse) throws(AEPProvisioningError) -> [ResourceSummary] {
            guard let results = response.json?["results"]?.arrayValue else { throw response.unreadable("a results array") }
            var summaries: [ResourceSummary] = []
            for result in results {
                guard let id = result["$id"]?.stringValue else { throw response.unreadable("a $id in every result") }
                summaries.append(ResourceSummary(id: id, title: result["title"]?.stringValue, version: result["version"]?.stringValue))
            }
            return summaries
        }
    }

    /// The `$id` of a created or looked-up field group or schema.
    public static func resourceID(_ response: PlatformResponse) throws(AEPProvisioningError) -> String {
        guard let id = response.json?["$id"]?.stringValue, !id.isEmpty else { throw response.unreadable("a $id") }
        return id
    }

    /// An identity descriptor, as listed.
    public struct IdentityDescriptor: Sendable, Hashable {
        /// `@id`.
        public var id: String
        /// `xdm:sourceSchema`.
        public var sourceSchema: String
        /// `xdm:sourceProperty`.
        public var sourceProperty: String
        /// `xdm:namespace`.
        public var namespace: String
        /// `xdm:isPrimary`.
        public var isPrimary: Bool

        /// The `xdm:descriptorIdentity` entries of a list answer (an absent type means none).
        public static func list(_ response: PlatformResponse) throws(AEPProvisioningError) -> [IdentityDescriptor] {
            guard let object = response.json?.objectValue else { throw response.unreadable("a JSON object of descriptors by type") }
            guard let entries = object["xdm:descriptorIdentity"] else { return [] }
            guard let array = entries.arrayValue else { throw response.unreadable("an array of xdm:descriptorIdentity") }
            var descriptors: [IdentityDescriptor] = []
            for entry in array {
                guard let id = entry["@id"]?.stringValue, let schema = entry["xdm:sourceSchema"]?.stringValue,
                      let property = entry["xdm:sourceProperty"]?.stringValue, let namespace = entry["xdm:namespace"]?.stringValue
                else { throw response.unreadable("@id, xdm:sourceSchema, xdm:sourceProperty and xdm:namespace in every identity descriptor (is the Accept xdm+json?)") }
                descriptors.append(IdentityDescriptor(
                    id: id, sourceSchema: schema, sourceProperty: property, namespace: namespace, isPrimary: entry["xdm:isPrimary"]?.boolValue ?? false
                ))
            }
            return descriptors
        }

        /// The `@id` of a created descriptor.
        public static func createdID(_ response: PlatformResponse) throws(AEPProvisioningError) -> String {
            guard let id = response.json?["@id"]?.stringValue, !id.isEmpty else { throw response.unreadable("an @id") }
            return id
        }
    }
}
