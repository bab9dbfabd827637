import AEPInletEmulator
import AEPStreamingClient
import Foundation
import Logging
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Polls `condition` every 5 ms until it holds or `timeout` passes; whether it held.
func eventually(timeout: Duration = .seconds(15), _ condition: () async throws -> Bool) async rethrows -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: timeout)
    while try await !condition() {
        if clock.now >= deadline { return false }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return true
}

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

/// A swift-log handler that keeps every record, with its source, for tests to read.
struct CapturingLogHandler: LogHandler {
    struct Record: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: Logger.Metadata
        var source: String
    }

    final class Store: @unchecked Sendable {
        private let lock = NSLock()
        private var records: [Record] = []
        func append(_ record: Record) { lock.withLock { records.append(record) } }
        var all: [Record] { lock.withLock { records } }
    }

    let store: Store
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: Logging.LogEvent) {
        store.append(Record(
            level: event.level, message: event.message.description, metadata: metadata.merging(event.metadata ?? [:]) { $1 }, source: event.source
        ))
    }

    /// A logger whose records land in the returned store.
    static func logger(_ label: String = "test", level: Logger.Level = .trace) -> (Logger, Store) {
        let store = Store()
        var logger = Logger(label: label) { _ in CapturingLogHandler(store: store) }
        logger.logLevel = level
        return (logger, store)
    }
}

/// Keeps a loopback TCP port bound but not listening: connections to it are
/// refused, and the kernel hands it to no other test's server meanwhile.
final class PortReservation: @unchecked Sendable {
    private var descriptor: Int32
    let port: Int

    /// Binds 127.0.0.1 on an ephemeral port (`0`) or the one given.
    init(port: Int = 0) throws {
        #if canImport(Glibc)
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw POSIXError(.EMFILE) }
        var yes: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let fd = descriptor
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else {
            close(descriptor)
            throw POSIXError(.EADDRINUSE)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.port = Int(UInt16(bigEndian: address.sin_port))
    }

    /// Frees the port, for the server that takes it next.
    func release() {
        guard descriptor >= 0 else { return }
        close(descriptor)
        descriptor = -1
    }

    deinit { release() }
}
