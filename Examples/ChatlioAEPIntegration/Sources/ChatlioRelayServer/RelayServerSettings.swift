public import ChatlioRelay
public import Foundation
public import Logging

/// The relay server's settings, read from the environment and checked before
/// anything starts: a bad value stops the server with a message naming the
/// variable, instead of a silent default.
///
/// ```swift
/// let settings = try RelayServerSettings(environment: ProcessInfo.processInfo.environment)
/// for warning in settings.warnings { logger.warning("\(warning)") }
/// ```
public struct RelayServerSettings: Sendable, Equatable {
    /// Where AEP's streaming inlet is, or the in-process emulator that stands in for it.
    public enum Inlet: Sendable, Equatable {
        case emulator
        case aep(url: URL, flowID: String, datasetID: String?, schemaID: String?)
    }

    public var host = "127.0.0.1"
    public var port = 8080
    public var stateDirectory = "chatlio-state"
    public var tenant = "acme"
    /// The URL token Chatlio's webhook URLs carry; `nil` only with `ALLOW_UNAUTHENTICATED=1`.
    public var urlToken: String?
    public var adminToken: String?
    public var mode: ChatlioRelay.Mode = .xdm
    public var inlet: Inlet = .emulator
    public var logLevel: Logger.Level = .info
    /// What an operator should know about settings that are allowed but risky.
    public var warnings: [String] = []

    /// Tokens shorter than this are guessable; the relay and the admin routes refuse them too.
    public static let minimumTokenBytes = 16

    /// Reads `HOST`, `PORT`, `STATE_DIR`, `CHATLIO_TENANT`, `CHATLIO_URL_TOKEN`,
    /// `ALLOW_UNAUTHENTICATED`, `ADMIN_TOKEN`, `AEP_FORMAT`, `AEP_INLET_URL`,
    /// `AEP_FLOW_ID`, `AEP_DATASET_ID`, `AEP_SCHEMA_ID` and `LOG_LEVEL`.
    ///
    /// - Throws: ``RelayServerSettingsError`` naming the variable and what is wrong with it.
    public init(environment: [String: String]) throws(RelayServerSettingsError) {
        func value(_ name: String) -> String? {
            guard let text = environment[name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            return text
        }
        if let host = value("HOST") { self.host = host }
        if let text = value("PORT") {
            guard let port = Int(text), (0...65_535).contains(port) else {
                throw RelayServerSettingsError(variable: "PORT", "'\(text)' is not a port number (0 to 65535; 0 picks a free port)")
            }
            self.port = port
        }
        if let directory = value("STATE_DIR") { stateDirectory = directory }
        if let tenant = value("CHATLIO_TENANT") { self.tenant = tenant }

        let allowUnauthenticated = value("ALLOW_UNAUTHENTICATED")
        guard allowUnauthenticated == nil || allowUnauthenticated == "1" || allowUnauthenticated == "0" else {
            throw RelayServerSettingsError(variable: "ALLOW_UNAUTHENTICATED", "is 1 or 0, not '\(allowUnauthenticated ?? "")'")
        }
        if let token = value("CHATLIO_URL_TOKEN") {
            guard token.utf8.count >= Self.minimumTokenBytes else {
                throw RelayServerSettingsError(variable: "CHATLIO_URL_TOKEN", "must be at least \(Self.minimumTokenBytes) bytes (it is \(token.utf8.count)): a shorter one can be guessed")
            }
            urlToken = token
        } else if allowUnauthenticated == "1" {
            warnings.append("CHATLIO_URL_TOKEN is not set and ALLOW_UNAUTHENTICATED=1: anyone who can reach this port can post webhooks")
        } else {
            throw RelayServerSettingsError(
                variable: "CHATLIO_URL_TOKEN",
                "is not set: without it anyone who can reach the port can post webhooks. Set a random token of 16 or more bytes "
                    + "(and put it in Chatlio's webhook URLs), or set ALLOW_UNAUTHENTICATED=1 to run without one")
        }
        if let token = value("ADMIN_TOKEN") {
            guard token.utf8.count >= Self.minimumTokenBytes else {
                throw RelayServerSettingsError(variable: "ADMIN_TOKEN", "must be at least \(Self.minimumTokenBytes) bytes (it is \(token.utf8.count))")
            }
            adminToken = token
        } else {
            warnings.append("ADMIN_TOKEN is not set: the /admin endpoints are not mounted; dead letters need chatlio-aep-admin with the relay stopped")
        }
        if let format = value("AEP_FORMAT") {
            guard let mode = ChatlioRelay.Mode(rawValue: format) else {
                throw RelayServerSettingsError(variable: "AEP_FORMAT", "is xdm or raw, not '\(format)'")
            }
            self.mode = mode
        }
        if let text = value("AEP_INLET_URL") {
            guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http", url.host != nil else {
                throw RelayServerSettingsError(variable: "AEP_INLET_URL", "is not an http(s) URL: '\(text)'")
            }
            // Adobe requires the dataflow id for XDM and raw data alike.
            guard let flowID = value("AEP_FLOW_ID") else {
                throw RelayServerSettingsError(variable: "AEP_FLOW_ID", "is required with AEP_INLET_URL: the dataflow id (`chatlio-aep-setup --apply` prints it)")
            }
            let datasetID = value("AEP_DATASET_ID")
            if mode == .xdm, datasetID == nil {
                throw RelayServerSettingsError(variable: "AEP_DATASET_ID", "is required with AEP_INLET_URL when AEP_FORMAT is xdm")
            }
            inlet = .aep(url: url, flowID: flowID, datasetID: datasetID, schemaID: value("AEP_SCHEMA_ID"))
        } else {
            warnings.append("AEP_INLET_URL is not set: events go to an in-process AEP inlet emulator, not to Adobe")
        }
        if let text = value("LOG_LEVEL") {
            guard let level = Logger.Level(rawValue: text.lowercased()) else {
                throw RelayServerSettingsError(variable: "LOG_LEVEL", "is one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")), not '\(text)'")
            }
            logLevel = level
        }
    }
}

/// A setting the relay server cannot start with: which variable, and why.
public struct RelayServerSettingsError: Error, Sendable, Equatable, CustomStringConvertible {
    public let variable: String
    public let reason: String

    init(variable: String, _ reason: String) {
        self.variable = variable
        self.reason = reason
    }

    public var description: String { "\(variable) \(reason)" }
}
