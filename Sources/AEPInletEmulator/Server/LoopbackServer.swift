import ChatlioAEPSupport
import Foundation

#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#endif

/// A small HTTP/1.1 server on a loopback address: one accept thread, one
/// thread per connection, every thread joined by ``stop()``.
///
/// It knows nothing about AEP: requests go to `handler`, malformed ones to
/// `errorResponder`. It serves the two emulators and ``ScriptedHTTPServer``. Stopping writes to a wake pipe that every `poll` watches
/// and shuts down every open connection, so blocked reads and writes return.
///
/// Slow clients cannot starve the others: each request must arrive within
/// fixed deadlines (``RequestDeadline``), and when `maxConnections` are open a
/// new connection closes the one that has waited longest for its request
/// (never one whose request is being handled), so a crowd of connections
/// trickling bytes delays nobody else.
final class LoopbackServer: Sendable {
    struct Settings: Sendable {
        var address: AEPInletEmulator.BindAddress
        var port: Int
        var limits: HTTPRequestParser.Limits
        var idleTimeout: Duration
        /// From the start of a request until its headers are complete.
        var headTimeout: Duration = .seconds(10)
        /// From the start of a request until its body is complete.
        var requestTimeout: Duration = .seconds(30)
        var maxConnections: Int
        /// Remember what every descriptor opened referred to, for leak tests.
        var tracksResources = false
    }

    /// What a stopped server left behind; both zero unless something leaked.
    struct ResourceReport: Sendable, Hashable {
        /// Threads started and never joined.
        var unjoinedThreads: Int
        /// Descriptors this server opened that still refer to the same object.
        var openDescriptors: Int
    }

    typealias Handler = @Sendable (HTTPRequest, ServerContext) -> ServerAction
    typealias ErrorResponder = @Sendable (HTTPParseError) -> HTTPResponse

    private struct State {
        var stopping = false
        var nextConnectionID = 0
        var openConnections: [Int: Int32] = [:]
        /// Connections waiting for (part of) a request, and since when; the
        /// ones a new connection may close when the table is full.
        var waiting: [Int: ContinuousClock.Instant] = [:]
        /// Connections closed to make room, until their threads finish.
        var evicted: Set<Int> = []
        var runningThreads: [Int: JoinableThread] = [:]
        var finishedThreads: [JoinableThread] = []
        var acceptThread: JoinableThread?
        var spawnedThreads = 0
        var joinedThreads = 0
        var descriptorIdentities: [(fd: Int32, identity: String)] = []
        var acceptedConnections = 0
        var closedConnections = 0
    }

    let settings: Settings
    /// The port actually bound (the kernel's choice when `settings.port` is 0).
    let port: Int
    private let listenFD: Int32
    private let wakeRead: Int32
    private let wakeWrite: Int32
    private let handler: Handler
    private let errorResponder: ErrorResponder
    private let log: @Sendable (ChatlioLogRecord) -> Void
    private let state = Locked(State())
    /// Held for the whole of `stop()`; `true` once stopped.
    private let stopGate = Locked(false)

    /// Binds and listens; call ``start()`` to accept connections.
    init(settings: Settings, handler: @escaping Handler, errorResponder: @escaping ErrorResponder, log: @escaping @Sendable (ChatlioLogRecord) -> Void) throws(AEPInletEmulatorError) {
        self.settings = settings
        self.handler = handler
        self.errorResponder = errorResponder
        self.log = log
        guard let pipe = POSIX.makePipe() else {
            throw AEPInletEmulatorError(.socketFailed, "pipe: \(POSIX.errorText(POSIX.lastError))")
        }
        let bound: (fd: Int32, port: Int)
        do {
            bound = try LoopbackServer.bindAndListen(settings)
        } catch {
            POSIX.closeDescriptor(pipe.read)
            POSIX.closeDescriptor(pipe.write)
            throw error
        }
        listenFD = bound.fd
        port = bound.port
        wakeRead = pipe.read
        wakeWrite = pipe.write
        for fd in [bound.fd, pipe.read, pipe.write] { track(fd) }
    }

    private func track(_ fd: Int32) {
        guard settings.tracksResources, let identity = POSIX.identity(of: fd) else { return }
        state.withLock { $0.descriptorIdentities.append((fd, identity)) }
    }

    /// What the listening descriptor refers to (`socket:[inode]`, from `/proc/self/fd`),
    /// read while it is open; `nil` without `/proc` or once stopped. Tests tell this
    /// server's socket from another one later bound to the same port number by it.
    var listeningSocketIdentity: String? {
        let stopped = state.withLock { $0.stopping }
        return stopped ? nil : POSIX.identity(of: listenFD)
    }

    /// Leak accounting for tests (needs `Settings.tracksResources` and `/proc`).
    var resourceReport: ResourceReport {
        let (threads, identities) = state.withLock { ($0.spawnedThreads - $0.joinedThreads, $0.descriptorIdentities) }
        let open = identities.filter { POSIX.identity(of: $0.fd) == $0.identity }.count
        return ResourceReport(unjoinedThreads: threads, openDescriptors: open)
    }

    deinit {
        stop()
    }

    /// Starts the accept thread.
    func start() throws(AEPInletEmulatorError) {
        let spawned = JoinableThread.spawn { [self] in acceptLoop() }
        switch spawned {
        case .success(let thread):
            state.withLock {
                $0.acceptThread = thread
                $0.spawnedThreads += 1
            }
        case .failure(let error):
            throw AEPInletEmulatorError(.threadFailed, "pthread_create: \(POSIX.errorText(error.code))")
        }
    }

    /// Closes the listening socket and every connection and joins every
    /// thread. Safe to call more than once and from several threads.
    func stop() {
        stopGate.withLock { stopped in
            guard !stopped else { return }
            stopped = true
            let acceptThread: JoinableThread? = state.withLock { state in
                state.stopping = true
                for fd in state.openConnections.values { POSIX.shutdownBoth(fd) }
                defer { state.acceptThread = nil }
                return state.acceptThread
            }
            POSIX.wake(wakeWrite)
            if let acceptThread {
                acceptThread.join()
                state.withLock { $0.joinedThreads += 1 }
            }
            // No thread can be added now: the accept loop has returned.
            let threads: [JoinableThread] = state.withLock { state in
                defer {
                    state.runningThreads = [:]
                    state.finishedThreads = []
                }
                return Array(state.runningThreads.values) + state.finishedThreads
            }
            for thread in threads { thread.join() }
            state.withLock { $0.joinedThreads += threads.count }
            POSIX.closeDescriptor(listenFD)
            POSIX.closeDescriptor(wakeRead)
            POSIX.closeDescriptor(wakeWrite)
        }
    }

    /// Connections open right now.
    var openConnectionCount: Int {
        state.withLock { $0.openConnections.count }
    }

    /// Connections accepted and served so far, whether or not a request arrived on them.
    var acceptedConnectionCount: Int {
        state.withLock { $0.acceptedConnections }
    }

    /// Served connections since closed.
    var closedConnectionCount: Int {
        state.withLock { $0.closedConnections }
    }

    // MARK: - Accepting

    private func acceptLoop() {
        while true {
            joinFinishedThreads()
            switch POSIX.waitReadable(listenFD, wake: wakeRead, timeoutMs: -1) {
            case .woken, .failed:
                return
            case .timedOut:
                continue
            case .readable:
                break
            }
            let fd = accept(listenFD, nil, nil)
            if fd >= 0 { POSIX.setCloseOnExec(fd) }
            if fd < 0 {
                let code = POSIX.lastError
                if code == EAGAIN || code == EWOULDBLOCK || code == EINTR || code == ECONNABORTED { continue }
                log(ChatlioLogRecord(level: .error, message: "accept failed: \(POSIX.errorText(code))"))
                // Out of descriptors or similar: back off briefly instead of spinning.
                if !POSIX.sleep(milliseconds: 50, wake: wakeRead) { return }
                continue
            }
            // The listening socket is non-blocking; connections must block.
            let flags = fcntl(fd, F_GETFL, 0)
            _ = fcntl(fd, F_SETFL, flags & ~O_NONBLOCK)
            POSIX.suppressSIGPIPE(fd)
            _ = POSIX.setOption(fd, level: Int32(IPPROTO_TCP), name: TCP_NODELAY, value: 1)
            track(fd)
            register(fd)
        }
    }

    private func register(_ fd: Int32) {
        state.withLock { state in
            guard !state.stopping else {
                POSIX.closeDescriptor(fd)
                return
            }
            if state.openConnections.count - state.evicted.count >= settings.maxConnections {
                guard let victim = state.waiting.min(by: { $0.value < $1.value }) else {
                    log(ChatlioLogRecord(level: .warning, message: "refused a connection: \(settings.maxConnections) already open, every one handling a request"))
                    POSIX.closeDescriptor(fd)
                    return
                }
                // Its thread sees the shutdown at its next read and exits; it
                // counts against the limit no longer.
                state.waiting[victim.key] = nil
                state.evicted.insert(victim.key)
                if let victimFD = state.openConnections[victim.key] { POSIX.shutdownBoth(victimFD) }
                log(ChatlioLogRecord(
                    level: .warning,
                    message: "\(settings.maxConnections) connections open: closed the one waiting longest for its request, to serve a new one"
                ))
            }
            let id = state.nextConnectionID
            state.nextConnectionID += 1
            state.acceptedConnections += 1
            state.openConnections[id] = fd
            let accepted = ContinuousClock.now
            state.waiting[id] = accepted
            // Spawned under the lock, so the thread's own exit bookkeeping
            // cannot run before it is registered.
            let spawned = JoinableThread.spawn { [self] in
                serve(fd, id: id, accepted: accepted)
                finish(id)
            }
            switch spawned {
            case .success(let thread):
                state.runningThreads[id] = thread
                state.spawnedThreads += 1
            case .failure(let error):
                state.openConnections[id] = nil
                state.waiting[id] = nil
                state.closedConnections += 1
                POSIX.closeDescriptor(fd)
                log(ChatlioLogRecord(level: .error, message: "could not start a connection thread: \(POSIX.errorText(error.code))"))
            }
        }
    }

    private func finish(_ id: Int) {
        state.withLock { state in
            // Closed under the lock so `stop()` never shuts down a reused descriptor.
            if let fd = state.openConnections.removeValue(forKey: id) {
                POSIX.closeDescriptor(fd)
                state.closedConnections += 1
            }
            state.waiting[id] = nil
            state.evicted.remove(id)
            if let thread = state.runningThreads.removeValue(forKey: id) { state.finishedThreads.append(thread) }
        }
    }

    private func joinFinishedThreads() {
        let finished: [JoinableThread] = state.withLock { state in
            defer { state.finishedThreads = [] }
            return state.finishedThreads
        }
        for thread in finished { thread.join() }
        if !finished.isEmpty { state.withLock { $0.joinedThreads += finished.count } }
    }

    // MARK: - One connection

    /// Marks connection `id` as handling a request, so it cannot be evicted;
    /// `false` when it already was, and must close without handling it.
    private func beginHandling(_ id: Int) -> Bool {
        state.withLock { state in
            guard !state.evicted.contains(id) else { return false }
            state.waiting[id] = nil
            return true
        }
    }

    private func resumeWaiting(_ id: Int, since now: ContinuousClock.Instant) {
        state.withLock { state in
            if !state.evicted.contains(id) { state.waiting[id] = now }
        }
    }

    private func serve(_ fd: Int32, id: Int, accepted: ContinuousClock.Instant) {
        var parser = HTTPRequestParser(limits: settings.limits)
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var context = ServerContext(wakeFD: wakeRead, connectionFD: fd)
        var deadline = RequestDeadline(
            limits: .init(idle: settings.idleTimeout, head: settings.headTimeout, request: settings.requestTimeout), accepted: accepted
        )
        while true {
            switch parser.next() {
            case .request(let request):
                guard beginHandling(id) else { return }
                switch handler(request, context) {
                case .drop:
                    log(ChatlioLogRecord(level: .debug, message: "dropped the connection without a response"))
                    return
                case .respond(let response):
                    let keep = request.keepAlive && !isStopping
                    let bytes = response.serialized(date: HTTPDate.string(from: Date()), closeConnection: !keep)
                    guard POSIX.sendAll(fd, bytes) else { return }
                    if !keep {
                        lingeringClose(fd)
                        return
                    }
                case .wroteOwnAnswer(let keepAlive):
                    guard keepAlive, request.keepAlive, !isStopping else {
                        lingeringClose(fd)
                        return
                    }
                }
                context.requestsBefore += 1
                let now = ContinuousClock.now
                deadline.responded(at: now, nextRequestBuffered: parser.hasPartialRequest)
                resumeWaiting(id, since: now)
            case .continueExpected:
                guard POSIX.sendAll(fd, Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)) else { return }
            case .failure(let error):
                log(ChatlioLogRecord(level: .warning, message: "refused a malformed request (\(error.status)): \(error.reason)"))
                let bytes = errorResponder(error).serialized(date: HTTPDate.string(from: Date()), closeConnection: true)
                _ = POSIX.sendAll(fd, bytes)
                lingeringClose(fd)
                return
            case .needMoreData:
                let next = deadline.next(readingHead: parser.isReadingHead)
                let remaining = ContinuousClock.now.duration(to: next.at)
                guard remaining > .zero else {
                    timedOut(fd, next.expiry, partial: parser.hasPartialRequest)
                    return
                }
                switch POSIX.waitReadable(fd, wake: wakeRead, timeoutMs: Self.pollMilliseconds(remaining)) {
                case .woken, .failed:
                    return
                case .timedOut:
                    continue  // the deadline check above decides
                case .readable:
                    // A body's bytes go straight into the request's body, not through `buffer`.
                    if let count = parser.receiveBody({ POSIX.receive(fd, into: $0) }) {
                        guard count > 0 else { return }
                    } else {
                        let count = POSIX.receive(fd, into: &buffer)
                        guard count > 0 else { return }
                        parser.append(buffer[0 ..< count])
                    }
                    deadline.received(at: ContinuousClock.now)
                }
            }
        }
    }

    private var isStopping: Bool {
        state.withLock { $0.stopping }
    }

    /// A `poll` timeout covering `duration`, rounded up so it never wakes just before the deadline.
    private static func pollMilliseconds(_ duration: Duration) -> Int32 {
        let (seconds, attoseconds) = duration.components
        let milliseconds = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: max(1, milliseconds))
    }

    private func timedOut(_ fd: Int32, _ expiry: RequestDeadline.Expiry, partial: Bool) {
        // A connection that sent nothing of a request (idle keep-alive, or never used) closes quietly.
        guard partial else { return }
        let reason: String
        switch expiry {
        case .idle:
            reason = "no byte for \(settings.idleTimeout) in the middle of a request"
        case .head:
            reason = "request headers not complete within \(settings.headTimeout)"
        case .request:
            reason = "request not complete within \(settings.requestTimeout)"
        }
        log(ChatlioLogRecord(level: .warning, message: "closed a slow connection: \(reason)"))
        let error = HTTPParseError(status: 408, reason: reason)
        _ = POSIX.sendAll(fd, errorResponder(error).serialized(date: HTTPDate.string(from: Date()), closeConnection: true))
        lingeringClose(fd)
    }

    /// Half-closes and drains what the client is still sending, so it reads
    /// the response instead of a reset (RFC 9112 §9.6).
    ///
    /// Two seconds in all, not per read, so a client trickling bytes cannot keep it open.
    private func lingeringClose(_ fd: Int32) {
        POSIX.shutdownWrite(fd)
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var drained = 0
        let end = ContinuousClock.now.advanced(by: .seconds(2))
        while drained < 8 * 1024 * 1024 {
            let remaining = ContinuousClock.now.duration(to: end)
            guard remaining > .zero,
                case .readable = POSIX.waitReadable(fd, wake: wakeRead, timeoutMs: Self.pollMilliseconds(remaining))
            else { return }
            let count = POSIX.receive(fd, into: &buffer)
            guard count > 0 else { return }
            drained += count
        }
    }

    // MARK: - Binding

    private static func bindAndListen(_ settings: Settings) throws(AEPInletEmulatorError) -> (fd: Int32, port: Int) {
        let ipv6 = settings.address == .ipv6Loopback
        let fd = socket(ipv6 ? AF_INET6 : AF_INET, POSIX.streamType, 0)
        guard fd >= 0 else {
            throw AEPInletEmulatorError(.socketFailed, "socket: \(POSIX.errorText(POSIX.lastError))")
        }
        POSIX.setCloseOnExec(fd)
        _ = POSIX.setOption(fd, level: SOL_SOCKET, name: SO_REUSEADDR, value: 1)
        if ipv6 { _ = POSIX.setOption(fd, level: Int32(IPPROTO_IPV6), name: IPV6_V6ONLY, value: 1) }
        let bindResult = POSIX.withLoopbackAddress(ipv6: ipv6, port: settings.port) { bind(fd, $0, $1) }
        guard bindResult == 0 else {
            let code = POSIX.lastError
            POSIX.closeDescriptor(fd)
            throw AEPInletEmulatorError(.bindFailed, "bind to \(settings.address) port \(settings.port): \(POSIX.errorText(code))")
        }
        guard listen(fd, 128) == 0 else {
            let code = POSIX.lastError
            POSIX.closeDescriptor(fd)
            throw AEPInletEmulatorError(.listenFailed, "listen: \(POSIX.errorText(code))")
        }
        POSIX.setNonBlocking(fd)
        guard let port = POSIX.port(of: fd, peer: false) else {
            let code = POSIX.lastError
            POSIX.closeDescriptor(fd)
            throw AEPInletEmulatorError(.bindFailed, "getsockname: \(POSIX.errorText(code))")
        }
        return (fd, port)
    }
}
