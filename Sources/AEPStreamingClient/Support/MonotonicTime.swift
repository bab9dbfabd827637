#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Seconds on the clock `ContinuousClock` reads (`CLOCK_BOOTTIME` on Linux, `CLOCK_MONOTONIC_RAW` on
/// Darwin), as a `Double`. The pipeline reads the time several times an event; `ContinuousClock.now` and
/// `Duration` arithmetic go through 128-bit multiplications and divisions, a few hundred instructions each.
enum MonotonicTime {
    static func seconds() -> Double {
        var time = timespec()
        #if os(Linux)
        clock_gettime(CLOCK_BOOTTIME, &time)
        #else
        clock_gettime(CLOCK_MONOTONIC_RAW, &time)
        #endif
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }
}
