import ChatlioAEPSupport
import Foundation
import ChatlioJSON

#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#endif

/// Everything the emulated inlet accepted, in arrival order, with queries for
/// tests: counts, lookups by `_id`, duplicates, the request log.
///
/// Reach it through ``AEPInletEmulator/record``. Optionally every accepted
/// message is also appended to an NDJSON file
/// (``AEPInletEmulator/Configuration/recordFile``).
///
/// ```swift
/// #expect(await emulator.record.waitForCount(10, timeout: .seconds(5)))
/// #expect(emulator.record.duplicateIDs.isEmpty)
/// #expect(emulator.record.messages(withID: "evt-1").count == 1)
/// ```
public final class InletRecord: Sendable {
    private struct State: Sendable {
        var messages = BoundedLog()
        var failedValidation = BoundedLog()
        /// Accepted since the last reset, dropped ones included: the next sequence number.
        var acceptedCount = 0
        var failedValidationCount = 0
        var requests: [RequestLogEntry] = []
        var idCounts: [String: Int] = [:]
        var fileDescriptor: Int32 = -1
    }

    private let state = Locked(State())
    private let log: @Sendable (ChatlioLogRecord) -> Void
    /// What the record keeps in memory.
    public let limits: Limits

    init(limits: Limits = Limits(), log: @escaping @Sendable (ChatlioLogRecord) -> Void) {
        self.limits = limits
        self.log = log
    }

    deinit {
        closeFile()
    }

    // MARK: Queries

    /// Accepted messages, in arrival order (the newest ones, once over ``limits``).
    public var messages: [ReceivedMessage] { state.withLock { Array($0.messages.kept) } }

    /// How many messages were accepted, including any dropped over ``limits``.
    public var count: Int { state.withLock { $0.acceptedCount } }

    /// Accepted messages dropped from ``messages`` (and ``failedValidation``) because the
    /// record was over ``limits``: the oldest go first. 0 unless a limit was reached.
    ///
    /// ```swift
    /// #expect(emulator.record.droppedCount == 0, "raise Configuration.recordLimits to keep them all")
    /// ```
    public var droppedCount: Int { state.withLock { $0.messages.dropped + $0.failedValidation.dropped } }

    /// Accepted messages whose `_id` is `id` (more than one means duplicates).
    public func messages(withID id: String) -> [ReceivedMessage] {
        state.withLock { $0.messages.kept.filter { $0.id == id } }
    }

    /// The first accepted message whose `_id` is `id`.
    public func message(withID id: String) -> ReceivedMessage? {
        state.withLock { $0.messages.kept.first { $0.id == id } }
    }

    /// Every `_id` accepted more than once, with how many times.
    public var duplicateIDs: [String: Int] {
        state.withLock { $0.idCounts.filter { $0.value > 1 } }
    }

    /// The distinct `_id` values accepted.
    public var uniqueIDs: Set<String> {
        state.withLock { Set($0.idCounts.keys) }
    }

    /// Messages that passed the envelope checks but failed schema validation
    /// without `syncValidation`: AEP answers 200 and writes them to the
    /// dataset's failed batch; they are not in ``messages``.
    public var failedValidation: [ReceivedMessage] { state.withLock { Array($0.failedValidation.kept) } }

    /// Accepted raw messages whose Data Prep mapping reported an error (some
    /// destination left out, or the entity refused by the validator): see
    /// ``ReceivedMessage/mappingErrors``. Always empty without a mapping set.
    ///
    /// ```swift
    /// #expect(inlet.record.mappingFailures.isEmpty, "\(inlet.record.mappingFailures.map(\.mappingErrors))")
    /// ```
    public var mappingFailures: [ReceivedMessage] { state.withLock { $0.messages.kept.filter { !$0.mappingErrors.isEmpty } } }

    /// Every request on a collection path, in order, with its outcome.
    public var requests: [RequestLogEntry] { state.withLock { $0.requests } }

    /// Waits until at least `count` messages were accepted, or `timeout` passes.
    /// Returns whether the count was reached. A message and the request that
    /// brought it are recorded together: once this returns `true`,
    /// ``requests`` lists those requests too.
    ///
    /// ```swift
    /// #expect(await emulator.record.waitForCount(3))
    /// let statuses = emulator.record.requests.map(\.status)  // every request that brought them is here
    /// ```
    public func waitForCount(_ count: Int, timeout: Duration = .seconds(10)) async -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while self.count < count {
            if clock.now >= deadline { return false }
            do {
                try await Task.sleep(for: .milliseconds(10))
            } catch {
                return self.count >= count
            }
        }
        return true
    }

    /// Forgets every message and request (the NDJSON file is kept).
    public func removeAll() {
        state.withLock { state in
            let fileDescriptor = state.fileDescriptor
            state = State()
            state.fileDescriptor = fileDescriptor
        }
    }

    /// Takes every recorded message and forgets it, with the request log and
    /// the duplicate counts, in one step: for long runs that check arrivals
    /// batch by batch instead of keeping them all in memory.
    ///
    /// ```swift
    /// for message in emulator.record.drainMessages() { arrived.insert(message.id ?? "") }
    /// ```
    public func drainMessages() -> [ReceivedMessage] {
        state.withLock { state in
            let messages = Array(state.messages.kept)
            state.messages.removeAll()
            state.acceptedCount = 0
            state.requests = []
            state.idCounts = [:]
            return messages
        }
    }

    // MARK: Recording (used by the emulator)

    /// A request's log entry and the messages it brought, under one lock: whoever sees the messages (a
    /// ``waitForCount(_:timeout:)`` that returns) sees the request too.
    func append(request: RequestLogEntry, accepted: [ReceivedMessage] = [], failedValidation: [ReceivedMessage] = []) {
        state.withLock { state in
            state.requests.append(request)
            guard !accepted.isEmpty || !failedValidation.isEmpty else { return }
            // Numbered in place in the log's storage: one copy of each message, not three.
            let firstSequence = state.acceptedCount
            state.messages.append(contentsOf: accepted, firstSequence: firstSequence, limits: limits)
            state.acceptedCount += accepted.count
            for message in accepted {
                if let id = message.id { state.idCounts[id, default: 0] += 1 }
            }
            if state.fileDescriptor >= 0 {
                for (offset, message) in accepted.enumerated() {
                    writeLine(message.withSequence(firstSequence + offset).recordLine, to: state.fileDescriptor)
                }
            }
            state.failedValidation.append(contentsOf: failedValidation, firstSequence: state.failedValidationCount, limits: limits)
            state.failedValidationCount += failedValidation.count
        }
    }

    func openFile(_ url: URL) throws(AEPInletEmulatorError) {
        let fd = open(url.path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw AEPInletEmulatorError(.recordFileFailed, "open \(url.path): \(String(cString: strerror(errno)))")
        }
        let previous = state.withLock { state -> Int32 in
            defer { state.fileDescriptor = fd }
            return state.fileDescriptor
        }
        if previous >= 0 { _ = close(previous) }
    }

    func closeFile() {
        let fd = state.withLock { state -> Int32 in
            defer { state.fileDescriptor = -1 }
            return state.fileDescriptor
        }
        if fd >= 0 { _ = close(fd) }
    }

    private func writeLine(_ value: JSONValue, to fd: Int32) {
        var bytes = value.serialized(sortedKeys: true)
        bytes.append(0x0A)
        let ok = bytes.withUnsafeBytes { buffer -> Bool in
            guard let base = buffer.baseAddress else { return true }
            var offset = 0
            while offset < buffer.count {
                let written = write(fd, base + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += written
            }
            return true
        }
        if !ok { log(ChatlioLogRecord(level: .error, message: "could not append to the record file: \(String(cString: strerror(errno)))")) }
    }
}
