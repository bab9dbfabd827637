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
    /// - Parameter fieldGroupID: the `$id` AEP returned for the field group
    ///   (defaults to ``fieldGroupID``).
    public func schemaRequest(fieldGroupID: String? = nil, profileEnabled: Bool = false) -> AEPRequest {
        var ids = experienceEventComponentIDs
        ids[ids.count - 1] = fieldGroupID ?? self.fieldGroupID
        let schema = experienceEventSchema
        return AEPRequest.schema(title: schema.title ?? "", description: schema.description ?? "", composedOf: ids, profileEnabled: profileEnabled)
    }

    /// `POST /tenant/descriptors`: the personal email address as the primary
    /// `Email` identity (needed only for Profile when `identityMap` carries no
    /// primary identity).
    ///
    /// ```swift
    /// let request = chatlio.identityDescriptorRequest(schemaID: schemaIDFromAEP)
    /// ```
    public func identityDescriptorRequest(schemaID: String? = nil, namespace: String = "Email", isPrimary: Bool = true) -> AEPRequest {
        AEPRequest.identityDescriptor(
            schemaID: schemaID ?? experienceEventSchemaID,
            sourceProperty: "/personalEmail/address",
            namespace: namespace,
            isPrimary: isPrimary
        )
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
