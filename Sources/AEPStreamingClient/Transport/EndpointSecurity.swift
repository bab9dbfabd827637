import Foundation

/// The rule for URLs the client posts to: https everywhere; plain http only to
/// a loopback host (127.0.0.0/8, ::1, localhost) unless explicitly allowed.
enum EndpointSecurity {
    static func check(_ url: URL, allowInsecureHTTP: Bool, role: String) throws(AEPStreamingClientError) {
        let scheme = url.scheme?.lowercased()
        guard let host = url.host, !host.isEmpty else {
            throw AEPStreamingClientError(.invalidConfiguration, "the \(role) \(url.absoluteString) has no host")
        }
        switch scheme {
        case "https":
            return
        case "http":
            if allowInsecureHTTP || isLoopback(host) { return }
            throw AEPStreamingClientError(
                .insecureURL,
                "the \(role) \(URLSessionTransport.describe(url)) uses plain http to a non-loopback host; use https (or set allowInsecureHTTP for a trusted network)"
            )
        default:
            throw AEPStreamingClientError(.invalidConfiguration, "the \(role) \(URLSessionTransport.describe(url)) must use https")
        }
    }

    static func isLoopback(_ host: String) -> Bool {
        let host = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if host == "localhost" || host == "::1" || host == "0:0:0:0:0:0:0:1" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }
}
