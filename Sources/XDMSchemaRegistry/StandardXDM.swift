internal import ChatlioJSON

/// The standard XDM classes, field groups and data types the Chatlio
/// ExperienceEvent uses, written in Compatibility Mode (the names AEP ingests).
///
/// Only the fields of the mapper contract are included, and every object is
/// closed (`additionalProperties: false`), so a mapped event carrying a
/// standard field outside the contract is reported. Names, types, formats,
/// patterns and enums follow the public XDM definitions (adobe/xdm, commit
/// 4a4fc5f8); the tests compare them field by field with ../shared/xdm when it
/// is present.
///
/// ```swift
/// StandardXDM.components.map(\.id)   // the $ids registered by ChatlioXDM.registry()
/// ```
public enum StandardXDM: Sendable {
    public static let experienceEventID = "https://ns.adobe.com/xdm/context/experienceevent"
    public static let identityMapID = "https://ns.adobe.com/xdm/context/identitymap"
    public static let identityItemID = "https://ns.adobe.com/xdm/context/identityitem"
    public static let environmentDetailsID = "https://ns.adobe.com/xdm/context/experienceevent-environment-details"
    public static let webDetailsID = "https://ns.adobe.com/xdm/context/experienceevent-web"
    public static let personalContactDetailsID = "https://ns.adobe.com/xdm/context/profile-personal-details"
    public static let demographicDetailsID = "https://ns.adobe.com/xdm/context/profile-person-details"
    static let profileID = "https://ns.adobe.com/xdm/context/profile"
    static let timeSeriesID = "https://ns.adobe.com/xdm/data/time-series"

    /// Every standard part, in registration order.
    public static var components: [XDMSchema] {
        [experienceEvent, identityMap, identityItem, environmentDetails, webDetails, personalContactDetails, demographicDetails]
    }

    /// A closed root object with an `$id`.
    private static func document(_ id: String, title: String, properties: [String: XDMSchema], intendedToExtend: [String]? = nil) -> XDMSchema {
        var schema = XDMSchema.object(title: title, properties: properties, closed: true)
        schema.id = id
        if let intendedToExtend {
            schema.meta["meta:intendedToExtend"] = .array(intendedToExtend.map(JSONValue.string))
        }
        return schema
    }

    /// The ExperienceEvent class (time-series fields), which also brings in IdentityMap.
    public static var experienceEvent: XDMSchema {
        var producedBy = XDMSchema.string(title: "Produced By", description: "Who produced the event: self, system, salesRef, customerRep.")
        producedBy.otherKeywords["default"] = "self"
        producedBy.meta["meta:enum"] = ["self": "Self", "system": "System", "salesRef": "Sales Representative", "customerRep": "Customer Representative"]
        var schema = document(experienceEventID, title: "XDM ExperienceEvent", properties: [
            "_id": .string(title: "Identifier", description: "Unique id of the event record.", format: XDMFormat.uriReference.rawValue),
            "timestamp": .dateTime(title: "Timestamp", description: "When the event happened (RFC 3339, in the past)."),
            "eventType": .string(title: "Event Type", description: "The primary event type (an extensible enum: custom values are allowed)."),
            "producedBy": producedBy,
        ])
        schema.required = ["_id", "timestamp"]
        schema.meta["meta:extends"] = [.string(timeSeriesID), .string(identityMapID)]
        schema.allOf = [.reference(identityMapID)]
        return schema
    }

    /// The IdentityMap field group: namespace code → identity items.
    public static var identityMap: XDMSchema {
        var map = XDMSchema()
        map.types = [.object]
        map.title = "Identity Map"
        map.meta["meta:xdmType"] = "map"
        map.additionalProperties = .schema(.array(of: .reference(identityItemID)))
        return document(identityMapID, title: "IdentityMap", properties: ["identityMap": map], intendedToExtend: [])
    }

    /// The identity item data type.
    public static var identityItem: XDMSchema {
        var state = XDMSchema.string(title: "Authenticated state", enumValues: ["ambiguous", "authenticated", "loggedOut"])
        state.otherKeywords["default"] = "ambiguous"
        var primary = XDMSchema.boolean(title: "Primary")
        primary.otherKeywords["default"] = false
        return document(identityItemID, title: "Identity item", properties: [
            "id": .string(title: "Identifier"),
            "authenticatedState": state,
            "primary": primary,
        ])
    }

    /// Environment Details: `environment` and `placeContext`.
    public static var environmentDetails: XDMSchema {
        let environment = XDMSchema.object(title: "Environment", properties: [
            "type": .string(title: "Type", enumValues: ["browser", "application", "iot", "external", "widget"]),
            "browserDetails": .object(title: "Browser details", properties: ["userAgent": .string(title: "User agent")], closed: true),
            "ipV4": .string(title: "IPv4", format: XDMFormat.ipv4.rawValue),
            "ipV6": .string(title: "IPv6", format: XDMFormat.ipv6.rawValue),
        ], closed: true)
        let geo = XDMSchema.object(title: "Geo", properties: [
            "city": .string(title: "City"),
            "stateProvince": .string(title: "State or province", pattern: "([A-Z]{2}-[A-Z0-9]{1,3}|)"),
            "countryCode": .string(title: "Country code", pattern: "^[A-Z]{2}$"),
        ], closed: true)
        let placeContext = XDMSchema.object(title: "Place context", properties: ["geo": geo], closed: true)
        return document(environmentDetailsID, title: "Environment Details", properties: [
            "environment": environment,
            "placeContext": placeContext,
        ], intendedToExtend: [experienceEventID])
    }

    /// Web Details: the page and the referrer.
    public static var webDetails: XDMSchema {
        let web = XDMSchema.object(title: "Web", properties: [
            "webPageDetails": .object(title: "Web page details", properties: ["URL": .string(title: "URL")], closed: true),
            "webReferrer": .object(title: "Web referrer", properties: ["URL": .string(title: "URL")], closed: true),
        ], closed: true)
        return document(webDetailsID, title: "Web Details", properties: ["web": web], intendedToExtend: [experienceEventID])
    }

    /// Personal Contact Details: the personal email address.
    public static var personalContactDetails: XDMSchema {
        let email = XDMSchema.object(title: "Personal Email", properties: [
            "address": .string(title: "Address", format: XDMFormat.email.rawValue),
        ], closed: true)
        return document(personalContactDetailsID, title: "Personal Contact Details", properties: ["personalEmail": email],
                        intendedToExtend: [profileID, experienceEventID])
    }

    /// Demographic Details: the person's full name.
    public static var demographicDetails: XDMSchema {
        let name = XDMSchema.object(title: "Full name", properties: ["fullName": .string(title: "Full name")], closed: true)
        let person = XDMSchema.object(title: "Person", properties: ["name": name], closed: true)
        return document(demographicDetailsID, title: "Demographic Details", properties: ["person": person],
                        intendedToExtend: [profileID, experienceEventID])
    }
}
