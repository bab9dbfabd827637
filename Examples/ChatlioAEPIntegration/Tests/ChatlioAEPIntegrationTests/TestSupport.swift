import AEPInletEmulator
import AEPStreamingClient
import Foundation
import Logging
import Testing

/// A bound on every loopback test, so a hang fails with a message instead of stalling the run.
let loopbackTimeLimit: any SuiteTrait = .timeLimit(.minutes(2))

enum Fixture {
    static let schemaID = "https://ns.adobe.com/acme/schemas/chatlio-experienceevent"

    /// A started emulator on an ephemeral loopback port.
    static func emulator(_ adjust: (inout AEPInletEmulator.Configuration) -> Void = { _ in }) throws -> AEPInletEmulator {
        var configuration = AEPInletEmulator.Configuration(inletId: "integration")
        adjust(&configuration)
        let emulator = try AEPInletEmulator(configuration: configuration)
        _ = try emulator.start()
        return emulator
    }

    /// An XDM client configuration for `inletURL` with short backoffs.
    static func configuration(inletURL: URL, _ adjust: (inout AEPStreamingClient.Configuration) -> Void = { _ in }) -> AEPStreamingClient.Configuration {
        var configuration = AEPStreamingClient.Configuration(
            inletURL: inletURL, format: .xdm(schemaID: schemaID, datasetID: "integration"), flowID: "flow-1"
        )
        configuration.batching.linger = .milliseconds(5)
        configuration.retry.initialBackoff = .milliseconds(20)
        configuration.retry.maxBackoff = .milliseconds(200)
        configuration.requestTimeout = .seconds(10)
        adjust(&configuration)
        return configuration
    }

    static func event(_ id: String) -> StreamingEvent {
        StreamingEvent(id: id, payload: Data(#"{"_id":"\#(id)","eventType":"chatlio.test","timestamp":"2026-01-01T00:00:00Z"}"#.utf8))
    }

    /// A fresh directory under the temporary directory.
    static func temporaryDirectory(_ name: String) -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("chatlio-integration-\(name)-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

