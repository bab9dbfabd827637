public import XDMSchemaRegistry
public import ChatlioJSON

/// A compiled XDMSchemaRegistry validator is an emulator validator: the
/// emulator then checks every xdmEntity against the real Chatlio schema.
///
/// ```swift
/// var configuration = AEPInletEmulator.Configuration()
/// configuration.validator = try ChatlioXDM(tenantID: "acme").experienceEventValidator()
/// ```
extension XDMValidator: XDMEntityValidator {
    public func violations(of xdmEntity: JSONValue, schemaID: String?) -> [XDMViolation] {
        validate(xdmEntity).violations
    }
}
