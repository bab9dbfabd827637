import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A regular file of the outbox directory as it is now: its inode and its bytes.
struct DiskFile {
    var inode: UInt64
    var bytes: [UInt8]
}

func readFiles(in directory: String) -> [String: DiskFile] {
    var files: [String: DiskFile] = [:]
    for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] {
        let path = directory + "/" + name
        var info = stat()
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG, let data = FileManager.default.contents(atPath: path) else { continue }
        files[name] = DiskFile(inode: UInt64(info.st_ino), bytes: [UInt8](data))
    }
    return files
}

/// Replaces a file's bytes; O_TRUNC on an existing file keeps its inode, which the next ledger refers to.
func writeFile(_ path: String, _ bytes: [UInt8]) -> Bool {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    return bytes.withUnsafeBytes { raw in
        var offset = 0
        while offset < raw.count {
            let written = write(fd, raw.baseAddress! + offset, raw.count - offset)
            if written < 0 { if errno == EINTR { continue }; return false }
            offset += written
        }
        return true
    }
}
