public import Foundation

/// Keeps the raw bodies of webhooks the relay could not accept, with the
/// reason, so nothing Chatlio sent is lost even when it is unusable.
///
/// ```swift
/// let quarantine = try FileQuarantineStore(directory: stateDirectory.appendingPathComponent("quarantine"))
/// ```
public protocol QuarantineStore: Sendable {
    /// Stores one item durably, or throws.
    func quarantine(_ item: QuarantinedWebhook) async throws
}

/// A webhook the relay refused, kept for people to look at and replay.
public struct QuarantinedWebhook: Sendable, Hashable, Codable {
    /// When it arrived.
    public var receivedAt: Date
    /// The route it arrived on (the kind's name, or what was there).
    public var route: String
    /// The error code (`invalid JSON`, `missing field`, `event too large`, …).
    public var code: String
    /// JSON Pointer of the offending field, when known.
    public var pointer: String?
    /// The reason, as in the 400 response.
    public var reason: String
    /// The raw body, byte for byte.
    public var body: Data

    public init(receivedAt: Date, route: String, code: String, pointer: String?, reason: String, body: Data) {
        self.receivedAt = receivedAt
        self.route = route
        self.code = code
        self.pointer = pointer
        self.reason = reason
        self.body = body
    }
}

/// A quarantine in memory, for tests and examples.
public final class InMemoryQuarantineStore: QuarantineStore {
    private let storage = Locked<[QuarantinedWebhook]>([])

    public init() {}

    public func quarantine(_ item: QuarantinedWebhook) async throws {
        storage.withLock { $0.append(item) }
    }

    /// Everything quarantined so far, in order.
    public var items: [QuarantinedWebhook] { storage.withLock { $0 } }
}

/// A quarantine on disk: one JSON file per item (body base64-encoded),
/// written to a temporary name, synced and renamed, with owner-only
/// permissions.
public final class FileQuarantineStore: QuarantineStore {
    /// The directory holding the items.
    public let directory: URL
    private let sequence = Locked<UInt64>(0)

    /// Opens (creating if needed, mode 0700) a quarantine directory.
    public init(directory: URL) throws {
        self.directory = directory
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    public func quarantine(_ item: QuarantinedWebhook) async throws {
        let number = sequence.withLock { value -> UInt64 in
            value += 1
            return value
        }
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(item)
        let stamp = Int64(item.receivedAt.timeIntervalSince1970 * 1000)
        let name = "\(stamp)-\(ProcessInfo.processInfo.processIdentifier)-\(number).json"
        let temporary = directory.appendingPathComponent("." + name + ".tmp")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary.path])
        }
        let handle = try FileHandle(forWritingTo: temporary)
        try handle.write(contentsOf: data)
        try handle.synchronize()
        try handle.close()
        try FileManager.default.moveItem(at: temporary, to: directory.appendingPathComponent(name))
    }

    /// The items on disk, oldest first.
    public func items() throws -> [QuarantinedWebhook] {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }
            .sorted { $0.localizedStandardCompare($1) == .orderedAscending }
            .map { try decoder.decode(QuarantinedWebhook.self, from: Data(contentsOf: directory.appendingPathComponent($0))) }
    }
}
