import Foundation

#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Thin, checked wrappers over the POSIX file calls the file outbox needs.
/// Every failure becomes an ``AEPStreamingClientError/Code/outboxIO`` naming
/// the call, the path and `strerror(errno)`.
enum POSIXFile {
    static func errorText(_ code: Int32 = errno) -> String {
        String(cString: strerror(code))
    }

    static func failure(_ call: String, _ path: String, _ code: Int32 = errno) -> AEPStreamingClientError {
        AEPStreamingClientError(.outboxIO, "\(call) \(path): \(errorText(code))")
    }

    /// Opens (and with `create`, creates with mode 0600) a file.
    static func open(_ path: String, create: Bool, exclusive: Bool = false, append: Bool = false) throws(AEPStreamingClientError) -> Int32 {
        var flags = O_RDWR | O_CLOEXEC
        if create { flags |= O_CREAT }
        if exclusive { flags |= O_EXCL }
        if append { flags |= O_APPEND }
        while true {
            let fd = Foundation.open(path, flags, mode_t(0o600))
            if fd >= 0 { return fd }
            if errno == EINTR { continue }
            throw failure("open", path)
        }
    }

    /// Writes every byte (retrying short writes and EINTR).
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws(AEPStreamingClientError) {
        guard let base = bytes.baseAddress else { return }
        var offset = 0
        while offset < bytes.count {
            let written = write(fd, base + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw failure("write", path)
            }
            offset += written
        }
    }

    /// Writes every byte of an array.
    static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(AEPStreamingClientError) {
        var failure: AEPStreamingClientError?
        bytes.withUnsafeBytes { raw in
            do throws(AEPStreamingClientError) {
                try writeAll(fd, raw, path: path)
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
    }

    /// Fills `buffer` with the bytes at `offset`.
    static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, offset: Int, path: String) throws(AEPStreamingClientError) {
        guard let base = buffer.baseAddress else { return }
        var done = 0
        while done < buffer.count {
            let got = pread(fd, base + done, buffer.count - done, off_t(offset + done))
            if got < 0 {
                if errno == EINTR { continue }
                throw failure("pread", path)
            }
            if got == 0 { throw AEPStreamingClientError(.outboxIO, "pread \(path): unexpected end of file at \(offset + done)") }
            done += got
        }
    }

    /// Reads `count` bytes at `offset`.
    static func read(_ fd: Int32, offset: Int, count: Int, path: String) throws(AEPStreamingClientError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        var done = 0
        var failure: AEPStreamingClientError?
        buffer.withUnsafeMutableBytes { raw in
            guard let base = raw.baseAddress else { return }
            while done < count {
                let got = pread(fd, base + done, count - done, off_t(offset + done))
                if got < 0 {
                    if errno == EINTR { continue }
                    failure = Self.failure("pread", path)
                    return
                }
                if got == 0 {
                    failure = AEPStreamingClientError(.outboxIO, "pread \(path): unexpected end of file at \(offset + done)")
                    return
                }
                done += got
            }
        }
        if let failure { throw failure }
        return buffer
    }

    /// The whole file.
    static func readAll(_ fd: Int32, path: String) throws(AEPStreamingClientError) -> [UInt8] {
        let size = try self.size(fd, path: path)
        return try read(fd, offset: 0, count: size, path: path)
    }

    static func size(_ fd: Int32, path: String) throws(AEPStreamingClientError) -> Int {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw failure("fstat", path) }
        return Int(info.st_size)
    }

    static func sync(_ fd: Int32, path: String) throws(AEPStreamingClientError) {
        #if canImport(Darwin)
        // fsync on Darwin does not flush the drive cache; F_FULLFSYNC does.
        if fcntl(fd, F_FULLFSYNC) == 0 { return }
        #endif
        while fsync(fd) != 0 {
            if errno == EINTR { continue }
            throw failure("fsync", path)
        }
    }

    static func truncate(_ fd: Int32, to size: Int, path: String) throws(AEPStreamingClientError) {
        guard ftruncate(fd, off_t(size)) == 0 else { throw failure("ftruncate", path) }
    }

    /// Makes a directory entry change (create, unlink) durable.
    static func syncDirectory(_ path: String) throws(AEPStreamingClientError) {
        let fd = Foundation.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw failure("open directory", path) }
        defer { _ = close(fd) }
        try sync(fd, path: path)
    }

    static func closeQuietly(_ fd: Int32) {
        if fd >= 0 { _ = close(fd) }
    }

    static func unlinkQuietly(_ path: String) {
        _ = unlink(path)
    }

    /// Creates the directory (and parents) with mode 0700, or checks an existing one.
    static func makeDirectory(_ path: String) throws(AEPStreamingClientError) {
        var info = stat()
        if stat(path, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFDIR else {
                throw AEPStreamingClientError(.outboxIO, "\(path) exists and is not a directory")
            }
            return
        }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw AEPStreamingClientError(.outboxIO, "cannot create the outbox directory \(path): \(error.localizedDescription)")
        }
        _ = chmod(path, 0o700)
    }

    /// Takes an exclusive `flock` on `path`; the descriptor holds it until closed.
    ///
    /// A lock held elsewhere is tried again for up to `wait`: on Linux a child that
    /// Foundation's `Process` is starting holds a copy of every descriptor of its parent
    /// (close-on-exec ones too) until its spawn file actions close them one by one, so a
    /// lock just released by its owner can look held for a moment. A lock that stays held
    /// is another outbox's: `outboxLocked`.
    static func lockFile(_ path: String, wait: Duration = .milliseconds(250)) throws(AEPStreamingClientError) -> Int32 {
        let fd = try open(path, create: true)
        let deadline = ContinuousClock.now.advanced(by: wait)
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            if code == EINTR { continue }
            if code == EWOULDBLOCK, ContinuousClock.now < deadline {
                usleep(5_000)
                continue
            }
            closeQuietly(fd)
            if code == EWOULDBLOCK {
                throw AEPStreamingClientError(.outboxLocked, "another FileOutbox holds \(path); one outbox directory per client")
            }
            throw failure("flock", path, code)
        }
        return fd
    }

    /// A duplicate descriptor (so a sync never races a close).
    static func duplicate(_ fd: Int32) -> Int32 {
        // Close-on-exec, as every descriptor opened here: a child process must not inherit it.
        fcntl(fd, F_DUPFD_CLOEXEC, 0)
    }
}
