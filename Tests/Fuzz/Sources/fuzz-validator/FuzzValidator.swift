import ChatlioJSON
import FuzzSupport
import XDMSchemaRegistry

/// The compiled ExperienceEvent validator for tenant "acme", twice: with the
/// default cap of five violations and with a cap of 10,000.
private let validators: (capped: XDMValidator, full: XDMValidator)? = {
    guard let chatlio = try? ChatlioXDM(tenantID: "acme"),
        let capped = try? chatlio.experienceEventValidator(),
        let full = try? chatlio.experienceEventValidator(options: .init(maxViolations: 10_000))
    else { return nil }
    return (capped, full)
}()

/// `validate(json:)` on arbitrary bytes.
///
/// Properties: it throws `invalidJSON` exactly when the bytes are not JSON;
/// otherwise the report is the same as validating the parsed document, keeps
/// at most `maxViolations` violations (the first ones of the full report, in
/// document order), counts all of them, and every violation's pointer names a
/// value that exists in the document.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzValidator(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let (capped, full) = validators else {
        require(false, "the built-in schema does not compile")
        return 0
    }
    let input = bytes(data, size)
    let document = try? JSONValue(parsing: Array(input))
    let report: XDMValidationReport
    do {
        report = try capped.validate(json: input)
    } catch {
        require(error.code == .invalidJSON, "validate(json:) threw \(error.code)")
        require(document == nil, "validate(json:) refused a document the parser accepts")
        return 0
    }
    guard let document else {
        require(false, "validate(json:) accepted bytes the parser refuses")
        return 0
    }
    require(report == capped.validate(document), "validate(json:) and validate(_:) disagree")
    let all = full.validate(document)
    require(report.violationCount == all.violationCount, "counts differ: \(report.violationCount) vs \(all.violationCount)")
    require(report.violations.count <= capped.options.maxViolations, "more violations kept than the cap")
    require(report.violations == Array(all.violations.prefix(capped.options.maxViolations)), "the capped report is not the full report's prefix")
    require(report.isValid == report.violations.isEmpty, "isValid disagrees with the violations")
    for violation in all.violations {
        require(isJSONPointer(violation.pointer), "pointer \(violation.pointer.debugDescription)")
        require(document.value(at: violation.pointer) != nil, "violation at \(violation.pointer), which is not in the document")
        require(violation.schemaLocation.hasPrefix("#"), "schema location \(violation.schemaLocation)")
    }
    return 0
}
