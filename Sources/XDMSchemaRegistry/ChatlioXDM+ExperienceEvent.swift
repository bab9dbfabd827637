extension ChatlioXDM {
    /// The Chatlio ExperienceEvent schema: the ExperienceEvent class, IdentityMap,
    /// Environment Details, Web Details, Personal Contact Details, Demographic
    /// Details and the Chatlio tenant field group, composed with `allOf`.
    ///
    /// ```swift
    /// chatlio.experienceEventSchema.allOf?.compactMap(\.ref)
    /// // ["https://ns.adobe.com/xdm/context/experienceevent", …, "https://ns.adobe.com/acme/mixins/chatlio"]
    /// ```
    public var experienceEventSchema: XDMSchema {
        var schema = XDMSchema()
        schema.id = experienceEventSchemaID
        schema.title = "Chatlio ExperienceEvent"
        schema.description = "Chatlio live-chat webhooks (conversations, offline messages, unanswered messages, feedback, transcripts) as ExperienceEvents."
        schema.types = [.object]
        schema.allOf = experienceEventComponentIDs.map { .reference($0) }
        return schema
    }

    /// The `$id`s the ExperienceEvent schema is composed of, in `allOf` order.
    public var experienceEventComponentIDs: [String] {
        [
            StandardXDM.experienceEventID,
            StandardXDM.identityMapID,
            StandardXDM.environmentDetailsID,
            StandardXDM.webDetailsID,
            StandardXDM.personalContactDetailsID,
            StandardXDM.demographicDetailsID,
            fieldGroupID,
        ]
    }
}
