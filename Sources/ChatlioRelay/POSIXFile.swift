#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A failed system call on one of the relay's state files, naming the
/// operation, the path and the system's reason, so a store can turn it into
/// its own typed error (Foundation's `CocoaError` here often reads
/// `Code=512 "(null)"`).
struct POSIXFailure: Error, Sendable, CustomStringConvertible {
    let operation: String
    let path: String
    let code: Int32

    /// The failure of the call that just set `errno`.
    init(_ operation: String, _ path: String, code: Int32 = errno) {
        self.operation = operation
        self.path = path
        self.code = code
    }

    var description: String { "cannot \(operation) \(path): \(String(cString: strerror(code))) (errno \(code))" }
}

/// The few system calls the state stores need, each retried on `EINTR` and
/// failing with a ``POSIXFailure``. File descriptors are plain `Int32`s
/// owned by the caller, which closes them.
enum POSIXFile {
    /// Opens `path` for writing, created owner-only (0600) if missing.
    static func openForWriting(_ path: String, exclusive: Bool = false, append: Bool = false) throws(POSIXFailure) -> Int32 {
        var flags = O_WRONLY | O_CREAT | O_CLOEXEC
        if exclusive { flags |= O_EXCL }
        if append { flags = (flags & ~O_WRONLY) | O_RDWR | O_APPEND }
        while true {
            let descriptor = open(path, flags, 0o600)
            if descriptor >= 0 { return descriptor }
            if errno != EINTR { throw POSIXFailure(exclusive ? "create" : "open", path) }
        }
    }

    /// Writes every byte, or throws; a failure may leave some written.
    static func writeAll(_ descriptor: Int32, _ bytes: [UInt8], path: String) throws(POSIXFailure) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in
                write(descriptor, buffer.baseAddress.map { $0 + offset }, bytes.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw POSIXFailure("write to", path)
            }
            // A 0-byte write of a non-empty buffer would loop forever; treat it as a full disk.
            if written == 0 { throw POSIXFailure("write to", path, code: ENOSPC) }
            offset += written
        }
    }

    /// Reads the file from offset 0: as many bytes as it held when opened,
    /// at most `limit`. (The stores append whole lines, so bytes appended
    /// meanwhile are only a later line, read next time.)
    static func readAll(_ path: String, limit: Int) throws(POSIXFailure) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw POSIXFailure("open", path) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw POSIXFailure("inspect", path) }
        let size = min(limit, max(0, Int(info.st_size)))
        var failure: Int32 = 0
        // Straight into the array, one system call per chunk the kernel returns.
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            var filled = 0
            while filled < size, let base = buffer.baseAddress {
                let count = read(descriptor, base + filled, size - filled)
                if count < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    break
                }
                if count == 0 { break }
                filled += count
            }
            initialized = filled
        }
        if failure != 0 { throw POSIXFailure("read", path, code: failure) }
        return bytes
    }

    /// Makes what was written to the file durable.
    static func sync(_ descriptor: Int32, path: String) throws(POSIXFailure) {
        while fsync(descriptor) != 0 {
            if errno != EINTR { throw POSIXFailure("sync", path) }
        }
    }

    /// Makes a directory's entries (a created or renamed file) durable.
    static func syncDirectory(_ path: String) throws(POSIXFailure) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw POSIXFailure("open directory", path) }
        defer { close(descriptor) }
        try sync(descriptor, path: path)
    }

    static func truncate(_ descriptor: Int32, to length: Int, path: String) throws(POSIXFailure) {
        while ftruncate(descriptor, off_t(length)) != 0 {
            if errno != EINTR { throw POSIXFailure("truncate", path) }
        }
    }

    static func rename(_ source: String, to destination: String) throws(POSIXFailure) {
        guard systemRename(source, destination) == 0 else { throw POSIXFailure("rename \(source) to", destination) }
    }

    static func remove(_ path: String) throws(POSIXFailure) {
        guard unlink(path) == 0 || errno == ENOENT else { throw POSIXFailure("delete", path) }
    }

    static func close(_ descriptor: Int32) {
        _ = closeDescriptor(descriptor)
    }

    /// The file's size, or `nil` when it does not exist.
    static func size(_ path: String) throws(POSIXFailure) -> Int? {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT { return nil }
            throw POSIXFailure("inspect", path)
        }
        return Int(info.st_size)
    }
}

// The module-level names `rename` and `close` are shadowed inside POSIXFile.
private func systemRename(_ source: String, _ destination: String) -> Int32 { rename(source, destination) }
private func closeDescriptor(_ descriptor: Int32) -> Int32 { close(descriptor) }
