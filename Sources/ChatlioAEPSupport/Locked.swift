import Foundation

/// A value guarded by a lock, shared across tasks and threads: the one piece
/// of unchecked-Sendable storage the products use.
///
/// `Synchronization.Mutex` needs macOS 15, above the package's macOS 13
/// floor, so this wraps `NSLock`. Every access goes through ``withLock(_:)``.
///
/// ```swift
/// let counter = Locked(0)
/// counter.withLock { $0 += 1 }
/// ```
package final class Locked<State>: @unchecked Sendable {
    private let lock = NSLock()
    // Behind a pointer, not a stored `var`: the lock already makes each access
    // exclusive, and a class property's dynamic exclusivity check (a thread-local
    // access set, entered and left on every call) cost more than the lock.
    private let state: UnsafeMutablePointer<State>

    package init(_ state: State) {
        self.state = .allocate(capacity: 1)
        self.state.initialize(to: state)
    }

    deinit {
        state.deinitialize(count: 1)
        state.deallocate()
    }

    package func withLock<Result, Failure: Error>(_ body: (inout State) throws(Failure) -> Result) throws(Failure) -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&state.pointee)
    }
}
