import ChatlioJSON
import ChatlioXDMMapper
import Foundation
import XDMSchemaRegistry

/// Performs one step at a time: look up by recorded id, else by name, else create.
struct StepRunner {
    let plan: ChatlioProvisioningPlan
    let client: AEPPlatformClient
    var state: ProvisioningState

    private var configuration: ChatlioProvisioningPlan.Configuration { plan.configuration }

    mutating func perform(_ step: ProvisioningStep) async throws(AEPProvisioningError) -> ProvisioningOutcome {
        switch step {
        case .baseConnection: try await baseConnection()
        case .sourceConnection: try await sourceConnection()
        case .fieldGroup: try await fieldGroup()
        case .schema: try await schema()
        case .identityNamespace: try await identityNamespace()
        case .identityDescriptor: try await identityDescriptor()
        case .emailIdentityDescriptor: try await emailIdentityDescriptor()
        case .dataset: try await dataset()
        case .targetConnection: try await targetConnection()
        case .mappingSet: try await mappingSet()
        case .flow: try await flow()
        case .inletURL: try await inletURL()
        }
    }

    /// The id an earlier step recorded (a plan's order guarantees it ran).
    func required(_ step: ProvisioningStep, for user: ProvisioningStep) throws(AEPProvisioningError) -> String {
        guard let id = state[step] else {
            throw AEPProvisioningError(.stateFile, "the \(user) step needs the \(step) id, which no earlier step recorded")
        }
        return id
    }

    // MARK: Flow Service

    /// A Flow Service object: the recorded id if it still exists, else the
    /// first of that name (checked by `accept`), else a new one.
    private func flowServiceObject(
        _ step: ProvisioningStep, _ collection: FlowServiceAPI.Collection, create: PlatformRequest,
        accept: (JSONValue) throws(AEPProvisioningError) -> Void = { _ throws(AEPProvisioningError) in }
    ) async throws(AEPProvisioningError) -> ProvisioningOutcome {
        if let id = state[step] {
            let answer = try await client.send(FlowServiceAPI.lookup(collection, id: id), allowing: [404])
            if answer.status != 404, let item = try FlowServiceAPI.items(answer).first {
                try accept(item)
                return ProvisioningOutcome(step: step, action: .reused, id: id)
            }
        }
        let name = configuration.name(step)
        let found = try FlowServiceAPI.items(try await client.send(FlowServiceAPI.list(collection, name: name)))
        // The filter is the server's; the name is checked again here.
        if let item = found.first(where: { $0["name"]?.stringValue == name }), let id = item["id"]?.stringValue {
            try accept(item)
            return ProvisioningOutcome(step: step, action: .reused, id: id)
        }
        let id = try FlowServiceAPI.createdID(try await client.send(create))
        return ProvisioningOutcome(step: step, action: .created, id: id)
    }

    /// The request that creates `step`'s object, from the ids recorded so far.
    func creation(_ step: ProvisioningStep) throws(AEPProvisioningError) -> PlatformRequest {
        try plan.creationRequest(for: step, ids: { state[$0] })
    }

    private func baseConnection() async throws(AEPProvisioningError) -> ProvisioningOutcome {
        try await flowServiceObject(.baseConnection, .connections, create: try creation(.baseConnection)) { item throws(AEPProvisioningError) in
            try expect(item, .baseConnection, "connectionSpec.id", item["connectionSpec"]?["id"]?.stringValue, FlowServiceAPI.httpAPIConnectionSpec.id)
        }
    }

    private func sourceConnection() async throws(AEPProvisioningError) -> ProvisioningOutcome {
        let create = try creation(.sourceConnection)
        switch configuration.mode {
        case .raw:
            return try await flowServiceObject(.sourceConnection, .sourceConnections, create: create) { item throws(AEPProvisioningError) in
                try expect(item, .sourceConnection, "connectionSpec.id", item["connectionSpec"]?["id"]?.stringValue, FlowServiceAPI.chatlioConnectionSpec.id)
            }
        case .xdm:
            let base = try required(.baseConnection, for: .sourceConnection)
            return try await flowServiceObject(.sourceConnection, .sourceConnections, create: create) { item throws(AEPProvisioningError) in
                try expect(item, .sourceConnection, "baseConnectionId", item["baseConnectionId"]?.stringValue, base)
            }
        }
    }

    private func targetConnection() async throws(AEPProvisioningError) -> ProvisioningOutcome {
        let dataset = try required(.dataset, for: .targetConnection)
        return try await flowServiceObject(.targetConnection, .targetConnections, create: try creation(.targetConnection)) {
            item throws(AEPProvisioningError) in
            try expect(item, .targetConnection, "params.dataSetId", item["params"]?["dataSetId"]?.stringValue, dataset)
        }
    }

    private func flow() async throws(AEPProvisioningError) -> ProvisioningOutcome {
        let source = try required(.sourceConnection, for: .flow)
        let target = try required(.targetConnection, for: .flow)
        return try await flowServiceObject(.flow, .flows, create: try creation(.flow)) { item throws(AEPProvisioningError) in
            guard let flow = FlowServiceAPI.Flow(item: item) else { return }
            if flow.sourceConnectionIDs != [source] || flow.targetConnectionIDs != [target] {
                throw AEPProvisioningError(
                    .conflict,
                    "the existing flow \"\(flow.name ?? flow.id)\" (\(flow.id)) connects sources \(flow.sourceConnectionIDs) to targets \(flow.targetConnectionIDs), not [\(source)] to [\(target)]; rename or delete it, or set another namePrefix"
                )
            }
        }
    }

    private func inletURL() async throws(AEPProvisioningError) -> ProvisioningOutcome {
        let answer = try await client.send(try creation(.inletURL))
        let url: String
        switch configuration.mode {
        case .raw:
            let flow = try FlowServiceAPI.Flow(listing: answer)
            guard let inlet = flow.inletURL, !inlet.isEmpty else {
                throw AEPProvisioningError(
                    .unreadableResponse, "the flow \(flow.id) has no options.inletUrl yet; run again in a minute (everything before is kept)"
                )
            }
            url = inlet
        case .xdm:
            url = try FlowServiceAPI.baseConnectionInletURL(answer)
        }
        return ProvisioningOutcome(step: .inletURL, action: .fetched, id: url)
    }

    // MARK: Identity Service

    private func identityNamespace() async throws(AEPProvisioningError) -> ProvisioningOutcome {
        let code = configuration.namespace.code
        let namespaces = try IdentityServiceAPI.Namespace.list(try await client.send(IdentityServiceAPI.listNamespaces()))
        // Codes are case-insensitive in Identity Service: "chatliovisitor" would be the same namespace.
        if let existing = namespaces.first(where: { $0.code.caseInsensitiveCompare(code) == .orderedSame }) {
            return ProvisioningOutcome(step: .identityNamespace, action: .reused, id: existing.code)
        }
        let answer = try await client.send(try creation(.identityNamespace))
        guard let created = answer.json.flatMap(IdentityServiceAPI.Namespace.init(json:)) else { throw answer.unreadable("the created namespace's id and code") }
        return ProvisioningOutcome(step: .identityNamespace, action: .created, id: created.code)
    }

    // MARK: Schema Registry: descriptor

    /// The visitor UUID field as the schema's one primary identity (Data Prep writes no `identityMap`).
    private func identityDescriptor() async throws(AEPProvisioningError) -> ProvisioningOutcome {
        let schemaID = try required(.schema, for: .identityDescriptor)
        let namespace = try required(.identityNamespace, for: .identityDescriptor)
        let property = plan.configuration.chatlio.visitorUUIDIdentityPath
        let descriptors = try await schemaDescriptors(schemaID)
        if let existing = descriptors.first(where: { $0.sourceProperty == property && $0.namespace == namespace && $0.isPrimary }) {
            return ProvisioningOutcome(step: .identityDescriptor, action: .reused, id: existing.id)
        }
        if let other = descriptors.first(where: \.isPrimary) {
            throw AEPProvisioningError(
                .conflict,
                "the schema \(schemaID) already has a primary identity, \(other.sourceProperty) in \(other.namespace) (descriptor \(other.id)); a schema may hold only one (help/xdm/api/descriptors.md): delete it to make \(property) primary"
            )
        }
        let id = try SchemaRegistryAPI.IdentityDescriptor.createdID(try await client.send(try creation(.identityDescriptor)))
        return ProvisioningOutcome(step: .identityDescriptor, action: .created, id: id)
    }

    /// The email as a second, non-primary identity, so Profile can join a
    /// visitor's events on the address once they give one.
    private func emailIdentityDescriptor() async throws(AEPProvisioningError) -> ProvisioningOutcome {
        let schemaID = try required(.schema, for: .emailIdentityDescriptor)
        let property = "/personalEmail/address"
        if let existing = try await schemaDescriptors(schemaID).first(where: { $0.sourceProperty == property }) {
            guard !existing.isPrimary, existing.namespace.caseInsensitiveCompare(configuration.emailNamespace) == .orderedSame else {
                throw AEPProvisioningError(
                    .conflict,
                    "the schema \(schemaID) already has an identity descriptor on \(property) (\(existing.id): namespace \(existing.namespace), primary \(existing.isPrimary)), not a non-primary \(configuration.emailNamespace) one; delete it and run again"
                )
            }
            return ProvisioningOutcome(step: .emailIdentityDescriptor, action: .reused, id: existing.id)
        }
        let id = try SchemaRegistryAPI.IdentityDescriptor.createdID(try await client.send(try creation(.emailIdentityDescriptor)))
        return ProvisioningOutcome(step: .emailIdentityDescriptor, action: .created, id: id)
    }

    /// The identity descriptors of one schema.
    private func schemaDescriptors(_ schemaID: String) async throws(AEPProvisioningError) -> [SchemaRegistryAPI.IdentityDescriptor] {
        try SchemaRegistryAPI.IdentityDescriptor.list(try await client.send(SchemaRegistryAPI.listDescriptors())).filter { $0.sourceSchema == schemaID }
    }

    // MARK: Catalog

    private func dataset() async throws(AEPProvisioningError) -> ProvisioningOutcome {
        let schemaID = try required(.schema, for: .dataset)
        let name = configuration.name(.dataset)
        func check(_ dataset: CatalogAPI.Dataset) throws(AEPProvisioningError) {
            if let existing = dataset.schemaID, existing != schemaID {
                throw AEPProvisioningError(
                    .conflict, "the existing dataset \"\(dataset.name ?? dataset.id)\" (\(dataset.id)) is of schema \(existing), not \(schemaID); set another namePrefix"
                )
            }
        }
        if let id = state[.dataset] {
            let answer = try await client.send(CatalogAPI.dataset(id: id), allowing: [404])
            if answer.status != 404, let found = try CatalogAPI.Dataset.list(answer).first(where: { $0.id == id }) {
                try check(found)
                return ProvisioningOutcome(step: .dataset, action: .reused, id: id)
            }
        }
        if let found = try CatalogAPI.Dataset.list(try await client.send(CatalogAPI.listDatasets(name: name))).first(where: { $0.name == name }) {
            try check(found)
            return ProvisioningOutcome(step: .dataset, action: .reused, id: found.id)
        }
        let id = try CatalogAPI.Dataset.createdID(try await client.send(try creation(.dataset)))
        return ProvisioningOutcome(step: .dataset, action: .created, id: id)
    }

    // MARK: Data Prep

    private func mappingSet() async throws(AEPProvisioningError) -> ProvisioningOutcome {
        if let id = state[.mappingSet] {
            let answer = try await client.send(DataPrepAPI.mappingSet(id: id), allowing: [404])
            if answer.status != 404 { return ProvisioningOutcome(step: .mappingSet, action: .reused, id: try DataPrepAPI.MappingSet(answer).id) }
        }
        // Mapping sets have no name: an existing flow of this plan names its own.
        let flowName = configuration.name(.flow)
        let flows = try FlowServiceAPI.items(try await client.send(FlowServiceAPI.list(.flows, name: flowName)))
        if let flow = flows.compactMap(FlowServiceAPI.Flow.init(item:)).first(where: { $0.name == flowName }), let mappingID = flow.mappingID {
            return ProvisioningOutcome(step: .mappingSet, action: .reused, id: mappingID)
        }
        let created = try DataPrepAPI.MappingSet(try await client.send(try creation(.mappingSet)))
        return ProvisioningOutcome(step: .mappingSet, action: .created, id: created.id)
    }

    // MARK: Support

    private func expect(_ item: JSONValue, _ step: ProvisioningStep, _ field: String, _ found: String?, _ wanted: String) throws(AEPProvisioningError) {
        guard let found, found != wanted else { return }
        let name = item["name"]?.stringValue ?? configuration.name(step)
        let id = item["id"]?.stringValue ?? "?"
        throw AEPProvisioningError(
            .conflict, "the existing \(step) \"\(name)\" (\(id)) has \(field) \(found), not \(wanted); rename or delete it, or set another namePrefix"
        )
    }
}
