public import AEPStreamingClient
public import ChatlioRelay
import ChatlioWebhooks
public import Foundation

/// The answers of `GET /health` (liveness, with the relay's and the client's
/// counters) and `GET /ready` (the state directory is writable and AEP is not
/// failing), the same on every relay server.
///
/// ```swift
/// let health = RelayServerStatus.health(relay: relay.metrics(), client: client.metrics())       // 200
/// let ready = RelayServerStatus.ready(stateDirectory: state.root, client: client.metrics())      // 200 or 503
/// ```
public enum RelayServerStatus {
    /// `/health`: the process answers; the counters tell how it is doing.
    public static func health(relay: RelayMetrics, client: AEPStreamingClient.Metrics) -> RelayServerAnswer {
        func number(_ value: Int) -> JSONValue { .number(JSONNumber(value)) }
        let body: JSONObject = [
            "status": "ok",
            "relay": [
                "received": number(relay.received), "accepted": number(relay.accepted),
                "duplicates": number(relay.duplicates), "rejected": number(relay.rejected.values.reduce(0, +)),
                "quarantined": number(relay.quarantined), "unauthorized": number(relay.unauthorized),
                "tooLarge": number(relay.tooLarge), "unknownRoute": number(relay.unknownRoute),
                "sinkUnavailable": number(relay.sinkUnavailable + relay.sinkFull),
            ],
            "queued": number(client.queued), "delivered": number(client.delivered),
            "deadLettered": number(client.deadLettered), "requestFailures": number(client.requestFailures),
        ]
        return .json(200, body)
    }

    /// `/ready`: 200 `{"status":"ready"}`, or 503 with the ``readinessProblems(stateDirectory:client:now:)``.
    public static func ready(stateDirectory: URL?, client: AEPStreamingClient.Metrics, now: Date = Date()) -> RelayServerAnswer {
        let problems = readinessProblems(stateDirectory: stateDirectory, client: client, now: now)
        guard problems.isEmpty else {
            return .json(503, ["status": "not ready", "problems": .array(problems.map { .string($0) })])
        }
        return .json(200, ["status": "ready"])
    }

    /// Why the relay should not get traffic now: an unwritable state directory loses nothing already
    /// stored but cannot keep new events; a paused client means AEP is failing (events still queue).
    public static func readinessProblems(stateDirectory: URL?, client: AEPStreamingClient.Metrics, now: Date = Date()) -> [String] {
        readinessProblems(stateDirectory: stateDirectory, pausedUntil: client.pausedUntil, now: now)
    }

    /// The same check from the client's `pausedUntil` (``AEPStreamingClient/Metrics/pausedUntil``).
    ///
    /// ```swift
    /// RelayServerStatus.readinessProblems(stateDirectory: state.root, pausedUntil: nil)   // [] when the directory takes a file
    /// ```
    public static func readinessProblems(stateDirectory: URL?, pausedUntil: Date?, now: Date = Date()) -> [String] {
        var problems: [String] = []
        if let stateDirectory {
            let probe = stateDirectory.appendingPathComponent(".ready-\(UUID().uuidString)")
            if FileManager.default.createFile(atPath: probe.path, contents: Data()) {
                try? FileManager.default.removeItem(at: probe)
            } else {
                problems.append("the state directory \(stateDirectory.path) is not writable")
            }
        }
        if let paused = pausedUntil, paused > now {
            problems.append("AEP is failing: requests are paused until \(ISO8601DateFormatter().string(from: paused)) (events wait in the outbox)")
        }
        return problems
    }
}
