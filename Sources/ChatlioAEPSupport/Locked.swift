#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A value guarded by a lock, shared across tasks and threads: the one piece
/// of unchecked-Sendable storage the products use.
///
/// `Synchronization.Mutex` needs macOS 15, above the package's macOS 13
/// floor, so this wraps a `pthread_mutex_t` of its own. Not `NSLock`: on Linux
/// its `lock`/`unlock` pass through two Foundation frames around the same
/// mutex, about 200 instructions a pair against 60, paid several times for
/// every webhook the relay takes. Every access goes through ``withLock(_:)``.
///
/// ```swift
/// let counter = Locked(0)
/// counter.withLock { $0 += 1 }
/// ```
package final class Locked<State>: @unchecked Sendable {
    // Both behind pointers, not stored `var`s: a mutex must not move once
    // initialised, and a class property's dynamic exclusivity check (a
    // thread-local access set, entered and left on every call) cost more than
    // the lock that already makes each access exclusive.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let state: UnsafeMutablePointer<State>

    package init(_ state: State) {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        // A default (non-recursive, unchecked) mutex: `pthread_mutex_init`
        // only fails for lack of resources or bad attributes, neither of which
        // a default mutex needs on the platforms the package builds for.
        _ = pthread_mutex_init(mutex, nil)
        self.state = .allocate(capacity: 1)
        self.state.initialize(to: state)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
        state.deinitialize(count: 1)
        state.deallocate()
    }

    package func withLock<Result, Failure: Error>(_ body: (inout State) throws(Failure) -> Result) throws(Failure) -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&state.pointee)
    }
}
