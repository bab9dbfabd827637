import AEPStreamingClient
public import ChatlioXDMMapper
public import Foundation
public import XDMSchemaRegistry

/// Provisions AEP for Chatlio over the Platform APIs, in the order of
/// Adobe's tutorials, **idempotent and resumable**.
///
/// - ``Mode/raw``: AEP's Chatlio source, as
///   help/sources/tutorials/api/create/marketing-automation/chatlio-webhook.md
///   (AdobeDocs/experience-platform.en) builds it: source connection, target
///   schema (field group, schema, the `ChatlioVisitor` namespace and the
///   visitor UUID as primary identity), dataset, target connection, Data Prep
///   mapping set, dataflow, and the flow's `inletUrl`.
/// - ``Mode/xdm``: the HTTP API streaming source of
///   help/sources/tutorials/api/create/streaming/http.md for the relay's XDM
///   envelopes: base connection (its `inletUrl`), source connection, schema,
///   namespace, dataset, target connection, dataflow without a mapping (the
///   events carry their primary identity in `identityMap`, so no descriptor).
///
/// Each step first looks for its object (by the id in the state file, else by
/// name or title through the documented list filters) and reuses it, else
/// creates it; the state file is written after every step. An existing field
/// group that differs goes through `XDMCompatibilityReport`: a compatible
/// difference is applied as a `PATCH` (``ProvisioningOutcome/Action/updated``),
/// a breaking one is refused with the report
/// (``AEPProvisioningError/Code/schemaDiffers``).
///
/// The bodies are XDMSchemaRegistry's ChatlioXDM export (field group, schema,
/// descriptor, dataset) and ChatlioXDMMapper's Data Prep export (mapping set).
///
/// ```swift
/// let plan = try ChatlioProvisioningPlan(configuration: .init(tenantID: "acme", mode: .raw))
/// let result = try await plan.run(client: client, stateFile: URL(fileURLWithPath: "aep-state.json"))
/// for outcome in result.outcomes { print(outcome) }   // "sourceConnection created 7689a40d-…"
/// print(result.inletURL)
/// ```
public struct ChatlioProvisioningPlan: Sendable {
    /// Which AEP source receives the webhooks.
    public enum Mode: String, Sendable, Hashable, Codable, CaseIterable {
        /// Chatlio's JSON as is, to AEP's Chatlio source (Data Prep maps it).
        case raw
        /// The relay's XDM envelopes, to the HTTP API streaming source.
        case xdm
    }

    /// What to provision.
    ///
    /// ```swift
    /// var configuration = ChatlioProvisioningPlan.Configuration(tenantID: "acme", mode: .xdm)
    /// configuration.profileEnabled = true
    /// ```
    public struct Configuration: Sendable {
        /// Raw or XDM.
        public var mode: Mode
        /// The mapper whose ChatlioXDM export gives the schema bodies and whose
        /// Data Prep export gives the mapping set.
        public var mapper: XDMMapper
        /// Enables the schema and dataset for Profile (`union` tag; cannot be undone).
        public var profileEnabled: Bool
        /// The first word of every object name ("Chatlio source connection (raw)", …).
        public var namePrefix: String
        /// The visitor UUID namespace.
        public var namespace: IdentityServiceAPI.NamespaceBody
        /// The standard namespace of the second identity, the email (raw mode's descriptor). Default `Email`.
        public var emailNamespace: String

        /// A configuration for `tenantID` (AEP's tenant id, without the underscore).
        ///
        /// - Throws: ``AEPProvisioningError/Code/invalidConfiguration`` for a tenant id AEP would refuse.
        public init(tenantID: String, mode: Mode) throws(AEPProvisioningError) {
            do {
                mapper = try XDMMapper(configuration: .init(tenantID: tenantID))
            } catch {
                throw AEPProvisioningError(.invalidConfiguration, "tenant id: \(error)")
            }
            self.mode = mode
            profileEnabled = false
            namePrefix = "Chatlio"
            namespace = .chatlioVisitor
            namespace.code = mapper.configuration.namespaces.visitorUUID
            emailNamespace = mapper.configuration.namespaces.email
        }

        /// The ChatlioXDM export the bodies come from.
        public var chatlio: ChatlioXDM { mapper.chatlioXDM }

        /// The name of each named object.
        func name(_ step: ProvisioningStep) -> String {
            switch step {
            case .baseConnection: "\(namePrefix) HTTP API connection (\(mode.rawValue))"
            case .sourceConnection: "\(namePrefix) source connection (\(mode.rawValue))"
            case .dataset: "\(namePrefix) events"
            case .targetConnection: "\(namePrefix) data lake target (\(mode.rawValue))"
            case .flow: "\(namePrefix) dataflow (\(mode.rawValue))"
            case .fieldGroup: chatlio.tenantFieldGroup.title ?? namePrefix
            case .schema: chatlio.experienceEventSchema.title ?? namePrefix
            case .identityNamespace: namespace.code
            case .identityDescriptor, .emailIdentityDescriptor, .mappingSet, .inletURL: step.rawValue
            }
        }
    }

    /// What to provision.
    public let configuration: Configuration

    /// Creates a plan.
    ///
    /// - Throws: ``AEPProvisioningError/Code/invalidConfiguration`` for an empty name prefix or namespace code.
    public init(configuration: Configuration) throws(AEPProvisioningError) {
        if configuration.namePrefix.trimmingCharacters(in: .whitespaces).isEmpty {
            throw AEPProvisioningError(.invalidConfiguration, "namePrefix is empty")
        }
        if configuration.namespace.code.isEmpty { throw AEPProvisioningError(.invalidConfiguration, "the namespace code is empty") }
        self.configuration = configuration
    }

    /// The steps, in the order of the mode's tutorial.
    public var steps: [ProvisioningStep] {
        switch configuration.mode {
        case .raw:
            [.sourceConnection, .fieldGroup, .schema, .identityNamespace, .identityDescriptor, .emailIdentityDescriptor, .dataset, .targetConnection, .mappingSet, .flow, .inletURL]
        case .xdm:
            [.baseConnection, .inletURL, .sourceConnection, .fieldGroup, .schema, .identityNamespace, .dataset, .targetConnection, .flow]
        }
    }

    /// Runs every step, reusing what exists, writing `stateFile` (when given) after each
    /// and logging its outcome (at `info`) through the client's log hook.
    ///
    /// - Throws: ``AEPProvisioningError``; the steps done before it are in the state file,
    ///   and a re-run continues from there.
    public func run(client: AEPPlatformClient, stateFile: URL?) async throws(AEPProvisioningError) -> ProvisioningResult {
        let fresh = ProvisioningState(
            orgID: client.configuration.orgID, sandbox: client.configuration.sandbox, tenantID: configuration.chatlio.tenantID, mode: configuration.mode
        )
        var state = fresh
        if let stateFile, let loaded = try ProvisioningState.load(from: stateFile) {
            for (field, recorded, wanted) in [
                ("org", loaded.orgID, fresh.orgID), ("sandbox", loaded.sandbox, fresh.sandbox), ("tenant", loaded.tenantID, fresh.tenantID),
                ("mode", loaded.mode.rawValue, fresh.mode.rawValue),
            ] where recorded != wanted {
                throw AEPProvisioningError(
                    .stateFile, "the state file \(stateFile.path) is for \(field) \(recorded), not \(wanted); use another state file"
                )
            }
            state = loaded
        }
        var runner = StepRunner(plan: self, client: client, state: state)
        var outcomes: [ProvisioningOutcome] = []
        for step in steps {
            let outcome = try await runner.perform(step)
            runner.state[step] = outcome.id
            if let stateFile { try runner.state.save(to: stateFile) }
            client.configuration.log(ChatlioLogRecord(level: .info, message: outcome.description))
            outcomes.append(outcome)
        }
        return ProvisioningResult(
            outcomes: outcomes, inletURL: runner.state[.inletURL] ?? "", flowID: runner.state[.flow] ?? "", datasetID: runner.state[.dataset] ?? "",
            schemaID: runner.state[.schema] ?? ""
        )
    }
}
