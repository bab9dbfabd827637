import AEPInletEmulator
import Foundation

#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#endif

// aep-inlet-emulator: an emulated AEP streaming inlet for local development.

/// Unbuffered, so a script waiting for the URL line sees it at once.
func standardOutput(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}

func standardError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

let arguments: Arguments
do {
    arguments = try Arguments(Array(CommandLine.arguments.dropFirst()))
} catch {
    standardError("error: \(error)\n")
    standardError(Arguments.usage)
    exit(64)
}
if arguments.help {
    standardOutput(Arguments.usage)
    exit(0)
}

var configuration = arguments.configuration
let verbose = arguments.verbose
configuration.log = { event in
    if verbose || event.level >= .warning { standardError(event.description) }
}

// Block SIGINT/SIGTERM before any thread starts, so every thread inherits the
// mask and the main thread can wait for them with sigwait.
signal(SIGPIPE, SIG_IGN)
var signals = sigset_t()
sigemptyset(&signals)
sigaddset(&signals, SIGINT)
sigaddset(&signals, SIGTERM)
pthread_sigmask(SIG_BLOCK, &signals, nil)

let emulator: AEPInletEmulator
do {
    emulator = try AEPInletEmulator(configuration: configuration)
    try emulator.start()
} catch {
    standardError("error: \(error)")
    exit(1)
}

standardOutput("Inlet URL: \(emulator.inletURL.absoluteString)")
standardOutput("Batch URL: \(emulator.batchURL.absoluteString)")
if let token = configuration.requiredToken {
    standardOutput("Requires:  Authorization: Bearer \(token)")
}
standardOutput("Press Ctrl-C to stop.")

var received: Int32 = 0
sigwait(&signals, &received)
emulator.stop()
let accepted = emulator.record.count
let requests = emulator.record.requests.count
standardOutput("Stopped after \(requests) request(s), \(accepted) message(s) accepted.")
exit(0)
