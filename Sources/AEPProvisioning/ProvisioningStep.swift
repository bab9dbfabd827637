/// One step of a ``ChatlioProvisioningPlan``, named for the object it provisions.
///
/// ```swift
/// plan.steps.map(\.rawValue)   // ["sourceConnection", "fieldGroup", "schema", …, "inletURL"]
/// ```
public enum ProvisioningStep: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// HTTP API base connection (XDM mode): `POST /flowservice/connections`.
    case baseConnection
    /// Source connection: `POST /flowservice/sourceConnections`.
    case sourceConnection
    /// The Chatlio tenant field group: `POST /schemaregistry/tenant/fieldgroups`.
    case fieldGroup
    /// The Chatlio ExperienceEvent schema: `POST /schemaregistry/tenant/schemas`.
    case schema
    /// The custom `ChatlioVisitor` namespace: `POST /idnamespace/identities`.
    case identityNamespace
    /// The visitor UUID as the schema's primary identity (raw mode): `POST /schemaregistry/tenant/descriptors`.
    case identityDescriptor
    /// The email as a second, non-primary identity (raw mode): `POST /schemaregistry/tenant/descriptors`.
    case emailIdentityDescriptor
    /// The dataset: `POST /catalog/dataSets`.
    case dataset
    /// The data lake target connection: `POST /flowservice/targetConnections`.
    case targetConnection
    /// The Data Prep mapping set (raw mode): `POST /conversion/mappingSets`.
    case mappingSet
    /// The dataflow: `POST /flowservice/flows`.
    case flow
    /// The streaming endpoint: `GET /flows/{id}` (raw) or `GET /connections/{id}` (XDM).
    case inletURL

    public var description: String { rawValue }

    /// The section of Adobe's tutorial this step follows (the Chatlio API
    /// tutorial for raw mode, the HTTP API one for XDM mode), in
    /// AdobeDocs/experience-platform.en.
    public func tutorialSection(for mode: ChatlioProvisioningPlan.Mode) -> String {
        let page = switch mode {
        case .raw: "sources/tutorials/api/create/marketing-automation/chatlio-webhook.md"
        case .xdm: "sources/tutorials/api/create/streaming/http.md"
        }
        let anchor = switch (self, mode) {
        case (.baseConnection, _): "create-a-base-connection"
        case (.sourceConnection, .raw): "source-connection"
        case (.sourceConnection, .xdm): "source"
        case (.fieldGroup, _), (.schema, _), (.identityNamespace, _), (.identityDescriptor, _), (.emailIdentityDescriptor, _): "target-schema"
        case (.dataset, _): "target-dataset"
        case (.targetConnection, .raw): "target-connection"
        case (.targetConnection, .xdm): "target"
        case (.mappingSet, _): "mapping"
        case (.flow, .raw): "flow"
        case (.flow, .xdm): "create-a-dataflow"
        case (.inletURL, .raw): "get-streaming-endpoint"
        case (.inletURL, .xdm): "get-streaming-endpoint-url"
        }
        return page + "#" + anchor
    }
}

/// What a step did.
///
/// ```swift
/// for outcome in result.outcomes { print(outcome.step, outcome.action, outcome.id) }
/// ```
public struct ProvisioningOutcome: Sendable, Hashable, CustomStringConvertible {
    /// What happened to the object.
    public enum Action: String, Sendable, Hashable, Codable {
        /// It did not exist and was created.
        case created
        /// It existed (by the state file's id or by name) and was kept as is.
        case reused
        /// It existed with a compatible difference, applied as a PATCH.
        case updated
        /// A value read from an existing object (the inlet URL).
        case fetched
    }

    /// The step.
    public var step: ProvisioningStep
    /// What it did.
    public var action: Action
    /// The object's id (for ``ProvisioningStep/inletURL``, the URL).
    public var id: String
    /// For ``Action/updated``: what changed.
    public var detail: String?

    /// Creates an outcome.
    public init(step: ProvisioningStep, action: Action, id: String, detail: String? = nil) {
        self.step = step
        self.action = action
        self.id = id
        self.detail = detail
    }

    /// `schema updated https://ns.adobe.com/… (…)`.
    public var description: String {
        "\(step) \(action.rawValue) \(id)" + (detail.map { " (\($0))" } ?? "")
    }
}

/// Everything a run provisioned.
///
/// ```swift
/// let result = try await plan.run(client: client, stateFile: stateURL)
/// print(result.inletURL)   // paste into Chatlio's webhook fields (raw) or the relay's sink (XDM)
/// ```
public struct ProvisioningResult: Sendable, Hashable {
    /// Each step's outcome, in order.
    public var outcomes: [ProvisioningOutcome]
    /// The streaming endpoint.
    public var inletURL: String
    /// The dataflow id (`flowID`/`x-adobe-flow-id` on every message).
    public var flowID: String
    /// The dataset id.
    public var datasetID: String
    /// The schema `$id`.
    public var schemaID: String

    /// The outcome of one step, if the plan has it.
    public func outcome(_ step: ProvisioningStep) -> ProvisioningOutcome? {
        outcomes.first { $0.step == step }
    }
}
