import ChatlioXDMMapper
import XDMSchemaRegistry

extension ChatlioProvisioningPlan {
    /// What a step sends when its object does not exist yet: the `POST` that
    /// creates it (for ``ProvisioningStep/inletURL``, the `GET` that reads the
    /// URL), built from the ids the earlier steps recorded.
    ///
    /// The plan's run sends exactly these; ``preview(placeholder:)`` shows
    /// them with placeholders, so the printed bodies are the applied ones.
    ///
    /// ```swift
    /// let request = try plan.creationRequest(for: .dataset, ids: { $0 == .schema ? schemaID : nil })
    /// request.path   // "/data/foundation/catalog/dataSets"
    /// ```
    ///
    /// - Throws: ``AEPProvisioningError/Code/stateFile`` when an id the step
    ///   needs is missing (the plan's order records it first).
    public func creationRequest(
        for step: ProvisioningStep, ids: (ProvisioningStep) -> String?
    ) throws(AEPProvisioningError) -> PlatformRequest {
        func required(_ earlier: ProvisioningStep) throws(AEPProvisioningError) -> String {
            guard let id = ids(earlier) else {
                throw AEPProvisioningError(.stateFile, "the \(step) step needs the \(earlier) id, which no earlier step recorded")
            }
            return id
        }
        let configuration = configuration
        let name = configuration.name(step)
        switch step {
        case .baseConnection:
            return FlowServiceAPI.createBaseConnection(
                name: name, description: "Chatlio relay XDM envelopes (HTTP API streaming source).", dataType: "xdm"
            )
        case .sourceConnection:
            switch configuration.mode {
            case .raw: return FlowServiceAPI.createSourceConnection(.chatlio(name: name))
            case .xdm: return FlowServiceAPI.createSourceConnection(.httpAPI(name: name, baseConnectionID: try required(.baseConnection)))
            }
        case .fieldGroup:
            return SchemaRegistryAPI.createFieldGroup(configuration.chatlio.fieldGroupRequest())
        case .schema:
            return SchemaRegistryAPI.createSchema(
                configuration.chatlio.schemaRequest(fieldGroupID: try required(.fieldGroup), profileEnabled: configuration.profileEnabled)
            )
        case .identityNamespace:
            return IdentityServiceAPI.createNamespace(configuration.namespace)
        case .identityDescriptor:
            return SchemaRegistryAPI.createDescriptor(identityDescriptors(schemaID: try required(.schema), namespace: try required(.identityNamespace))[0])
        case .emailIdentityDescriptor:
            return SchemaRegistryAPI.createDescriptor(identityDescriptors(schemaID: try required(.schema), namespace: try required(.identityNamespace))[1])
        case .dataset:
            return CatalogAPI.createDataset(
                configuration.chatlio.datasetRequest(schemaID: try required(.schema), name: name, profileEnabled: configuration.profileEnabled)
            )
        case .targetConnection:
            return FlowServiceAPI.createTargetConnection(
                FlowServiceAPI.TargetConnectionBody(name: name, schemaID: try required(.schema), datasetID: try required(.dataset))
            )
        case .mappingSet:
            // One mapping set for the one dataflow every Chatlio webhook kind arrives at.
            return DataPrepAPI.createMappingSet(configuration.mapper.dataPrepMappingSet(schemaID: try required(.schema)))
        case .flow:
            let source = try required(.sourceConnection)
            let target = try required(.targetConnection)
            switch configuration.mode {
            case .raw:
                return FlowServiceAPI.createFlow(FlowServiceAPI.FlowBody(
                    name: name, description: "Chatlio webhooks into AEP (Chatlio source).", flowSpec: FlowServiceAPI.chatlioFlowSpec,
                    sourceConnectionIDs: [source], targetConnectionIDs: [target], mapping: .init(id: try required(.mappingSet))
                ))
            case .xdm:
                return FlowServiceAPI.createFlow(FlowServiceAPI.FlowBody(
                    name: name, description: "Chatlio relay XDM envelopes into AEP (HTTP API source).", flowSpec: FlowServiceAPI.httpAPIFlowSpec,
                    sourceConnectionIDs: [source], targetConnectionIDs: [target], mapping: nil
                ))
            }
        case .inletURL:
            switch configuration.mode {
            case .raw: return FlowServiceAPI.flow(id: try required(.flow))
            case .xdm: return FlowServiceAPI.lookup(.connections, id: try required(.baseConnection))
            }
        }
    }

    /// The descriptor bodies: the visitor UUID as the one primary identity,
    /// the email as a second, non-primary one (Data Prep writes no
    /// `identityMap`, so descriptors are how raw events get identities).
    func identityDescriptors(schemaID: String, namespace: String) -> [AEPRequest] {
        configuration.chatlio.identityDescriptorRequests(
            schemaID: schemaID, visitorNamespace: namespace, emailNamespace: configuration.emailNamespace
        )
    }

    /// One step of a preview: what it looks for before it creates, and what it creates.
    ///
    /// ```swift
    /// for planned in plan.preview(placeholder: { "{\($0.rawValue)}" }) {
    ///     print(planned.step, planned.lookup, planned.request.method, planned.request.path)
    /// }
    /// ```
    public struct PlannedStep: Sendable, Hashable {
        /// The step.
        public var step: ProvisioningStep
        /// How an existing object is found ("the flow named \"Chatlio dataflow (raw)\"").
        public var lookup: String
        /// The request sent when none is found (with placeholders for earlier ids).
        public var request: PlatformRequest
    }

    /// Every step with the request it would send, earlier ids replaced by
    /// `placeholder(step)`: what `chatlio-aep-setup` prints without `--apply`
    /// and with `--apply --dry-run`. Nothing is sent.
    ///
    /// ```swift
    /// let steps = plan.preview(placeholder: { "${\($0.rawValue.uppercased())_ID}" })
    /// ```
    public func preview(placeholder: (ProvisioningStep) -> String) -> [PlannedStep] {
        steps.compactMap { step in
            // Every id comes from `placeholder`, so no step lacks one.
            guard let request = try? creationRequest(for: step, ids: placeholder) else { return nil }
            return PlannedStep(step: step, lookup: lookupDescription(step), request: request)
        }
    }

    /// How the run finds an existing object of `step`, in words.
    func lookupDescription(_ step: ProvisioningStep) -> String {
        let name = configuration.name(step)
        return switch step {
        case .baseConnection, .sourceConnection, .targetConnection, .flow: "the \(step) named \"\(name)\""
        case .fieldGroup, .schema: "the \(step) titled \"\(name)\""
        case .dataset: "the dataset named \"\(name)\""
        case .identityNamespace: "the namespace with code \(name) (case-insensitive)"
        case .identityDescriptor: "the schema's primary identity descriptor on the visitor UUID"
        case .emailIdentityDescriptor: "the schema's descriptor on personalEmail.address"
        case .mappingSet: "the mapping set of the flow named \"\(configuration.name(.flow))\""
        case .inletURL: "nothing: it is read each run"
        }
    }
}
