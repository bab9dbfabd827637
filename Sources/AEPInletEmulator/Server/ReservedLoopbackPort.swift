import ChatlioAEPSupport

#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#endif

/// A loopback TCP port held bound but not listening, for tests of an inlet that is down:
/// connections to it are refused, and the kernel hands it to no other test's server meanwhile,
/// as it could a port merely left free. For tests only.
///
/// ```swift
/// let down = try ReservedLoopbackPort()
/// // a client pointed at http://127.0.0.1:\(down.port)/ gets "connection refused" …
/// down.release()   // … until a server takes the port
/// ```
public final class ReservedLoopbackPort: Sendable {
    /// The port held on 127.0.0.1.
    public let port: Int
    private let descriptor: Locked<Int32>

    /// Binds 127.0.0.1 on `port`, or on an ephemeral port when it is 0, with `SO_REUSEADDR` as
    /// the emulator binds (so a stopped emulator's port can be held at once).
    public init(port: Int = 0) throws(AEPInletEmulatorError) {
        let fd = socket(AF_INET, POSIX.streamType, 0)
        guard fd >= 0 else {
            throw AEPInletEmulatorError(.socketFailed, "socket: \(POSIX.errorText(POSIX.lastError))")
        }
        _ = POSIX.setOption(fd, level: SOL_SOCKET, name: SO_REUSEADDR, value: 1)
        guard POSIX.withLoopbackAddress(ipv6: false, port: port, { bind(fd, $0, $1) }) == 0, let bound = POSIX.port(of: fd, peer: false) else {
            let code = POSIX.lastError
            POSIX.closeDescriptor(fd)
            throw AEPInletEmulatorError(.bindFailed, "bind to 127.0.0.1 port \(port): \(POSIX.errorText(code))")
        }
        self.port = bound
        descriptor = Locked(fd)
    }

    /// Frees the port, for the server that takes it next. Idempotent.
    public func release() {
        descriptor.withLock { fd in
            guard fd >= 0 else { return }
            POSIX.closeDescriptor(fd)
            fd = -1
        }
    }

    deinit {
        release()
    }
}
