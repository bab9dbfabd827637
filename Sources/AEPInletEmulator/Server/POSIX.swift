#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#endif

/// Thin wrappers over the POSIX socket calls the server uses, hiding the
/// Darwin/Glibc differences. Every function returns `errno` on failure.
enum POSIX {
    #if canImport(Darwin)
    static let streamType = SOCK_STREAM
    #else
    static let streamType = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
    #endif

    static var lastError: Int32 { errno }

    static func errorText(_ code: Int32) -> String {
        String(cString: strerror(code))
    }

    static func setCloseOnExec(_ fd: Int32) {
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
    }

    static func setNonBlocking(_ fd: Int32) {
        let flags = fcntl(fd, F_GETFL, 0)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
    }

    static func setOption(_ fd: Int32, level: Int32, name: Int32, value: Int32) -> Bool {
        var value = value
        return setsockopt(fd, level, name, &value, socklen_t(MemoryLayout<Int32>.size)) == 0
    }

    /// Suppresses SIGPIPE for writes on `fd` where the platform needs a socket option.
    static func suppressSIGPIPE(_ fd: Int32) {
        #if canImport(Darwin)
        _ = setOption(fd, level: SOL_SOCKET, name: SO_NOSIGPIPE, value: 1)
        #endif
    }

    static var sendFlags: Int32 {
        #if canImport(Darwin)
        0
        #else
        Int32(MSG_NOSIGNAL)
        #endif
    }

    /// A pipe whose read end becomes readable when ``wake(_:)`` is called, so
    /// every `poll` that includes it returns. Nobody reads it, so it stays readable.
    static func makePipe() -> (read: Int32, write: Int32)? {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return nil }
        setCloseOnExec(fds[0])
        setCloseOnExec(fds[1])
        return (fds[0], fds[1])
    }

    static func wake(_ writeFD: Int32) {
        var byte: UInt8 = 1
        _ = write(writeFD, &byte, 1)
    }

    enum Readiness { case readable, woken, timedOut, failed }

    /// Waits until `fd` is readable, the wake pipe fires, or `timeoutMs` passes (-1: forever).
    static func waitReadable(_ fd: Int32, wake: Int32, timeoutMs: Int32) -> Readiness {
        var fds = [
            pollfd(fd: fd, events: Int16(POLLIN), revents: 0),
            pollfd(fd: wake, events: Int16(POLLIN), revents: 0),
        ]
        while true {
            let result = poll(&fds, nfds_t(fds.count), timeoutMs)
            if result < 0 {
                if errno == EINTR { continue }
                return .failed
            }
            if result == 0 { return .timedOut }
            if fds[1].revents != 0 { return .woken }
            return .readable
        }
    }

    /// Sleeps up to `timeoutMs`, returning `false` early when the wake pipe fires.
    static func sleep(milliseconds timeoutMs: Int32, wake: Int32) -> Bool {
        var fds = [pollfd(fd: wake, events: Int16(POLLIN), revents: 0)]
        let result = poll(&fds, 1, timeoutMs)
        return !(result > 0)
    }

    /// Writes every byte, retrying short writes, telling `progress` each count the kernel took;
    /// `false` when the peer is gone.
    static func sendAll(_ fd: Int32, _ bytes: [UInt8], progress: (Int) -> Void = { _ in }) -> Bool {
        var offset = 0
        return bytes.withUnsafeBytes { buffer -> Bool in
            guard let base = buffer.baseAddress else { return true }
            while offset < buffer.count {
                let written = send(fd, base + offset, buffer.count - offset, sendFlags)
                if written < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += written
                progress(written)
            }
            return true
        }
    }

    /// Calls `body` with the loopback address (127.0.0.1, or ::1) at `port`, as `bind` and `connect` take it.
    static func withLoopbackAddress<T>(ipv6: Bool, port: Int, _ body: (UnsafePointer<sockaddr>, socklen_t) -> T) -> T {
        if ipv6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = in_port_t(UInt16(clamping: port)).bigEndian
            address.sin6_addr = in6addr_loopback
            return withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(clamping: port)).bigEndian
        address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
    }

    /// The port of a socket's own address (`getsockname`) or its peer's (`getpeername`), IPv4 or IPv6.
    static func port(of fd: Int32, peer: Bool) -> Int? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let named = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { peer ? getpeername(fd, $0, &length) : getsockname(fd, $0, &length) }
        }
        guard named == 0 else { return nil }
        let family = Int32(storage.ss_family)
        return withUnsafePointer(to: &storage) { pointer in
            if family == AF_INET6 {
                pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin6_port)) }
            } else {
                pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
            }
        }
    }

    /// Reads into `buffer`; returns the count, 0 at end of stream, -1 on error.
    static func receive(_ fd: Int32, into buffer: inout [UInt8]) -> Int {
        while true {
            let count = buffer.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return -1 }
                return recv(fd, base, raw.count, 0)
            }
            if count < 0, errno == EINTR { continue }
            return count
        }
    }

    /// Reads into `buffer`; returns the count, 0 at end of stream, -1 on error.
    static func receive(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard let base = buffer.baseAddress else { return -1 }
        while true {
            let count = recv(fd, base, buffer.count, 0)
            if count < 0, errno == EINTR { continue }
            return count
        }
    }

    static func shutdownBoth(_ fd: Int32) {
        #if canImport(Darwin)
        _ = shutdown(fd, SHUT_RDWR)
        #else
        _ = shutdown(fd, Int32(SHUT_RDWR))
        #endif
    }

    static func shutdownWrite(_ fd: Int32) {
        #if canImport(Darwin)
        _ = shutdown(fd, SHUT_WR)
        #else
        _ = shutdown(fd, Int32(SHUT_WR))
        #endif
    }

    /// What `fd` refers to (`socket:[123]`, `pipe:[456]`) where `/proc/self/fd`
    /// exists, so tests can tell a closed descriptor from a reused number.
    static func identity(of fd: Int32) -> String? {
        var buffer = [CChar](repeating: 0, count: 256)
        let count = readlink("/proc/self/fd/\(fd)", &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer[0 ..< count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func closeDescriptor(_ fd: Int32) {
        _ = close(fd)
    }
}
