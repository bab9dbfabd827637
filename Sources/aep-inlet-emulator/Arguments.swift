import AEPInletEmulator
import Foundation
import XDMSchemaRegistry

/// The command line, parsed by hand (Foundation only, no argument-parser package).
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

    init(_ arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment) throws(Failure) {
        var remaining = arguments[...]
        func value(for option: String) throws(Failure) -> String {
            guard let next = remaining.popFirst(), !next.hasPrefix("--") else {
                throw Failure(description: "\(option) needs a value")
            }
            return next
        }
        var platformMode = false
        var platformOptions = AEPPlatformEmulator.Configuration()
        var inletOnly: [String] = []
        var platformOnly: [String] = []
        var clientID: String?
        var clientSecret: String?
        var tenant: String?
        while let argument = remaining.popFirst() {
            switch argument {
            case "-h", "--help":
                help = true
            case "--platform":
                platformMode = true
            case "--port":
                let text = try value(for: argument)
                guard let port = Int(text), (0 ... 65_535).contains(port) else {
                    throw Failure(description: "--port: \"\(text)\" is not a port number (0...65535)")
                }
                configuration.port = port
            case "--inlet-id":
                configuration.inletId = try value(for: argument)
                inletOnly.append(argument)
            case "--fault-rate":
                let text = try value(for: argument)
                guard let rate = Double(text), rate.isFinite, (0 ... 1).contains(rate) else {
                    throw Failure(description: "--fault-rate: \"\(text)\" is not a number between 0 and 1")
                }
                configuration.faultRate = rate
            case "--seed":
                let text = try value(for: argument)
                guard let seed = UInt64(text) else {
                    throw Failure(description: "--seed: \"\(text)\" is not an unsigned integer")
                }
                configuration.faultSeed = seed
            case "--require-token":
                let token = try value(for: argument)
                guard !token.isEmpty else { throw Failure(description: "--require-token: the token is empty") }
                configuration.requiredToken = token
            case "--record":
                configuration.recordFile = URL(fileURLWithPath: try value(for: argument))
                inletOnly.append(argument)
            case "--raw":
                configuration.dataMode = .raw
                inletOnly.append(argument)
            case "--flow-id":
                configuration.flowId = try value(for: argument)
                inletOnly.append(argument)
            case "--failure-shape":
                let text = try value(for: argument)
                switch text {
                case "statusCode": configuration.failureShape = .statusCode
                case "status": configuration.failureShape = .status
                default: throw Failure(description: "--failure-shape: \"\(text)\" is neither statusCode nor status")
                }
            case "--ipv6":
                configuration.bindAddress = .ipv6Loopback
            case "--verbose":
                verbose = true
            case "--tenant":
                tenant = try value(for: argument)
            case "--org-id":
                platformOptions.imsOrgId = try value(for: argument)
                platformOnly.append(argument)
            case "--sandbox":
                platformOptions.sandboxName = try value(for: argument)
                platformOnly.append(argument)
            case "--client-id":
                clientID = try value(for: argument)
                platformOnly.append(argument)
            case "--client-secret":
                clientSecret = try value(for: argument)
                platformOnly.append(argument)
            case "--client-secret-env":
                let variable = try value(for: argument)
                guard let secret = environment[variable], !secret.isEmpty else {
                    throw Failure(description: "--client-secret-env: the environment variable \(variable) is not set or empty")
                }
                clientSecret = secret
                platformOnly.append(argument)
            default:
                throw Failure(description: "unknown argument \"\(argument)\"")
            }
        }
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
