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
@MainActor func measureWaitingCPU(options: Options) {
    guard options.filter.map({ "cpu while waiting".contains($0) || "waiting".contains($0) }) ?? true else { return }
    let label = "cpu while waiting on a 1 s inlet"
    guard let probe = waitingProbePath() else {
        print("\(label): skipped: no urlsession-wait executable (set $CHATLIO_WAIT_PROBE, or build it next to chatlio-bench); target < 0.05 CPU-s/s")
        return
    }
    do {
        let result = try runChild(probe, options.quick ? ["--quick"] : [])
        guard result.status == 0 else {
            print("\(label): \(probe) exited with status \(result.status); no figure")
            return
        }
        var cpu = result.cpuSeconds
        var waited = result.wallSeconds
        var source = "whole process, measured by chatlio-bench"
        if let line = result.standardOutput.split(separator: "\n").last, case .object(let report)? = try? JSONValue(parsing: Data(line.utf8)),
            case .number(let reportedCPU)? = report["cpuSeconds"], case .number(let reportedWait)? = report["waitSeconds"],
            let cpuValue = Double(reportedCPU.description), let waitValue = Double(reportedWait.description), waitValue > 0 {
            cpu = cpuValue
            waited = waitValue
            source = "as reported by the probe"
        }
        let perSecond = cpu / waited
        print(String(format: "%@: %.3f CPU-s per s (%.2f CPU-s in %.2f s, %@; %@); target < 0.05 CPU-s/s: %@",
                     label, perSecond, cpu, waited, source, probe, perSecond < 0.05 ? "met" : "not met"))
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
