/// What a connection does with a request once the handler has looked at it.
enum ServerAction: Sendable {
    /// Send the response; keep the connection if the client allows it.
    case respond(HTTPResponse)
    /// Close the connection without sending anything (an emulated network fault).
    case drop
    /// The handler wrote its answer itself, byte by byte, on ``ServerContext/connectionFD``
    /// (a scripted test server's raw answers); keep the connection for the next request only if
    /// `keepAlive` and the client allows it. The emulators never answer this way.
    case wroteOwnAnswer(keepAlive: Bool)
}

/// What a request handler may ask of the connection running it.
struct ServerContext: Sendable {
    let wakeFD: Int32
    /// The connection's socket, for a handler that writes its own answer; -1 in process.
    var connectionFD: Int32 = -1
    /// Requests answered on this connection before this one.
    var requestsBefore = 0

    /// Sleeps for `duration`, or until the server stops; `false` when interrupted by a stop.
    func sleep(for duration: Duration) -> Bool {
        var remaining = Int64(duration.components.seconds) * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        while remaining > 0 {
            let slice = Int32(min(remaining, 60_000))
            if !POSIX.sleep(milliseconds: slice, wake: wakeFD) { return false }
            remaining -= Int64(slice)
        }
        return true
    }
}
