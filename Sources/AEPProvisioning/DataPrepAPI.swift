public import ChatlioJSON

/// Data Prep mapping set requests.
///
/// Pages (AdobeDocs/experience-platform.en): the "Create a mapping" step of
/// help/sources/tutorials/api/create/marketing-automation/chatlio-webhook.md
/// (`POST /data/foundation/conversion/mappingSets`, answering `id` and
/// `version`), and help/data-prep/api/mapping-set.md (`GET /mappingSets/{id}`).
/// Mapping sets have no name to look them up by: the plan finds one by the id
/// in its state file, or by the `mappingId` of its existing flow.
///
/// ```swift
/// let request = DataPrepAPI.createMappingSet(mapper.dataPrepMappingSet(for: .conversationStarted, schemaID: schemaID))
/// ```
public enum DataPrepAPI {
    /// The service's base path.
    public static let basePath = "/data/foundation/conversion"
    static let service = "Data Prep"

    /// `POST /mappingSets` with ChatlioXDMMapper's body (`XDMMapper.dataPrepMappingSet(schemaID:)`).
    public static func createMappingSet(_ body: JSONValue) -> PlatformRequest {
        PlatformRequest(service: service, method: "POST", path: basePath + "/mappingSets", body: body)
    }

    /// `GET /mappingSets/{id}`.
    public static func mappingSet(id: String) -> PlatformRequest {
        PlatformRequest(service: service, method: "GET", path: basePath + "/mappingSets/" + PlatformRequest.encode(id))
    }

    /// A created or looked-up mapping set.
    public struct MappingSet: Sendable, Hashable {
        /// `id`.
        public var id: String
        /// `version` (0 when absent).
        public var version: Int

        /// Reads the answer.
        public init(_ response: PlatformResponse) throws(AEPProvisioningError) {
            guard let id = response.json?["id"]?.stringValue, !id.isEmpty else { throw response.unreadable("a mapping set id") }
            self.id = id
            version = response.json?["version"]?.int64Value.map { Int(clamping: $0) } ?? 0
        }
    }
}
