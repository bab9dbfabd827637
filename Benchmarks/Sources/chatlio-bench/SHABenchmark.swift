// chatlio-bench --sha: SHA-256 of one message, through each public entry point, timed and countable.
//
//   swift run -c release --package-path Benchmarks chatlio-bench --sha [--bytes 676] [--iterations 200000] [--runs 7]
//   CHATLIO_SHA256_PORTABLE=1 swift run ...       the portable C code instead of the CPU's SHA instructions
//
// Instructions per hash, with callgrind (valgrind hides the SHA extensions from CPUID but emulates AVX2,
// BMI2 and XGETBV, so under it the automatic choice is the AVX2 backend; CHATLIO_SHA256_PORTABLE=1 gives
// the plain C; the BMI2 backend has no switch here). Valgrind 3.19 cannot read the DWARF 5 of a release
// build ("Possibly corrupted debuginfo file"), so it runs a copy without debug information:
//   strip --strip-debug -o /tmp/chatlio-bench-stripped Benchmarks/.build/release/chatlio-bench
//   valgrind --tool=callgrind --callgrind-out-file=sha.out /tmp/chatlio-bench-stripped --sha --iterations 1000 --runs 1
//   callgrind_annotate --inclusive=yes sha.out | grep shaLoop
// Each shaLoop… function runs its entry point `iterations × runs` times (plus one warm-up run); divide its
// inclusive count by that.
import BenchmarkSupport
@_spi(ChatlioAEPInternal) import ChatlioWebhooks
import Foundation
import MallocCounter

/// `bytes`: 676 by default, the compact conversation-started `_id` input the intake profile measured.
func runSHABenchmark(bytes: Int, iterations: Int, runs: Int) -> Never {
    let message = (0..<bytes).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
    let forced = ProcessInfo.processInfo.environment["CHATLIO_SHA256_PORTABLE"].map { !$0.isEmpty && $0 != "0" } ?? false
    print("SHA-256 of \(bytes) bytes, \(runs) runs × \(iterations) hashes (\(forced ? "portable C forced by CHATLIO_SHA256_PORTABLE" : "automatic backend"))")
    print("\("entry point".padding(toLength: 44, withPad: " ", startingAt: 0))  median ns/hash     MB/s  allocs/hash")
    let loops: [(String, ([UInt8], Int) -> UInt8)] = [
        ("SHA256.digest(of: [UInt8])", shaLoopDigestOfArray),
        ("SHA256.hash(UnsafeRawBufferPointer)", shaLoopHashRaw),
        ("SHA256.hexDigest(of: UnsafeRawBufferPointer)", shaLoopHexDigestRaw),
        ("SHA256() + update + finalize", shaLoopHasher),
    ]
    var fold: UInt8 = 0
    for (name, loop) in loops {
        fold ^= loop(message, iterations)  // warm-up
        var nanoseconds: [Double] = []
        var allocations = 0.0
        for _ in 0..<runs {
            let allocationsBefore = malloc_counter_allocations()
            let start = ContinuousClock.now
            fold ^= loop(message, iterations)
            let elapsed = ContinuousClock.now - start
            allocations = Double(malloc_counter_allocations() - allocationsBefore) / Double(iterations)
            nanoseconds.append(elapsed.seconds * 1e9 / Double(iterations))
        }
        nanoseconds.sort()
        let median = nanoseconds[nanoseconds.count / 2]
        let megabytesPerSecond = Double(bytes) / median * 1e3
        let allocationColumn = malloc_counter_is_active() != 0 ? String(format: "%11.1f", allocations) : "          -"
        print("\(name.padding(toLength: 44, withPad: " ", startingAt: 0))  \(String(format: "%14.1f %8.0f", median, megabytesPerSecond))  \(allocationColumn)")
    }
    print("(fold \(fold))")  // keeps the digests alive
    exit(0)
}

@inline(never) func shaLoopDigestOfArray(_ message: [UInt8], _ iterations: Int) -> UInt8 {
    var fold: UInt8 = 0
    for _ in 0..<iterations { fold ^= SHA256.digest(of: message)[0] }
    return fold
}

@inline(never) func shaLoopHashRaw(_ message: [UInt8], _ iterations: Int) -> UInt8 {
    message.withUnsafeBytes { raw in
        var fold: UInt8 = 0
        for _ in 0..<iterations { fold ^= SHA256.hash(raw)[0] }
        return fold
    }
}

@inline(never) func shaLoopHexDigestRaw(_ message: [UInt8], _ iterations: Int) -> UInt8 {
    message.withUnsafeBytes { raw in
        var fold: UInt8 = 0
        for _ in 0..<iterations { fold ^= SHA256.hexDigest(of: raw).utf8.first ?? 0 }
        return fold
    }
}

/// The shape of `ChatlioWebhook.eventID`: a hasher fed in pieces.
@inline(never) func shaLoopHasher(_ message: [UInt8], _ iterations: Int) -> UInt8 {
    let head = min(20, message.count)
    var fold: UInt8 = 0
    for _ in 0..<iterations {
        var hasher = SHA256()
        hasher.update(message[..<head])
        hasher.update(CollectionOfOne(UInt8(ascii: "\n")))
        hasher.update(message[head...])
        fold ^= hasher.finalize()[0]
    }
    return fold
}
