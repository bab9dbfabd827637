/// The fixed ids Adobe documents for the Flow Service objects the Chatlio
/// source and the HTTP API streaming source are built from. The emulator
/// refuses any other spec id with a 400 naming the field.
///
/// ```swift
/// let body: JSONValue = [
///     "name": "Chatlio source",
///     "providerId": .string(AEPPlatformSpecs.chatlioProviderID),
///     "connectionSpec": ["id": .string(AEPPlatformSpecs.chatlioConnectionSpecID), "version": "1.0"],
///     "data": ["format": "json"],
/// ]
/// ```
public enum AEPPlatformSpecs: Sendable {
    /// Provider of the streaming sources (Chatlio and HTTP API).
    /// help/sources/tutorials/api/create/marketing-automation/chatlio-webhook.md ("Create a source connection")
    /// and help/sources/tutorials/api/create/streaming/http.md ("The provider ID is 521eee4d-…").
    public static let chatlioProviderID = "521eee4d-8cbe-4906-bb48-fb6bd4450033"
    /// The Chatlio source's connection spec, version `1.0` (chatlio-webhook.md, "Create a source connection").
    public static let chatlioConnectionSpecID = "073127a3-26e3-496c-9d94-9f48fb93fba8"
    /// The Chatlio dataflow's flow spec, version `1.0` (chatlio-webhook.md, "Create a flow": "This fixed ID is …").
    public static let chatlioFlowSpecID = "e77fde5a-22a8-11ed-861d-0242ac120002"
    /// The data lake's target connection spec, version `1.0` (chatlio-webhook.md and http.md, "Create a target connection").
    public static let dataLakeConnectionSpecID = "c604ff05-7f1a-43c0-8e18-33bf874cb11c"
    /// The HTTP API streaming source's connection spec, for base and source
    /// connections, version `1.0` (help/sources/tutorials/api/create/streaming/http.md, "Create a base connection").
    public static let httpAPIConnectionSpecID = "bc7b00d6-623a-4dfc-9fdb-f1240aeadaeb"
    /// The HTTP API dataflow without transformations (XDM data), version `1.0` (http.md, "Create a dataflow").
    public static let httpAPIFlowSpecID = "d8a6f005-7eaf-4153-983e-e8574508b877"
    /// The HTTP API dataflow with a Data Prep mapping, version `1.0` (http.md, "Create a dataflow":
    /// "To create a dataflow with transformations, you must use c1a19761-…").
    public static let httpAPIMappingFlowSpecID = "c1a19761-d2c7-4702-b9fa-fe91f0613e81"
    /// The `auth.specName` of an HTTP API base connection (http.md, "Create a base connection").
    public static let streamingConnectionSpecName = "Streaming Connection"
    /// The only spec version any of these documents.
    public static let specVersion = "1.0"
}
