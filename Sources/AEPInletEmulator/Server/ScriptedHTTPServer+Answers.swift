extension ScriptedHTTPServer {
    /// A server answering `status` with a large body: `total` bytes behind a `Content-Length`, or
    /// (with `total` nil) a chunked body of `floodBytes` as fast as the client reads, then nothing
    /// more until the client hangs up. For a client's response cap and its hold on connections.
    ///
    /// The "endless" body is finite on purpose: every URLSession of a process shares one
    /// FoundationNetworking queue, which goes on reading a cancelled transfer for a while, so a
    /// flood of hundreds of MiB would stall every other test's requests. Held open after
    /// `floodBytes`, to the client it never ends.
    ///
    /// ```swift
    /// let flood = try ScriptedHTTPServer.streaming(status: 500, total: nil)
    /// // a capped client reads its cap, gives up and closes: flood.closedConnections == 1
    /// ```
    public static func streaming(status: Int, total: Int?, floodBytes: Int = 4 << 20) throws(AEPInletEmulatorError) -> ScriptedHTTPServer {
        try ScriptedHTTPServer { _, connection in
            let piece = [UInt8](repeating: UInt8(ascii: "x"), count: 64 * 1024)
            if let total {
                guard connection.writeHead(status: status, headers: [("Content-Length", "\(total)"), ("Connection", "close")]) else { return }
                var left = total
                while left > 0, connection.write(Array(piece.prefix(left))) { left -= min(left, piece.count) }
            } else {
                guard connection.writeHead(status: status, headers: [("Transfer-Encoding", "chunked"), ("Connection", "close")]) else { return }
                let chunk = Array(String(piece.count, radix: 16).utf8) + [13, 10] + piece + [13, 10]
                for _ in 0 ..< floodBytes / piece.count {
                    guard connection.write(chunk) else { return }
                }
                _ = connection.waitForPeerClose(seconds: 60)
            }
        }
    }

    /// A server answering up to `requests` requests per connection with a 200 `{}` that keeps the
    /// connection open: one connection for many requests says the client reuses it.
    ///
    /// ```swift
    /// let server = try ScriptedHTTPServer.keepAlive(requests: 5)
    /// // five sequential requests later: server.connections == 1
    /// ```
    public static func keepAlive(requests: Int) throws(AEPInletEmulatorError) -> ScriptedHTTPServer {
        try ScriptedHTTPServer(requestsPerConnection: requests) { _, connection in
            connection.writeHead(status: 200, headers: [("Content-Type", "application/json"), ("Content-Length", "2")])
            connection.write("{}")
        }
    }
}
