import CPUWhileWaiting
import ChatlioJSON
import Foundation

/// The slot for issue 15's CPU-while-waiting figure: the client's CPU per second while it waits on an inlet that
/// answers after 1 s. The probe is a separate executable, `urlsession-wait` (the transport work owns it); this
/// runs it and reports what it used.
///
/// Where the probe is looked for, in order: `$CHATLIO_WAIT_PROBE`, `urlsession-wait` next to this executable
/// (a product of the Benchmarks package or of the root package's release build), `urlsession-wait` on `PATH`.
/// It runs with `--quick` when chatlio-bench does. When its last stdout line is a JSON object with `cpuSeconds`
/// and `waitSeconds` (the CPU it used while awaiting answers and how long it awaited), those are the figure;
/// otherwise the figure is its whole process's CPU seconds over its wall seconds, measured from here (start-up
/// included, so an upper bound).
/// The figure: the client's default transport (URLSessionTransport, with its libcurl socket-source fix),
/// measured in this process by CPUWhileWaiting; the baseline: URLSession alone, the `urlsession-wait` probe
/// in a child process (it has no fix, so it shows the FoundationNetworking spin the fix removes).
func measureWaitingCPU(options: Options) async {
    guard options.filter.map({ "cpu while waiting".contains($0) || "waiting".contains($0) }) ?? true else { return }
    do {
        let figure = try await CPUWhileWaiting.measure(requests: 5, delay: 1, rounds: options.quick ? 1 : 3)
        print(String(format: "cpu while waiting on a 1 s inlet, the client's transport: %.3f CPU-s per s; target < 0.05: %@",
                     figure.coreFraction, figure.coreFraction < 0.05 ? "met" : "not met"))
    } catch {
        print("cpu while waiting on a 1 s inlet: not measured: \(error)")
    }
    measureProbe(label: "cpu while waiting on a 1 s inlet, URLSession alone (baseline)", options: options)
}

/// Runs the `urlsession-wait` probe and reports its CPU per second of waiting.
func measureProbe(label: String, options: Options) {
    guard let probe = waitingProbePath() else {
        print("\(label): skipped: no urlsession-wait executable (set $CHATLIO_WAIT_PROBE, or build it next to chatlio-bench)")
        return
    }
    do {
        let result = try runChild(probe, ["--rounds", options.quick ? "1" : "3"])
        guard result.status == 0 else {
            print("\(label): \(probe) exited with status \(result.status); no figure")
            return
        }
        var cpu = result.cpuSeconds
        var waited = result.wallSeconds
        var source = "whole process, start-up included"
        if let line = result.standardOutput.split(separator: "\n").last, case .object(let report)? = try? JSONValue(parsing: Data(line.utf8)),
            case .number(let reportedCPU)? = report["cpuSeconds"], case .number(let reportedWait)? = report["waitSeconds"],
            let cpuValue = Double(reportedCPU.description), let waitValue = Double(reportedWait.description), waitValue > 0 {
            cpu = cpuValue
            waited = waitValue
            source = "as reported by the probe"
        }
        print(String(format: "%@: %.3f CPU-s per s (%.2f CPU-s in %.2f s, %@)", label, cpu / waited, cpu, waited, source))
    } catch {
        print("\(label): \(probe) could not be run: \(error)")
    }
}

func waitingProbePath() -> String? {
    if let path = ProcessInfo.processInfo.environment["CHATLIO_WAIT_PROBE"], !path.isEmpty { return path }
    let sibling = URL(fileURLWithPath: selfExecutablePath()).deletingLastPathComponent().appendingPathComponent("urlsession-wait").path
    if FileManager.default.isExecutableFile(atPath: sibling) { return sibling }
    return executableOnPath("urlsession-wait")
}
