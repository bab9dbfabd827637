extension AEPInletEmulator {
    /// What ``respond(method:target:headers:body:)`` answered.
    public struct InProcessResponse: Sendable, Hashable {
        /// The status; `nil` when a fault dropped the connection.
        public let status: Int?
        /// The response body (an AEP JSON body, or empty).
        public let body: [UInt8]
    }

    /// Answers one request in this process, exactly as the loopback server would
    /// (routing, token, faults, checks, record), without a socket; the emulator
    /// need not be started. For benchmarks and tests of the DCS protocol alone.
    /// A delay fault sleeps on the calling thread.
    ///
    /// ```swift
    /// let emulator = try AEPInletEmulator(configuration: .init(inletId: "bench"))
    /// let answer = emulator.respond(target: "/collection/batch/bench", body: Array(batchJSON.utf8))
    /// answer.status   // 207
    /// ```
    public func respond(
        method: String = "POST", target: String, headers: [(name: String, value: String)] = [("Content-Type", "application/json")],
        body: [UInt8]
    ) -> InProcessResponse {
        let request = HTTPRequest(method: method, target: target, headers: headers, body: body)
        switch handle(request, context: ServerContext(wakeFD: -1)) {
        case .respond(let response): return InProcessResponse(status: response.status, body: response.body)
        case .drop, .wroteOwnAnswer: return InProcessResponse(status: nil, body: [])
        }
    }
}
