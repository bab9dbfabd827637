#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// What getrusage says about this process (and its reaped children): CPU time, user + system over every
/// thread, and the peak resident set size.
///
/// ```swift
/// let before = ProcessUsage.cpuSeconds()
/// work()
/// print("\(ProcessUsage.cpuSeconds() - before) CPU-s, peak RSS \(ProcessUsage.peakRSSMiB()) MiB")
/// ```
public enum ProcessUsage {
    /// CPU seconds (user + system) of this process so far.
    public static func cpuSeconds() -> Double {
        seconds(usage(self: true))
    }

    /// CPU seconds of this process's reaped children so far.
    public static func childrenCPUSeconds() -> Double {
        seconds(usage(self: false))
    }

    /// Peak resident set size of this process so far, in MiB (ru_maxrss is in KiB on Linux).
    public static func peakRSSMiB() -> Double {
        Double(usage(self: true).ru_maxrss) / 1024
    }

    /// Resident set size now, in MiB (VmRSS of /proc/self/status; `nil` where there is none).
    public static func currentRSSMiB() -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Double($0) })
        else { return nil }
        return kilobytes / 1024
    }

    /// Seconds on the monotonic clock, for wall times next to CPU times.
    public static func monotonicSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    private static func usage(self own: Bool) -> rusage {
        var usage = rusage()
        #if canImport(Glibc)
        getrusage(own ? RUSAGE_SELF.rawValue : RUSAGE_CHILDREN.rawValue, &usage)
        #else
        getrusage(own ? RUSAGE_SELF : RUSAGE_CHILDREN, &usage)
        #endif
        return usage
    }

    private static func seconds(_ usage: rusage) -> Double {
        Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    }
}

extension Duration {
    /// The duration in seconds, as a `Double` (for rates and ratios).
    public var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
