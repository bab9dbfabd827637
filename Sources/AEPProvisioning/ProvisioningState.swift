public import Foundation

/// What a plan has provisioned so far, kept in a JSON file after every step
/// so a re-run after a failure continues where it stopped.
///
/// The file names the org, sandbox, tenant and mode it belongs to; a run for
/// another refuses it rather than reuse ids from elsewhere.
///
/// ```json
/// {"format": 1, "orgID": "ABC@AdobeOrg", "sandbox": "prod", "tenantID": "acme", "mode": "raw",
///  "ids": {"sourceConnection": "7689a40d-…", "schema": "https://ns.adobe.com/acme/schemas/…"}}
/// ```
public struct ProvisioningState: Sendable, Hashable, Codable {
    /// The file format (1).
    public var format: Int
    /// The org the ids belong to.
    public var orgID: String
    /// The sandbox the ids belong to.
    public var sandbox: String
    /// The tenant.
    public var tenantID: String
    /// `raw` or `xdm`.
    public var mode: ChatlioProvisioningPlan.Mode
    /// Each completed step's id, by step name.
    public var ids: [String: String]

    /// The current format.
    public static let currentFormat = 1

    /// An empty state.
    public init(orgID: String, sandbox: String, tenantID: String, mode: ChatlioProvisioningPlan.Mode, ids: [String: String] = [:]) {
        format = Self.currentFormat
        self.orgID = orgID
        self.sandbox = sandbox
        self.tenantID = tenantID
        self.mode = mode
        self.ids = ids
    }

    /// The id recorded for `step`.
    public subscript(step: ProvisioningStep) -> String? {
        get { ids[step.rawValue] }
        set { ids[step.rawValue] = newValue }
    }

    /// Reads the file, or `nil` when there is none.
    ///
    /// - Throws: ``AEPProvisioningError/Code/stateFile`` when it cannot be read or parsed.
    public static func load(from url: URL) throws(AEPProvisioningError) -> ProvisioningState? {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch let error as CocoaError where error.code == .fileReadNoSuchFile {
            return nil
        } catch {
            throw AEPProvisioningError(.stateFile, "cannot read the state file \(url.path): \(error.localizedDescription)")
        }
        let state: ProvisioningState
        do {
            state = try JSONDecoder().decode(ProvisioningState.self, from: data)
        } catch {
            throw AEPProvisioningError(.stateFile, "the state file \(url.path) is not a provisioning state: \(error)")
        }
        guard state.format == currentFormat else {
            throw AEPProvisioningError(.stateFile, "the state file \(url.path) has format \(state.format); this version reads \(currentFormat)")
        }
        return state
    }

    /// Writes the file atomically (a crash leaves the old file or the new one, never half of one).
    ///
    /// - Throws: ``AEPProvisioningError/Code/stateFile``.
    public func save(to url: URL) throws(AEPProvisioningError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            try (try encoder.encode(self) + Data("\n".utf8)).write(to: url, options: .atomic)
        } catch {
            throw AEPProvisioningError(.stateFile, "cannot write the state file \(url.path): \(error.localizedDescription)")
        }
    }
}
