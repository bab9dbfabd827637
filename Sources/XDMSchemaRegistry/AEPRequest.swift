public import ChatlioJSON

/// One request to an AEP setup API (Schema Registry or Catalog): method, path
/// on `https://platform.adobe.io`, and a JSON body written with sorted keys, so
/// the same input always gives the same bytes and the bodies can be diffed and
/// committed.
///
/// ```swift
/// let request = AEPRequest.dataset(name: "Chatlio events", schemaID: schemaID, profileEnabled: true)
/// request.method     // "POST"
/// request.path       // "/data/foundation/catalog/dataSets"
/// request.bodyText   // {"name":"Chatlio events","schemaRef":{…},"tags":{…}}
/// ```
public struct AEPRequest: Sendable, Hashable {
    /// The HTTP method.
    public let method: String
    /// The path on `https://platform.adobe.io`.
    public let path: String
    /// The JSON body.
    public let body: JSONValue
    /// The `Accept` header the endpoint documents, when it needs one: the
    /// Schema Registry's `xed` types, but `xdm` for descriptors
    /// (``xdmDescriptorAccept``); `nil` for Catalog.
    public let accept: String?

    /// Creates a request.
    public init(method: String, path: String, body: JSONValue, accept: String? = nil) {
        self.method = method
        self.path = path
        self.body = body
        self.accept = accept
    }

    /// The body as compact JSON text with sorted keys.
    public var bodyText: String { body.jsonString(sortedKeys: true) }

    /// The body as UTF-8 bytes with sorted keys.
    public var bodyBytes: [UInt8] { body.serialized(sortedKeys: true) }

    /// The content type AEP expects in `schemaRef` and on ingested XDM.
    public static let xedFullContentType = "application/vnd.adobe.xed-full+json;version=1"
    /// `Accept` for Schema Registry classes, field groups and schemas.
    public static let xedAccept = "application/vnd.adobe.xed+json"
    /// `Accept` for Schema Registry descriptors. Adobe: "Descriptors require
    /// unique `Accept` headers that replace `xed` with `xdm`"
    /// (help/xdm/api/descriptors.md in AdobeDocs/experience-platform.en,
    /// "Descriptors endpoint"; `application/vnd.adobe.xdm+json` returns the
    /// expanded descriptor objects).
    public static let xdmDescriptorAccept = "application/vnd.adobe.xdm+json"
    /// The Schema Registry API base path.
    public static let schemaRegistryPath = "/data/foundation/schemaregistry"
    /// The Catalog API base path.
    public static let catalogPath = "/data/foundation/catalog"

    /// `POST /tenant/fieldgroups`: a custom field group. The `$id` is left out
    /// (AEP assigns it); everything else, `meta:intendedToExtend` included, is sent.
    ///
    /// ```swift
    /// let request = AEPRequest.fieldGroup(chatlio.tenantFieldGroup)
    /// ```
    public static func fieldGroup(_ group: XDMSchema) -> AEPRequest {
        var body = group
        body.id = nil
        return AEPRequest(method: "POST", path: schemaRegistryPath + "/tenant/fieldgroups", body: body.json, accept: xedAccept)
    }

    /// `POST /tenant/schemas`: a schema composed of a class and field groups.
    ///
    /// ```swift
    /// let request = AEPRequest.schema(title: "Chatlio", description: "…", composedOf: ids, profileEnabled: true)
    /// ```
    ///
    /// - Parameters:
    ///   - title: the schema's `title`.
    ///   - description: the schema's `description`.
    ///   - ids: the `$id`s of the class and field groups, in `allOf` order.
    ///   - profileEnabled: adds `meta:immutableTags: ["union"]`, which
    ///     enables the schema for Real-Time Customer Profile and can never be removed.
    public static func schema(title: String, description: String, composedOf ids: [String], profileEnabled: Bool) -> AEPRequest {
        var body: JSONObject = [
            "type": "object",
            "title": .string(title),
            "description": .string(description),
            "allOf": .array(ids.map { .object(["$ref": .string($0)]) }),
        ]
        if profileEnabled { body["meta:immutableTags"] = ["union"] }
        return AEPRequest(method: "POST", path: schemaRegistryPath + "/tenant/schemas", body: .object(body), accept: xedAccept)
    }

    /// `POST /tenant/descriptors`: an identity descriptor marking one field as
    /// an identity of a namespace, sent with ``xdmDescriptorAccept``. "Schemas
    /// may contain only one primary identity" (help/xdm/api/descriptors.md):
    /// mark one descriptor of a schema primary.
    ///
    /// ```swift
    /// let request = AEPRequest.identityDescriptor(schemaID: id, sourceProperty: "/personalEmail/address", namespace: "Email", isPrimary: false)
    /// request.accept   // "application/vnd.adobe.xdm+json"
    /// ```
    public static func identityDescriptor(
        schemaID: String, schemaVersion: Int = 1, sourceProperty: String, namespace: String, isPrimary: Bool
    ) -> AEPRequest {
        AEPRequest(method: "POST", path: schemaRegistryPath + "/tenant/descriptors", body: [
            "@type": "xdm:descriptorIdentity",
            "xdm:sourceSchema": .string(schemaID),
            "xdm:sourceVersion": .number(JSONNumber(schemaVersion)),
            "xdm:sourceProperty": .string(sourceProperty),
            "xdm:namespace": .string(namespace),
            "xdm:property": "xdm:code",
            "xdm:isPrimary": .bool(isPrimary),
        ], accept: xdmDescriptorAccept)
    }

    /// `POST /dataSets` (Catalog): a dataset for a schema.
    ///
    /// ```swift
    /// let request = AEPRequest.dataset(name: "Chatlio events", schemaID: id, profileEnabled: false)
    /// ```
    ///
    /// - Parameters:
    ///   - name: the dataset's name.
    ///   - description: the dataset's description; `nil` sends none.
    ///   - schemaID: the `$id` of the dataset's schema.
    ///   - profileEnabled: adds the `unifiedIdentity` and
    ///     `unifiedProfile` tags that enable the dataset for Identity Service and
    ///     Profile (the schema must be enabled too).
    public static func dataset(name: String, description: String? = nil, schemaID: String, profileEnabled: Bool) -> AEPRequest {
        var body: JSONObject = [
            "name": .string(name),
            "schemaRef": ["id": .string(schemaID), "contentType": .string(xedFullContentType)],
        ]
        if let description { body["description"] = .string(description) }
        if profileEnabled {
            body["tags"] = ["unifiedIdentity": ["enabled:true"], "unifiedProfile": ["enabled:true"]]
        }
        return AEPRequest(method: "POST", path: catalogPath + "/dataSets", body: .object(body))
    }
}
