import AEPInletEmulator
import Foundation

/// The command line, parsed by hand (Foundation only, no argument-parser package).
struct Arguments {
    static let usage = """
        USAGE: aep-inlet-emulator [--port P] [--inlet-id ID] [--fault-rate R] [--seed S]
                                  [--require-token T] [--record FILE] [--raw] [--flow-id ID]
                                  [--failure-shape statusCode|status] [--ipv6] [--verbose]

        Runs an emulated AEP streaming inlet (DCS) on loopback until SIGINT or SIGTERM.

        OPTIONS:
          --port P               TCP port on 127.0.0.1 (default 0: any free port)
          --inlet-id ID          inlet id in /collection/{ID} (default emulated-inlet)
          --fault-rate R         fraction 0...1 of requests answered with a random fault
                                 (503/429 with Retry-After, 500, dropped connection)
          --seed S               seed of the random faults (default 0)
          --require-token T      require "Authorization: Bearer T" (401 without, 403 wrong)
          --record FILE          append every accepted message to FILE as NDJSON
          --raw                  raw JSON (Data Prep) inlet instead of XDM envelopes
          --flow-id ID           the dataflow id the inlet expects
          --failure-shape S      207 failure entries with "statusCode" (default) or "status"
          --ipv6                 listen on ::1 instead of 127.0.0.1
          --verbose              log every request to standard error
          -h, --help             show this help
        """

    var configuration = AEPInletEmulator.Configuration()
    var verbose = false
    var help = false

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    init(_ arguments: [String]) throws(Failure) {
        var remaining = arguments[...]
        func value(for option: String) throws(Failure) -> String {
            guard let next = remaining.popFirst(), !next.hasPrefix("--") else {
                throw Failure(description: "\(option) needs a value")
            }
            return next
        }
        while let argument = remaining.popFirst() {
            switch argument {
            case "-h", "--help":
                help = true
            case "--port":
                let text = try value(for: argument)
                guard let port = Int(text), (0 ... 65_535).contains(port) else {
                    throw Failure(description: "--port: \"\(text)\" is not a port number (0...65535)")
                }
                configuration.port = port
            case "--inlet-id":
                configuration.inletId = try value(for: argument)
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
            case "--raw":
                configuration.dataMode = .raw
            case "--flow-id":
                configuration.flowId = try value(for: argument)
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
            default:
                throw Failure(description: "unknown argument \"\(argument)\"")
            }
        }
    }
}
