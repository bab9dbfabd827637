import AEPInletEmulator
import ExampleSupport
import Foundation
import XDMSchemaRegistry

/// The command line, read with the shared `CommandLineOptions` (Foundation only, no argument-parser package).
struct Arguments {
    static let usage = """
        USAGE: aep-inlet-emulator [--port P] [--inlet-id ID] [--tenant T] [--fault-rate R] [--seed S]
                                  [--require-token T] [--record FILE] [--raw] [--flow-id ID]
                                  [--failure-shape statusCode|status] [--ipv6] [--verbose]
               aep-inlet-emulator --platform [--port P] [--tenant T] [--org-id ORG] [--sandbox NAME]
                                  [--client-id ID (--client-secret S | --client-secret-env VAR)]
                                  [--require-token T] [--fault-rate R] [--seed S]
                                  [--failure-shape statusCode|status] [--ipv6] [--verbose]

        Runs an emulated AEP streaming inlet (DCS) on loopback until SIGINT or SIGTERM.
        With --platform, runs the emulated Platform APIs instead (Schema Registry, Identity
        Service, Catalog, Data Prep, Flow Service) with an IMS token endpoint at
        /ims/token/v3; every flow created gets an inlet of its own. Its base URL serves as
        both --platform-url and --ims-url of chatlio-aep-setup --apply.

        OPTIONS:
          --port P               TCP port on 127.0.0.1 (default 0: any free port)
          --inlet-id ID          inlet id in /collection/{ID} (default emulated-inlet)
          --tenant T             validate every xdmEntity against the built-in Chatlio XDM
                                 ExperienceEvent schema for tenant T (fields under _T), as AEP
                                 validates against the dataset's schema; XDM envelopes only
                                 (not with --raw). Without it nothing is validated. See VALIDATION.
          --fault-rate R         fraction 0...1 of requests answered with a random fault
                                 (503/429 with Retry-After, 500, dropped connection);
                                 with --platform, of the requests to the flows' inlets
          --seed S               seed of the random faults (default 0)
          --require-token T      require "Authorization: Bearer T" (401 without, 403 wrong);
                                 with --platform, on the Platform APIs (tokens from
                                 /ims/token/v3 pass too)
          --record FILE          append every accepted message to FILE as NDJSON
          --raw                  raw JSON (Data Prep) inlet instead of XDM envelopes
          --flow-id ID           the dataflow the inlet feeds. A request whose x-adobe-flow-id
                                 (header or query parameter) differs gets 400. Each XDM envelope
                                 must name it in header.flowId (the request's x-adobe-flow-id
                                 stands in when header.flowId is absent), else that message fails
                                 with 400 "Message has an absent or wrong flow id in the header".
                                 Without --flow-id any flow id passes; raw data always needs an
                                 x-adobe-flow-id. Adobe requires the flow id "for both XDM and RAW
                                 data", XDM in header.flowId and raw in x-adobe-flow-id, and gives
                                 no error text for a missing one (HTTP API streaming tutorial, "Post
                                 data to be ingested": https://experienceleague.adobe.com/en/docs/
                                 experience-platform/sources/api-tutorials/create/streaming/http)
          --failure-shape S      207 failure entries with "statusCode" (default) or "status"
          --ipv6                 listen on ::1 instead of 127.0.0.1
          --verbose              log every request to standard error
          -h, --help             show this help

        VALIDATION (Adobe, "Streaming ingestion validation": https://experienceleague.adobe.com/
        en/docs/experience-platform/ingestion/quality/streaming-validation):
          With --tenant and ?syncValidation=true on /collection/{ID}: a valid message gets 200 with
          "syncValidation":{"status":"pass"}; an invalid one gets AEP's 400 "Invalid XDM Message
          Format" naming up to five violations (where, keyword, message) and is not kept, as AEP
          drops it. Without syncValidation (AEP's default, asynchronous validation) a well-formed
          message gets 200 with "syncValidation":{"skipped":true}, which means only "received"; an
          invalid one is then not accepted but counted as failed validation and logged on standard
          error (AEP writes it to the dataset's failed batch). /collection/batch never validates
          synchronously (AEP: single-message endpoint only).
          Without --tenant nothing is schema-checked: syncValidation=true answers
          {"skipped":true,"emulator":"not validated: ..."}, never "pass". The inlets of --platform
          flows do not schema-check either.

        PLATFORM OPTIONS (with --platform):
          --platform             run the Platform API emulator instead of a lone inlet
          --tenant T             tenant id: resources under _T (default emulated)
          --org-id ORG           the x-gw-ims-org-id every request must carry
                                 (default EMULATED0000000000000000@AdobeOrg)
          --sandbox NAME         the only x-sandbox-name accepted (default: any)
          --client-id ID         the OAuth client /ims/token/v3 knows, and the only
                                 x-api-key accepted (default: any non-empty id and secret
                                 get a token, any x-api-key passes)
          --client-secret S      its client secret
          --client-secret-env VAR
                                 the environment variable holding its client secret

        EXIT STATUS: 0 after SIGINT or SIGTERM; 2 for usage errors (bad or conflicting options, a
        configuration the emulator refuses); 1 when it cannot start (the port is taken, …).
        """

    var configuration = AEPInletEmulator.Configuration()
    /// Set by `--tenant` on a lone inlet: `configuration.validator` checks every xdmEntity against
    /// the built-in Chatlio XDM schema for this tenant.
    var validationTenant: String?
    /// Set by `--platform`: run the Platform API emulator with this configuration.
    var platform: AEPPlatformEmulator.Configuration?
    var verbose = false
    var help = false

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static let flags: Set<String> = ["--help", "--platform", "--raw", "--ipv6", "--verbose"]
    static let valued: Set<String> = [
        "--port", "--inlet-id", "--fault-rate", "--seed", "--require-token", "--record", "--flow-id", "--failure-shape", "--tenant",
        "--org-id", "--sandbox", "--client-id", "--client-secret", "--client-secret-env",
    ]
    /// Options that configure a lone inlet, and options that only `--platform` has.
    static let inletOnly: Set<String> = ["--inlet-id", "--record", "--raw", "--flow-id"]
    static let platformOnly: Set<String> = ["--org-id", "--sandbox", "--client-id", "--client-secret", "--client-secret-env"]

    init(_ arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment) throws(Failure) {
        let options: CommandLineOptions
        do throws(CommandLineOptions.UsageError) {
            options = try CommandLineOptions(parsing: arguments, flags: Self.flags, valued: Self.valued)
            if let stray = options.positional.first { throw CommandLineOptions.UsageError(message: "unexpected argument \"\(stray)\"") }
            try read(options)
        } catch {
            throw Failure(description: error.message)
        }
        let platformMode = options.has("--platform")
        var platformOptions = AEPPlatformEmulator.Configuration()
        platformOptions.imsOrgId = options.value("--org-id") ?? platformOptions.imsOrgId
        platformOptions.sandboxName = options.value("--sandbox") ?? platformOptions.sandboxName
        let clientID = options.value("--client-id")
        var clientSecret = options.value("--client-secret")
        let tenant = options.value("--tenant")
        if let variable = options.value("--client-secret-env") {
            guard let secret = environment[variable], !secret.isEmpty else {
                throw Failure(description: "--client-secret-env: the environment variable \(variable) is not set or empty")
            }
            clientSecret = secret
        }
        let inletOnly = options.given.filter(Self.inletOnly.contains)
        let platformOnly = options.given.filter(Self.platformOnly.contains)
        guard platformMode else {
            if let option = platformOnly.first { throw Failure(description: "\(option) needs --platform") }
            if let tenant { try validate(tenant: tenant) }
            return
        }
        if let tenant { platformOptions.tenantId = tenant }
        if let option = inletOnly.first {
            throw Failure(description: "\(option) applies to a lone inlet, not to --platform (each flow's inlet gets its id, mode and flow id from the flow)")
        }
        switch (clientID, clientSecret) {
        case (let id?, let secret?):
            guard !id.isEmpty else { throw Failure(description: "--client-id: the id is empty") }
            guard !secret.isEmpty else { throw Failure(description: "--client-secret: the secret is empty") }
            platformOptions.oauthClients = [id: secret]
            platformOptions.apiKey = id
        case (_?, nil):
            throw Failure(description: "--client-id needs --client-secret or --client-secret-env")
        case (nil, _?):
            throw Failure(description: "--client-secret needs --client-id")
        case (nil, nil):
            break
        }
        platformOptions.port = configuration.port
        platformOptions.bindAddress = configuration.bindAddress
        platformOptions.requiredToken = configuration.requiredToken
        var inlet = configuration
        inlet.requiredToken = nil
        inlet.port = 0
        platformOptions.inlet = inlet
        platform = platformOptions
    }

    /// The options both modes share, into `configuration`.
    private mutating func read(_ options: CommandLineOptions) throws(CommandLineOptions.UsageError) {
        help = options.has("--help")
        verbose = options.has("--verbose")
        if let port = try options.integer("--port", in: 0 ... 65_535, what: "a port number (0...65535)") { configuration.port = port }
        if let id = options.value("--inlet-id") { configuration.inletId = id }
        if let rate = try options.number("--fault-rate", in: 0 ... 1, what: "a number between 0 and 1") { configuration.faultRate = rate }
        if let seed = try options.unsignedInteger("--seed") { configuration.faultSeed = seed }
        if let token = options.value("--require-token") {
            guard !token.isEmpty else { throw CommandLineOptions.UsageError(message: "--require-token: the token is empty") }
            configuration.requiredToken = token
        }
        if let path = options.value("--record") { configuration.recordFile = URL(fileURLWithPath: path) }
        if options.has("--raw") { configuration.dataMode = .raw }
        if let flowID = options.value("--flow-id") { configuration.flowId = flowID }
        switch options.value("--failure-shape") {
        case nil: break
        case "statusCode": configuration.failureShape = .statusCode
        case "status": configuration.failureShape = .status
        case let text?: throw CommandLineOptions.UsageError(message: "--failure-shape: \"\(text)\" is neither statusCode nor status")
        }
        if options.has("--ipv6") { configuration.bindAddress = .ipv6Loopback }
    }

    /// `--tenant` on a lone inlet: the built-in Chatlio ExperienceEvent schema for `tenant` as the
    /// validator. A tenant id the schema refuses, or a raw inlet, is a usage error.
    private mutating func validate(tenant: String) throws(Failure) {
        guard configuration.dataMode == .xdm else {
            throw Failure(description: "--tenant validates XDM envelopes; a --raw inlet has no XDM to check (raw data is mapped by the dataflow's Data Prep set, which only --platform flows have)")
        }
        do {
            configuration.validator = try ChatlioXDM(tenantID: tenant).experienceEventValidator()
        } catch {
            throw Failure(description: "--tenant: \(error)")
        }
        validationTenant = tenant
    }
}
