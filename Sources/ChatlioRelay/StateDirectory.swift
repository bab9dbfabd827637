#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A directory a state store owns: created owner-only (0700) with any
/// missing parents, and proven writable when the store opens, so a
/// misconfigured path fails at startup with its reason rather than at the
/// first event with an error nobody can read.
///
/// Writability is proven by creating and deleting a probe file: permission
/// bits say nothing for root, and `access(W_OK)` says yes for root even
/// where no file can be made (a read-only mount, `/proc`).
enum StateDirectory {
    /// Why the directory cannot be used, in words naming the path.
    struct Problem: Error, Sendable, CustomStringConvertible {
        let description: String
    }

    static func prepare(_ path: String) throws(Problem) {
        try create(path)
        try probe(path)
    }

    private static func create(_ path: String) throws(Problem) {
        var missing: [String] = []
        var current = path
        while true {
            var info = stat()
            if stat(current, &info) == 0 {
                guard info.st_mode & S_IFMT == S_IFDIR else {
                    throw Problem(description: current == path
                        ? "\(path) is not a directory"
                        : "\(path) cannot be created: \(current) is not a directory")
                }
                break
            }
            let code = errno
            if code == ENOTDIR, let file = firstNonDirectory(above: current) {
                throw Problem(description: "\(path) cannot be created: \(file) is not a directory")
            }
            guard code == ENOENT else {
                throw Problem(description: "\(path) cannot be used: \(POSIXFailure("inspect", current, code: code))")
            }
            missing.append(current)
            let parent = parentPath(current)
            guard parent != current else { break }
            current = parent
        }
        for directory in missing.reversed() {
            if mkdir(directory, 0o700) != 0 {
                let code = errno
                var info = stat()
                // Another process may have made it meanwhile.
                if code == EEXIST, stat(directory, &info) == 0, info.st_mode & S_IFMT == S_IFDIR { continue }
                throw Problem(description: "\(path) cannot be created: \(POSIXFailure("create directory", directory, code: code))")
            }
            // Exactly 0700 whatever the umask.
            _ = chmod(directory, 0o700)
        }
    }

    private static func probe(_ path: String) throws(Problem) {
        let probe = path + "/.probe-\(getpid())-\(UInt64.random(in: 0 ... .max)).tmp"
        let descriptor: Int32
        do {
            descriptor = try POSIXFile.openForWriting(probe, exclusive: true)
        } catch {
            throw Problem(description: "\(path) is not writable: no file can be created in it (\(String(cString: strerror(error.code))), errno \(error.code))")
        }
        POSIXFile.close(descriptor)
        do {
            try POSIXFile.remove(probe)
        } catch {
            throw Problem(description: "\(path) cannot be used: \(error)")
        }
    }

    /// The nearest existing ancestor of `path` that is not a directory (the cause of `ENOTDIR`).
    private static func firstNonDirectory(above path: String) -> String? {
        var current = parentPath(path)
        while true {
            var info = stat()
            if stat(current, &info) == 0 { return info.st_mode & S_IFMT == S_IFDIR ? nil : current }
            let parent = parentPath(current)
            guard parent != current else { return nil }
            current = parent
        }
    }

    /// `/a/b/c` → `/a/b`; `/a` → `/`; a relative `c` → `.`.
    static func parentPath(_ path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return "." }
        let parent = trimmed[..<slash]
        return parent.isEmpty ? "/" : String(parent)
    }
}
