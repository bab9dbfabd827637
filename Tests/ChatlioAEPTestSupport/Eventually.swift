/// Polls `condition` every 5 ms until it holds or `timeout` passes, and says whether it held: a
/// test that waits for another task or thread never hangs when that task does not get there, and
/// a slow machine (or a sanitizer) only makes it wait longer, never fail.
///
/// ```swift
/// #expect(await eventually { server.closedConnections == 1 })
/// ```
public func eventually(timeout: Duration = .seconds(15), _ condition: () async throws -> Bool) async rethrows -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: timeout)
    while try await !condition() {
        if clock.now >= deadline { return false }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return true
}
