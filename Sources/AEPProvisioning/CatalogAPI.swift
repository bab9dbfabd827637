public import XDMSchemaRegistry
import ChatlioJSON
import Foundation

/// Catalog dataset requests.
///
/// Pages (AdobeDocs/experience-platform.en): help/catalog/api/create-dataset.md
/// (`POST /dataSets` answers an array of `"@/dataSets/{id}"`),
/// help/catalog/api/filter-data.md (`property=name==…`, where `*` is a
/// wildcard escaped by doubling it; lists answer an object keyed by id),
/// help/catalog/api/look-up-object.md (`GET /dataSets/{id}`).
///
/// ```swift
/// let found = try CatalogAPI.Dataset.list(try await client.send(CatalogAPI.listDatasets(name: "Chatlio events")))
/// ```
public enum CatalogAPI {
    /// The service's base path.
    public static let basePath = "/data/foundation/catalog"
    static let service = "Catalog"

    /// `GET /dataSets?property=name==…&properties=name,schemaRef`.
    public static func listDatasets(name: String) -> PlatformRequest {
        PlatformRequest(
            service: service, method: "GET", path: basePath + "/dataSets",
            query: [.init("property", "name==" + name.replacingOccurrences(of: "*", with: "**")), .init("properties", "name,schemaRef")]
        )
    }

    /// `GET /dataSets/{id}`.
    public static func dataset(id: String) -> PlatformRequest {
        PlatformRequest(service: service, method: "GET", path: basePath + "/dataSets/" + PlatformRequest.encode(id))
    }

    /// `POST /dataSets` with ChatlioXDM's body (`ChatlioXDM.datasetRequest(schemaID:name:profileEnabled:)`, XDMSchemaRegistry).
    public static func createDataset(_ request: AEPRequest) -> PlatformRequest {
        PlatformRequest(service: service, method: "POST", path: request.path, body: request.body)
    }

    /// A dataset, as listed.
    public struct Dataset: Sendable, Hashable {
        /// The Catalog id.
        public var id: String
        /// `name`.
        public var name: String?
        /// `schemaRef.id`.
        public var schemaID: String?

        /// The datasets of a list or look-up answer (an object keyed by id).
        public static func list(_ response: PlatformResponse) throws(AEPProvisioningError) -> [Dataset] {
            guard let object = response.json?.objectValue else { throw response.unreadable("an object of datasets by id") }
            return object.keys.sorted().map { id in
                Dataset(id: id, name: object[id]?["name"]?.stringValue, schemaID: object[id]?["schemaRef"]?["id"]?.stringValue)
            }
        }

        /// The id of a created dataset, from `["@/dataSets/{id}"]` (the page's text spells it
        /// `@/datasets/`, its example `@/dataSets/`: either is read).
        public static func createdID(_ response: PlatformResponse) throws(AEPProvisioningError) -> String {
            let prefix = "@/datasets/"
            guard let reference = response.json?[0]?.stringValue, reference.lowercased().hasPrefix(prefix), reference.count > prefix.count else {
                throw response.unreadable(#"an array holding "@/dataSets/{id}""#)
            }
            return String(reference.dropFirst(prefix.count))
        }
    }
}
