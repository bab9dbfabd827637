import ChatlioAEPSupport
public import Foundation

/// A quarantine on disk: one JSON file per item (body base64-encoded),
/// written to a temporary name, synced and renamed, with owner-only
/// permissions, and bounded by ``Limits``.
///
/// The store keeps the number of items and their bytes in memory, counted
/// when it opens the directory, so it should be the only writer and remover
/// of that directory: files deleted by hand are noticed only on the next
/// open. Use ``removeAll(where:)`` to make room while it runs.
///
/// ```swift
/// let quarantine = try FileQuarantineStore(
///     directory: stateDirectory.appendingPathComponent("quarantine"),
///     limits: .init(maxItems: 5_000, maxBytes: 128 << 20))
/// ```
public final class FileQuarantineStore: QuarantineStore {
    /// How much a quarantine may hold. An item that would pass either limit
    /// is refused with ``QuarantineError/Code/full`` and leaves no file.
    ///
    /// Bodies are at most the relay's `maxBodyBytes` (1 MiB by default) and
    /// base64 makes them about a third larger on disk, so the default bytes
    /// limit holds at least ~190 of the largest bodies and far more typical ones.
    ///
    /// ```swift
    /// var limits = FileQuarantineStore.Limits()
    /// limits.maxItems = 1_000
    /// limits.maxBytes = 64 << 20
    /// ```
    public struct Limits: Sendable, Hashable {
        /// Items held at most (default 10,000).
        public var maxItems: Int
        /// Bytes of item files held at most: the sum of their sizes (default 256 MiB).
        public var maxBytes: Int

        /// Creates limits; see the properties for the defaults.
        public init(maxItems: Int = 10_000, maxBytes: Int = 256 << 20) {
            self.maxItems = maxItems
            self.maxBytes = maxBytes
        }

        /// No limit but the disk: the behaviour before limits existed.
        /// Anyone holding the URL token can then fill the disk.
        public static let unlimited = Limits(maxItems: .max, maxBytes: .max)

        func problem() -> String? {
            if maxItems < 1 { return "limits.maxItems must be at least 1 (it is \(maxItems))" }
            if maxBytes < 1 { return "limits.maxBytes must be at least 1 (it is \(maxBytes))" }
            return nil
        }
    }

    /// Held items and bytes, reservations of writes in flight included, so
    /// concurrent writers cannot together pass a limit.
    private struct Usage {
        var items: Int
        var bytes: Int
        var sequence: UInt64
    }

    /// The directory holding the items.
    public let directory: URL
    /// The limits the store was opened with.
    public let limits: Limits
    private let usage: Locked<Usage>

    /// Opens (creating if needed, mode 0700) a quarantine directory with the
    /// default ``Limits``.
    ///
    /// - Throws: ``QuarantineError``, as ``init(directory:limits:)``.
    public convenience init(directory: URL) throws(QuarantineError) {
        try self.init(directory: directory, limits: Limits())
    }

    /// Opens (creating if needed, mode 0700) a quarantine directory, proves
    /// it writable by creating and deleting a probe file, counts the items
    /// already there and deletes temporary files left by a crash.
    ///
    /// Items already beyond the limits (after lowering them) are kept; new
    /// items are refused until enough are removed.
    ///
    /// ```swift
    /// let quarantine = try FileQuarantineStore(directory: url, limits: .init(maxItems: 1_000))
    /// ```
    ///
    /// - Throws: ``QuarantineError`` with ``QuarantineError/Code/invalidLimits``
    ///   when a limit is below 1, or ``QuarantineError/Code/cannotOpen`` when
    ///   the directory cannot be created, read or written (a parent that is a
    ///   regular file, a read-only mount, missing permissions): the reason
    ///   names the path and the problem.
    public init(directory: URL, limits: Limits) throws(QuarantineError) {
        if let problem = limits.problem() { throw QuarantineError(.invalidLimits, problem) }
        self.directory = directory
        self.limits = limits
        do {
            try StateDirectory.prepare(directory.path)
        } catch {
            throw QuarantineError(.cannotOpen, "the quarantine directory \(error)")
        }
        var found = Usage(items: 0, bytes: 0, sequence: 0)
        do {
            let files = FileManager.default
            for name in try files.contentsOfDirectory(atPath: directory.path) {
                let url = directory.appendingPathComponent(name)
                if name.hasPrefix("."), name.hasSuffix(".tmp") {
                    // A crash mid-write: that body was never answered 400, so Chatlio resends it.
                    try POSIXFile.remove(url.path)
                } else if Self.isItem(name) {
                    found.items += 1
                    found.bytes += try POSIXFile.size(url.path) ?? 0
                    // Numbering above every name on disk keeps names unique when the
                    // same process reopens the directory with the same receive times.
                    found.sequence = max(found.sequence, Self.sequenceNumber(of: name))
                }
            }
        } catch let failure as POSIXFailure {
            throw QuarantineError(.cannotOpen, "the quarantine directory \(directory.path) cannot be used: \(failure)")
        } catch {
            throw QuarantineError(.cannotOpen, "the quarantine directory \(directory.path) cannot be read: \(error.localizedDescription)")
        }
        usage = Locked(found)
    }

    public func quarantine(_ item: QuarantinedWebhook) async throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(item)
        let number = try reserve(bytes: data.count)
        let stamp = Int64(item.receivedAt.timeIntervalSince1970 * 1000)
        let name = "\(stamp)-\(ProcessInfo.processInfo.processIdentifier)-\(number).json"
        let temporary = directory.appendingPathComponent("." + name + ".tmp")
        do {
            try write(Array(data), to: temporary.path)
            try POSIXFile.rename(temporary.path, to: directory.appendingPathComponent(name).path)
        } catch {
            try? POSIXFile.remove(temporary.path)
            usage.withLock {
                $0.items -= 1
                $0.bytes -= data.count
            }
            throw QuarantineError(.writeFailed, "the item could not be kept: \(error)")
        }
        // The 400 tells Chatlio not to resend, so the new name must survive a power loss too. The item is
        // stored and counted either way; a failed sync is reported, and the relay answers 500.
        do {
            try POSIXFile.syncDirectory(directory.path)
        } catch {
            throw QuarantineError(.writeFailed, "the item \(name) is kept but its name may not survive a power loss: \(error)")
        }
    }

    /// The items on disk, oldest first.
    public func items() throws -> [QuarantinedWebhook] {
        let decoder = Self.decoder()
        return try itemNames().map { try decoder.decode(QuarantinedWebhook.self, from: Data(contentsOf: directory.appendingPathComponent($0))) }
    }

    /// Deletes the items `shouldBeRemoved` picks, freeing their room under
    /// the ``Limits``, and returns how many it deleted.
    ///
    /// ```swift
    /// // after replaying the fixed bodies with chatlio-replay:
    /// try quarantine.removeAll { $0.code == "missing field" }
    /// // or empty it:
    /// try quarantine.removeAll { _ in true }
    /// ```
    ///
    /// - Throws: a file-system or decoding error; the items deleted before it
    ///   stay deleted and their room is freed.
    @discardableResult
    public func removeAll(where shouldBeRemoved: (QuarantinedWebhook) throws -> Bool) throws -> Int {
        let decoder = Self.decoder()
        var removed = 0
        for name in try itemNames() {
            let url = directory.appendingPathComponent(name)
            let data = try Data(contentsOf: url)
            guard try shouldBeRemoved(decoder.decode(QuarantinedWebhook.self, from: data)) else { continue }
            try FileManager.default.removeItem(at: url)
            removed += 1
            // Never below zero, should a file have been added behind the store's back.
            usage.withLock {
                $0.items = max(0, $0.items - 1)
                $0.bytes = max(0, $0.bytes - data.count)
            }
        }
        return removed
    }

    /// Counts the item before it is written, so writers in flight cannot
    /// together pass a limit; returns the item's sequence number.
    private func reserve(bytes: Int) throws(QuarantineError) -> UInt64 {
        try usage.withLock { usage throws(QuarantineError) -> UInt64 in
            if usage.items >= limits.maxItems {
                throw QuarantineError(.full, "the quarantine is at its maxItems limit of \(limits.maxItems) items")
            }
            // Subtraction, so `.unlimited` cannot overflow.
            if bytes > limits.maxBytes - usage.bytes {
                throw QuarantineError(.full, "a \(bytes)-byte item would take the quarantine from \(usage.bytes) bytes past its maxBytes limit of \(limits.maxBytes)")
            }
            usage.items += 1
            usage.bytes += bytes
            usage.sequence += 1
            return usage.sequence
        }
    }

    /// Created 0600 by `open(2)` itself (never briefly readable by others), written and synced.
    private func write(_ bytes: [UInt8], to path: String) throws(POSIXFailure) {
        let descriptor = try POSIXFile.openForWriting(path, exclusive: true)
        defer { POSIXFile.close(descriptor) }
        try POSIXFile.writeAll(descriptor, bytes, path: path)
        try POSIXFile.sync(descriptor, path: path)
    }

    private func itemNames() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter(Self.isItem)
            .sorted { $0.localizedStandardCompare($1) == .orderedAscending }
    }

    private static func isItem(_ name: String) -> Bool {
        name.hasSuffix(".json") && !name.hasPrefix(".")
    }

    /// The trailing number of `<stamp>-<pid>-<number>.json`; 0 for other names.
    private static func sequenceNumber(of name: String) -> UInt64 {
        let stem = name.dropLast(".json".count)
        guard let last = stem.split(separator: "-").last else { return 0 }
        return UInt64(last) ?? 0
    }

    private static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
