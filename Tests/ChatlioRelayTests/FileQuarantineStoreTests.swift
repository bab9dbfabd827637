import ChatlioRelay
import Foundation
import Testing

@Suite struct FileQuarantineStoreTests {
    @Test func keepsEveryBodyByteForByteWithOwnerOnlyPermissions() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("quarantine-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try FileQuarantineStore(directory: directory)
        let bodies = [Data([0xFF, 0x00, 0x7B]), Data(#"{"visitor":{}}"#.utf8)]
        for (index, body) in bodies.enumerated() {
            try await store.quarantine(QuarantinedWebhook(receivedAt: Date(timeIntervalSince1970: Double(1_700_000_000 + index)), route: "offline-message", code: "invalid JSON", pointer: nil, reason: "r\(index)", body: body))
        }
        let items = try store.items()
        #expect(items.map(\.body) == bodies)
        #expect(items.map(\.reason) == ["r0", "r1"])
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
            let permissions = try FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent(name).path)[.posixPermissions] as? Int
            #expect(permissions == 0o600, "\(name)")
        }
        let directoryPermissions = try FileManager.default.attributesOfItem(atPath: directory.path)[.posixPermissions] as? Int
        #expect(directoryPermissions == 0o700)
    }

    @Test func relayQuarantinesToDisk() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("quarantine-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try FileQuarantineStore(directory: directory)
        let relay = try RelayFixtures.relay(quarantine: store)
        let response = await relay.handle(WebhookRequest(route: "chat-transcript", body: Data(#"{"messages":"nope"}"#.utf8)))
        #expect(response.status == 400)
        #expect(try store.items().first?.code == "missing field")
    }
}

/// The quarantine's bounds: anyone holding the URL token can post refused
/// bodies, so the store must stop at its limits, with a typed error and no file.
@Suite struct FileQuarantineStoreLimitsTests {
    static func temporaryDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("quarantine-\(UUID().uuidString)")
    }

    static func item(_ index: Int, body: Data = Data("not json".utf8)) -> QuarantinedWebhook {
        QuarantinedWebhook(receivedAt: Date(timeIntervalSince1970: 1_700_000_000), route: "offline-message", code: "invalid JSON", pointer: nil, reason: "r\(index)", body: body)
    }

    static func fileNames(in directory: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
    }

    static func bytes(in directory: URL) throws -> Int {
        try fileNames(in: directory).reduce(0) { total, name in
            total + (try directory.appendingPathComponent(name).resourceValues(forKeys: [.fileSizeKey]).fileSize ?? 0)
        }
    }

    @Test func theItemLimitHoldsAndTheRefusedItemLeavesNoFile() async throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try FileQuarantineStore(directory: directory, limits: .init(maxItems: 3))
        for index in 0..<3 { try await store.quarantine(Self.item(index)) }
        let error = await #expect(throws: QuarantineError.self) { try await store.quarantine(Self.item(3)) }
        #expect(error?.code == .full)
        #expect(error?.reason.contains("maxItems limit of 3") == true, "\(String(describing: error))")
        #expect(try Self.fileNames(in: directory).count == 3)
        #expect(try store.items().map(\.reason) == ["r0", "r1", "r2"])
    }

    @Test func theByteLimitHoldsAndTheRefusedItemLeavesNoFile() async throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // Measure one item's file, then allow exactly two and a bit.
        let probeDirectory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: probeDirectory) }
        let body = Data(repeating: 0x41, count: 1_000)
        try await FileQuarantineStore(directory: probeDirectory).quarantine(Self.item(0, body: body))
        let itemBytes = try Self.bytes(in: probeDirectory)
        #expect(itemBytes > body.count)

        let maxBytes = 2 * itemBytes + itemBytes / 2
        let store = try FileQuarantineStore(directory: directory, limits: .init(maxItems: 100, maxBytes: maxBytes))
        try await store.quarantine(Self.item(0, body: body))
        try await store.quarantine(Self.item(1, body: body))
        let error = await #expect(throws: QuarantineError.self) { try await store.quarantine(Self.item(2, body: body)) }
        #expect(error?.code == .full)
        #expect(error?.reason.contains("maxBytes limit of \(maxBytes)") == true, "\(String(describing: error))")
        #expect(try Self.fileNames(in: directory).count == 2)
        #expect(try Self.bytes(in: directory) <= maxBytes)
        // A smaller item still fits in the room left.
        try await store.quarantine(Self.item(3, body: Data("x".utf8)))
        #expect(try store.items().map(\.reason) == ["r0", "r1", "r3"])
    }

    @Test func reopeningCountsTheItemsAndBytesAlreadyThere() async throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = try FileQuarantineStore(directory: directory)
        for index in 0..<3 { try await first.quarantine(Self.item(index)) }

        let byItems = try FileQuarantineStore(directory: directory, limits: .init(maxItems: 4))
        try await byItems.quarantine(Self.item(3))
        await #expect(throws: QuarantineError.self) { try await byItems.quarantine(Self.item(4)) }
        #expect(try byItems.items().map(\.reason) == ["r0", "r1", "r2", "r3"])

        let full = try FileQuarantineStore(directory: directory, limits: .init(maxItems: 100, maxBytes: try Self.bytes(in: directory)))
        await #expect(throws: QuarantineError.self) { try await full.quarantine(Self.item(5, body: Data())) }
        #expect(try Self.fileNames(in: directory).count == 4)
    }

    @Test func leftoverTemporaryFilesAreDeletedOnOpenAndNotCounted() async throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let leftover = directory.appendingPathComponent(".1700000000000-42-7.json.tmp")
        try Data(repeating: 0x7B, count: 10_000).write(to: leftover)
        let store = try FileQuarantineStore(directory: directory, limits: .init(maxItems: 1, maxBytes: 5_000))
        #expect(!FileManager.default.fileExists(atPath: leftover.path))
        try await store.quarantine(Self.item(0))
        #expect(try Self.fileNames(in: directory).count == 1)
    }

    @Test func removingItemsFreesTheirRoom() async throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let body = Data(repeating: 0x41, count: 500)
        let store = try FileQuarantineStore(directory: directory, limits: .init(maxItems: 2))
        try await store.quarantine(Self.item(0, body: body))
        try await store.quarantine(Self.item(1, body: body))
        await #expect(throws: QuarantineError.self) { try await store.quarantine(Self.item(2, body: body)) }
        #expect(try store.removeAll { $0.reason == "r0" } == 1)
        try await store.quarantine(Self.item(3, body: body))
        #expect(try store.items().map(\.reason) == ["r1", "r3"])
        await #expect(throws: QuarantineError.self) { try await store.quarantine(Self.item(4, body: body)) }

        #expect(try store.removeAll { _ in true } == 2)
        #expect(try Self.fileNames(in: directory).isEmpty)
        try await store.quarantine(Self.item(5, body: body))
        try await store.quarantine(Self.item(6, body: body))
        #expect(try store.items().map(\.reason) == ["r5", "r6"])
    }

    @Test func removingFreesBytesToo() async throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let body = Data(repeating: 0x41, count: 2_000)
        let seed = try FileQuarantineStore(directory: directory)
        try await seed.quarantine(Self.item(0, body: body))
        let itemBytes = try Self.bytes(in: directory)
        let store = try FileQuarantineStore(directory: directory, limits: .init(maxItems: 100, maxBytes: itemBytes + itemBytes / 2))
        await #expect(throws: QuarantineError.self) { try await store.quarantine(Self.item(1, body: body)) }
        #expect(try store.removeAll { _ in true } == 1)
        try await store.quarantine(Self.item(2, body: body))
        #expect(try store.items().map(\.reason) == ["r2"])
    }

    @Test func concurrentWritersNeverPassTheLimit() async throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try FileQuarantineStore(directory: directory, limits: .init(maxItems: 10))
        let outcomes = await withTaskGroup(of: String.self) { group in
            for index in 0..<64 {
                group.addTask {
                    do {
                        try await store.quarantine(Self.item(index))
                        return "stored"
                    } catch let error as QuarantineError where error.code == .full {
                        return "full"
                    } catch {
                        return "other: \(error)"
                    }
                }
            }
            var outcomes: [String: Int] = [:]
            for await outcome in group { outcomes[outcome, default: 0] += 1 }
            return outcomes
        }
        #expect(outcomes == ["stored": 10, "full": 54])
        #expect(try Self.fileNames(in: directory).count == 10)
        #expect(Set(try store.items().map(\.reason)).count == 10)
    }

    @Test func aFailedWriteReleasesItsReservation() async throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try FileQuarantineStore(directory: directory, limits: .init(maxItems: 1))
        // Without its directory the write fails (permissions would not stop root).
        try FileManager.default.removeItem(at: directory)
        await #expect(throws: (any Error).self) { try await store.quarantine(Self.item(0)) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try await store.quarantine(Self.item(1))
        #expect(try store.items().map(\.reason) == ["r1"])
    }

    @Test func limitsBelowOneAreRefused() {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for limits in [FileQuarantineStore.Limits(maxItems: 0), FileQuarantineStore.Limits(maxBytes: -1)] {
            let error = #expect(throws: QuarantineError.self) { try FileQuarantineStore(directory: directory, limits: limits) }
            #expect(error?.code == .invalidLimits)
        }
        #expect(FileQuarantineStore.Limits() == .init(maxItems: 10_000, maxBytes: 256 << 20))
    }
}

/// A quarantine that cannot write must say so when it is opened, naming the
/// path and the problem, not at its first refused body with
/// `NSCocoaErrorDomain Code=512 "(null)"`.
@Suite struct FileQuarantineStoreOpenTests {
    @Test func aDirectoryUnderARegularFileIsRefusedAtOpenNamingThePath() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("quarantine-parent-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data("not a directory".utf8).write(to: file)
        let directory = file.appendingPathComponent("quarantine")
        let error = #expect(throws: QuarantineError.self) { try FileQuarantineStore(directory: directory) }
        #expect(error?.code == .cannotOpen)
        #expect(error?.reason.contains("\(file.path) is not a directory") == true, "\(String(describing: error))")
    }

    @Test func aReadOnlyDirectoryIsRefusedAtOpen() throws {
        guard let readOnly = try ReadOnlyDirectory.make() else { return }
        defer { readOnly.cleanUp() }
        let error = #expect(throws: QuarantineError.self) { try FileQuarantineStore(directory: readOnly.url) }
        #expect(error?.code == .cannotOpen)
        #expect(error?.reason.contains("\(readOnly.url.path) is not writable") == true, "\(String(describing: error))")
        #expect(error.map { "\($0)" }?.contains("(null)") == false)
    }

    @Test func aFailedWriteIsATypedErrorNamingThePath() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("quarantine-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try FileQuarantineStore(directory: directory)
        try FileManager.default.removeItem(at: directory)
        let item = QuarantinedWebhook(receivedAt: Date(timeIntervalSince1970: 1_700_000_000), route: "offline-message", code: "invalid JSON", pointer: nil, reason: "r", body: Data("x".utf8))
        let error = await #expect(throws: QuarantineError.self) { try await store.quarantine(item) }
        #expect(error?.code == .writeFailed)
        #expect(error?.reason.contains(directory.path) == true && error?.reason.contains("No such file or directory") == true, "\(String(describing: error))")
    }
}
