import Foundation

/// A value guarded by a lock: the only unchecked-Sendable storage in the module.
///
/// `Synchronization.Mutex` needs macOS 15, above the package's macOS 13 floor,
/// so this wraps `NSLock`. Every access goes through ``withLock(_:)``.
final class Locked<State>: @unchecked Sendable {
    private let lock = NSLock()
    private var state: State

    init(_ state: State) {
        self.state = state
    }

    func withLock<Result, Failure: Error>(_ body: (inout State) throws(Failure) -> Result) throws(Failure) -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&state)
    }
}
