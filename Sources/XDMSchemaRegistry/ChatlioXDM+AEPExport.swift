extension ChatlioXDM {
    /// `POST /tenant/fieldgroups` for the Chatlio tenant field group.
    ///
    /// ```swift
    /// try Data(chatlio.fieldGroupRequest().bodyBytes).write(to: url)
    /// ```
    public func fieldGroupRequest() -> AEPRequest {
        AEPRequest.fieldGroup(tenantFieldGroup)
    }

    /// `POST /tenant/schemas` for the Chatlio ExperienceEvent schema.
    ///
    /// ```swift
    /// let request = chatlio.schemaRequest(fieldGroupID: idFromAEP, profileEnabled: true)
    /// ```
    ///
    /// - Parameters:
    ///   - fieldGroupID: the `$id` AEP returned for the field group
    ///     (defaults to ``fieldGroupID``).
    ///   - profileEnabled: enables the schema for Real-Time Customer Profile
    ///     (``AEPRequest/schema(title:description:composedOf:profileEnabled:)``).
    public func schemaRequest(fieldGroupID: String? = nil, profileEnabled: Bool = false) -> AEPRequest {
        var ids = experienceEventComponentIDs
        ids[ids.count - 1] = fieldGroupID ?? self.fieldGroupID
        let schema = experienceEventSchema
        return AEPRequest.schema(title: schema.title ?? "", description: schema.description ?? "", composedOf: ids, profileEnabled: profileEnabled)
    }

    /// The `xdm:sourceProperty` of the visitor UUID, the primary identity:
    /// `/_{tenantID}/chatlio/visitor/uuid`.
    ///
    /// ```swift
    /// try ChatlioXDM(tenantID: "acme").visitorUUIDIdentityPath   // "/_acme/chatlio/visitor/uuid"
    /// ```
    public var visitorUUIDIdentityPath: String { "/\(tenantNamespace)/chatlio/visitor/uuid" }

    /// `POST /tenant/descriptors`, twice: the visitor UUID
    /// (``visitorUUIDIdentityPath``) as the **primary** identity, and
    /// `personalEmail.address` as a second, non-primary identity. A schema may
    /// hold only one primary identity (help/xdm/api/descriptors.md); it is the
    /// identity XDM-mode events mark primary in `identityMap` (the visitor
    /// UUID, written to the same field), and the one raw-mode events get from
    /// the Data Prep mapping. Anonymous visitors have a UUID but no email, so
    /// only the UUID reaches every event to Profile.
    ///
    /// ```swift
    /// for request in chatlio.identityDescriptorRequests(schemaID: schemaIDFromAEP) {
    ///     post(request)   // request.accept == "application/vnd.adobe.xdm+json"
    /// }
    /// ```
    public func identityDescriptorRequests(schemaID: String? = nil, visitorNamespace: String = "ChatlioVisitor", emailNamespace: String = "Email") -> [AEPRequest] {
        let schema = schemaID ?? experienceEventSchemaID
        return [
            AEPRequest.identityDescriptor(schemaID: schema, sourceProperty: visitorUUIDIdentityPath, namespace: visitorNamespace, isPrimary: true),
            AEPRequest.identityDescriptor(schemaID: schema, sourceProperty: "/personalEmail/address", namespace: emailNamespace, isPrimary: false),
        ]
    }

    /// `POST /dataSets` for the Chatlio events dataset.
    ///
    /// ```swift
    /// let request = chatlio.datasetRequest(schemaID: schemaIDFromAEP, profileEnabled: true)
    /// ```
    public func datasetRequest(schemaID: String? = nil, name: String = "Chatlio events", profileEnabled: Bool = false) -> AEPRequest {
        AEPRequest.dataset(
            name: name,
            description: "Chatlio live-chat webhooks as ExperienceEvents.",
            schemaID: schemaID ?? experienceEventSchemaID,
            profileEnabled: profileEnabled
        )
    }
}
