#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#endif

/// A POSIX thread that can be joined, so stopping the server waits until
/// every thread it started has really exited (Foundation's `Thread` cannot be joined).
struct JoinableThread: @unchecked Sendable {
    // pthread_t is an integer on Linux and a pointer on Darwin; it is only
    // handed to pthread_join, once, by whoever owns the thread.
    #if canImport(Darwin)
    private let handle: pthread_t
    #else
    private let handle: pthread_t
    #endif

    private final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    private init(handle: pthread_t) {
        self.handle = handle
    }

    /// Starts `body` on a new thread; `nil` when the system refuses (errno in the result).
    static func spawn(_ body: @escaping @Sendable () -> Void) -> Result<JoinableThread, POSIXThreadError> {
        let box = Unmanaged.passRetained(Body(body))
        #if canImport(Darwin)
        var handle: pthread_t?
        let result = pthread_create(&handle, nil, { argument in
            Unmanaged<Body>.fromOpaque(argument).takeRetainedValue().run()
            return nil
        }, box.toOpaque())
        guard result == 0, let handle else {
            box.release()
            return .failure(POSIXThreadError(code: result))
        }
        return .success(JoinableThread(handle: handle))
        #else
        var handle = pthread_t()
        let result = pthread_create(&handle, nil, { argument in
            guard let argument else { return nil }
            Unmanaged<Body>.fromOpaque(argument).takeRetainedValue().run()
            return nil
        }, box.toOpaque())
        guard result == 0 else {
            box.release()
            return .failure(POSIXThreadError(code: result))
        }
        return .success(JoinableThread(handle: handle))
        #endif
    }

    /// Waits until the thread has exited. Call once per thread.
    func join() {
        _ = pthread_join(handle, nil)
    }
}

/// `pthread_create` failed with this error number.
struct POSIXThreadError: Error, Sendable, Hashable {
    var code: Int32
}
