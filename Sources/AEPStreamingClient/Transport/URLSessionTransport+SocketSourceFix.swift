import CURLSocketSourceFix

extension URLSessionTransport {
    /// The workaround for FoundationNetworking's busy wait (Linux): URLSession
    /// keeps the write `DispatchSource` it made for connecting after libcurl
    /// has switched the socket to read-only, and a connected socket is always
    /// writable, so a request awaiting its answer spun a core (~0.8 CPU-s per
    /// second, ~180,000 `curl_multi_socket_action` calls). The C target
    /// `CURLSocketSourceFix` points FoundationNetworking's imports of libcurl's
    /// multi functions at wrappers that turn such a change into "remove, then
    /// register afresh", after which URLSession holds only the sources libcurl
    /// asked for. Every transport installs it before making its session.
    ///
    /// ```swift
    /// if !URLSessionTransport.SocketSourceFix.isInstalled { /* another libcurl user, or not Linux */ }
    /// ```
    package enum SocketSourceFix {
        /// Installs the fix (once per process); whether it is in place. Sessions
        /// made before (by other code) keep the bug; those made after, in any
        /// code, do not.
        package static let install: Bool = chatlio_curl_socket_fix_install() == 0

        /// Whether a URLSession in this process has had its libcurl socket
        /// callback wrapped (false before the first session, and off Linux).
        package static var isInstalled: Bool { chatlio_curl_socket_fix_installed() != 0 }

        /// Whether the wrapper rewrites changes: `CHATLIO_CURL_SOCKET_FIX=0`
        /// turns it off, to measure the bug.
        package static var isEnabled: Bool { chatlio_curl_socket_fix_enabled() != 0 }

        /// `curl_multi_socket_action` calls for socket `fd` so far (a running
        /// count: take differences while the socket is open).
        package static func socketActions(fd: Int32) -> UInt64 { chatlio_curl_socket_actions(fd) }
    }
}
