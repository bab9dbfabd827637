import ChatlioJSON
import XDMSchemaRegistry

/// The field group and schema steps: found by id or title, compared with
/// the wanted version, patched when the difference is compatible.
extension StepRunner {
    /// An existing Schema Registry resource: the recorded `$id` if it still
    /// exists, else the first with the wanted title; its stored form.
    private func existingResource(
        _ step: ProvisioningStep, lookup: (String) -> PlatformRequest, list: PlatformRequest
    ) async throws(AEPProvisioningError) -> (id: String, json: JSONValue)? {
        if let id = state[step] {
            let answer = try await client.send(lookup(id), allowing: [404])
            if answer.status != 404, let json = answer.json { return (id, json) }
        }
        let title = plan.configuration.name(step)
        guard let summary = try SchemaRegistryAPI.ResourceSummary.list(try await client.send(list)).first(where: { $0.title == title }) else {
            return nil
        }
        let answer = try await client.send(lookup(summary.id))
        guard let json = answer.json else { throw answer.unreadable("the \(step) as JSON") }
        return (summary.id, json)
    }

    /// The tenant field group. An existing one is compared with the wanted
    /// one field by field (``XDMCompatibilityReport`` over the fields of its
    /// definitions): the same → reused; compatible changes (new optional
    /// fields, looser rules, docs) → `PATCH replace /definitions`; breaking
    /// changes → refused with the report.
    func fieldGroup() async throws(AEPProvisioningError) -> ProvisioningOutcome {
        let wanted = plan.configuration.chatlio.tenantFieldGroup
        guard let existing = try await existingResource(
            .fieldGroup, lookup: SchemaRegistryAPI.fieldGroup(id:), list: SchemaRegistryAPI.listFieldGroups(title: plan.configuration.name(.fieldGroup))
        ) else {
            let answer = try await client.send(try creation(.fieldGroup))
            return ProvisioningOutcome(step: .fieldGroup, action: .created, id: try SchemaRegistryAPI.resourceID(answer))
        }
        let stored: XDMSchema
        do {
            stored = try XDMSchema(json: existing.json)
        } catch {
            throw AEPProvisioningError(.unreadableResponse, "the existing field group \(existing.id) is not a schema this package reads: \(error)")
        }
        let report = XDMCompatibilityReport(from: Self.fields(of: stored), to: Self.fields(of: wanted))
        if report.changes.isEmpty { return ProvisioningOutcome(step: .fieldGroup, action: .reused, id: existing.id) }
        guard report.isCompatible else {
            let listed = report.breaking.map(\.description).joined(separator: "; ")
            throw AEPProvisioningError(
                .schemaDiffers,
                "the existing field group \(existing.id) differs from this version's in ways AEP refuses on a schema in use: \(listed); nothing was changed",
                compatibility: report
            )
        }
        let definitions = JSONValue.object((wanted.definitions ?? [:]).mapValues(\.json))
        _ = try await client.send(SchemaRegistryAPI.patchFieldGroup(id: existing.id, operations: [.init(op: "replace", path: "/definitions", value: definitions)]))
        return ProvisioningOutcome(
            step: .fieldGroup, action: .updated, id: existing.id, detail: report.allowed.map(\.description).joined(separator: "; ")
        )
    }

    /// The ExperienceEvent schema: the class, the standard field groups and
    /// the tenant field group. An existing one of another class is refused (a
    /// schema's class cannot change); missing field groups are added with
    /// `PATCH add /allOf/-`, and the `union` tag when Profile is wanted.
    /// Extra field groups are kept (removing one is a breaking change).
    func schema() async throws(AEPProvisioningError) -> ProvisioningOutcome {
        let fieldGroupID = try required(.fieldGroup, for: .schema)
        let request = plan.configuration.chatlio.schemaRequest(fieldGroupID: fieldGroupID, profileEnabled: plan.configuration.profileEnabled)
        guard let existing = try await existingResource(
            .schema, lookup: SchemaRegistryAPI.schema(id:), list: SchemaRegistryAPI.listSchemas(title: plan.configuration.name(.schema))
        ) else {
            return ProvisioningOutcome(step: .schema, action: .created, id: try SchemaRegistryAPI.resourceID(try await client.send(try creation(.schema))))
        }
        let wantedRefs = Self.references(request.body)
        let storedRefs = Self.references(existing.json)
        if let classRef = wantedRefs.first, !storedRefs.contains(classRef) {
            let report = XDMCompatibilityReport(from: Self.composition(storedRefs), to: Self.composition(wantedRefs))
            throw AEPProvisioningError(
                .schemaDiffers,
                "the existing schema \(existing.id) titled \"\(plan.configuration.name(.schema))\" is not of class \(classRef) (it is composed of \(storedRefs)); a schema's class cannot change: delete it or rename this one",
                compatibility: report
            )
        }
        var operations = wantedRefs.filter { !storedRefs.contains($0) }.map {
            SchemaRegistryAPI.JSONPatchOperation(op: "add", path: "/allOf/-", value: ["$ref": .string($0)])
        }
        let tags = existing.json["meta:immutableTags"]?.arrayValue?.compactMap(\.stringValue) ?? []
        if plan.configuration.profileEnabled, !tags.contains("union") {
            operations.append(.init(op: "add", path: "/meta:immutableTags", value: .array((tags + ["union"]).map(JSONValue.string))))
        }
        if operations.isEmpty { return ProvisioningOutcome(step: .schema, action: .reused, id: existing.id) }
        _ = try await client.send(SchemaRegistryAPI.patchSchema(id: existing.id, operations: operations))
        let added = operations.compactMap { $0.value?["$ref"]?.stringValue }
        var detail = added.isEmpty ? [] : ["added " + added.joined(separator: ", ")]
        if operations.contains(where: { $0.path == "/meta:immutableTags" }) { detail.append("enabled for Profile") }
        return ProvisioningOutcome(step: .schema, action: .updated, id: existing.id, detail: detail.joined(separator: "; "))
    }

    /// The fields a field group adds: the properties of all its definitions, as one object.
    static func fields(of group: XDMSchema) -> XDMSchema {
        var merged: [String: XDMSchema] = group.properties ?? [:]
        for name in (group.definitions ?? [:]).keys.sorted() {
            for (key, value) in group.definitions?[name]?.properties ?? [:] { merged[key] = value }
        }
        var view = XDMSchema()
        view.types = [.object]
        view.properties = merged
        return view
    }

    /// The `$ref`s of a schema's `allOf`, in order.
    static func references(_ json: JSONValue) -> [String] {
        json["allOf"]?.arrayValue?.compactMap { $0["$ref"]?.stringValue } ?? []
    }

    /// A stand-in schema whose fields are the composition's references, for a report.
    private static func composition(_ refs: [String]) -> XDMSchema {
        var view = XDMSchema()
        view.types = [.object]
        view.properties = Dictionary(refs.map { ($0, XDMSchema.reference($0)) }, uniquingKeysWith: { first, _ in first })
        return view
    }
}
