import AEPInletEmulator
import ExampleSupport
import Foundation

#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#endif

// aep-inlet-emulator: an emulated AEP streaming inlet, or (--platform) the emulated
// Platform APIs with their IMS token endpoint, for local development.

/// Unbuffered, so a script waiting for the URL line sees it at once.
func standardOutput(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}

func standardError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

let usageErrorStatus = CommandLineTool.usageErrorStatus

let arguments: Arguments
do {
    arguments = try Arguments(Array(CommandLine.arguments.dropFirst()))
} catch {
    standardError("error: \(error)\n")
    standardError(Arguments.usage)
    exit(usageErrorStatus)
}
if arguments.help {
    standardOutput(Arguments.usage)
    exit(0)
}

let verbose = arguments.verbose
let log: @Sendable (ChatlioLogRecord) -> Void = { event in
    if verbose || event.level >= .warning { standardError(event.description) }
}

/// A configuration the emulator refuses is a usage error, like a bad argument.
func exitCode(for error: AEPInletEmulatorError) -> Int32 {
    error.code == .invalidConfiguration ? usageErrorStatus : 1
}

// Block SIGINT/SIGTERM before any thread starts, so every thread inherits the
// mask and the main thread can wait for them with sigwait.
signal(SIGPIPE, SIG_IGN)
var signals = sigset_t()
sigemptyset(&signals)
sigaddset(&signals, SIGINT)
sigaddset(&signals, SIGTERM)
pthread_sigmask(SIG_BLOCK, &signals, nil)

if var configuration = arguments.platform {
    configuration.log = log
    configuration.inlet.log = log
    let platform: AEPPlatformEmulator
    do {
        platform = try AEPPlatformEmulator(configuration: configuration)
        try platform.start()
    } catch {
        standardError("error: \(error)")
        exit(exitCode(for: error))
    }
    let base = platform.baseURL.absoluteString
    standardOutput("Platform URL: \(base)")
    standardOutput("IMS token URL: \(platform.imsTokenURL.absoluteString)")
    standardOutput("Tenant: \(configuration.tenantId)  Org: \(configuration.imsOrgId)  Sandbox: \(configuration.sandboxName ?? "any")")
    if let clientID = configuration.oauthClients.keys.sorted().first {
        standardOutput("OAuth client: \(clientID) (the secret given; x-api-key must be \(clientID))")
    } else {
        standardOutput("OAuth client: any non-empty client id and secret get a token")
    }
    if configuration.requiredToken != nil {
        standardOutput("Requires:  Authorization: Bearer <the --require-token value, or a token from /ims/token/v3>")
    }
    let clientID = configuration.oauthClients.keys.sorted().first ?? "local-client"
    standardOutput("Try:       CHATLIO_AEP_SECRET=… chatlio-aep-setup --apply --tenant \(configuration.tenantId) --platform-url \(base) --ims-url \(base) "
        + "--client-id \(clientID) --client-secret-env CHATLIO_AEP_SECRET --org-id \(configuration.imsOrgId) --sandbox \(configuration.sandboxName ?? "prod")")
    standardOutput("Press Ctrl-C to stop.")

    var received: Int32 = 0
    sigwait(&signals, &received)
    platform.stop()
    standardOutput("Stopped after \(platform.requests.count) request(s), \(platform.flows.count) flow(s) created.")
    exit(0)
}

var configuration = arguments.configuration
configuration.log = log
let emulator: AEPInletEmulator
do {
    emulator = try AEPInletEmulator(configuration: configuration)
    try emulator.start()
} catch {
    standardError("error: \(error)")
    exit(exitCode(for: error))
}

standardOutput("Inlet URL: \(emulator.inletURL.absoluteString)")
standardOutput("Batch URL: \(emulator.batchURL.absoluteString)")
if let token = configuration.requiredToken {
    standardOutput("Requires:  Authorization: Bearer \(token)")
}
if let tenant = arguments.validationTenant {
    standardOutput("Validates: every xdmEntity against the built-in Chatlio XDM schema for tenant \(tenant); "
        + "with ?syncValidation=true an invalid message gets 400 naming its violations, without it 200 and a line on stderr")
} else {
    standardOutput("Validates: nothing (no --tenant); ?syncValidation=true answers {\"skipped\":true}, never \"pass\"")
}
standardOutput("Press Ctrl-C to stop.")

var received: Int32 = 0
sigwait(&signals, &received)
emulator.stop()
let accepted = emulator.record.count
let requests = emulator.record.requests.count
let failedValidation = emulator.record.failedValidation.count
standardOutput("Stopped after \(requests) request(s), \(accepted) message(s) accepted"
    + (arguments.validationTenant == nil ? "." : ", \(failedValidation) failed validation."))
exit(0)
