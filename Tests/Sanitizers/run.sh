#!/usr/bin/env bash
# The whole test suite under one sanitizer, each in its own build folder:
#   bash Tests/Sanitizers/run.sh thread    # ThreadSanitizer: the first data race fails the run
#   bash Tests/Sanitizers/run.sh address   # AddressSanitizer + LeakSanitizer: any memory error, or any leak
#                                          # not listed in lsan-suppressions.txt (each entry says why), fails it
# Extra arguments go to `swift test` (e.g. --filter AEPStreamingClientTests).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
sanitizer="${1:?usage: run.sh thread|address [swift test arguments]}"
shift
# Swift's backtracer reads the crashed thread's stack from another thread, which the sanitizers
# report as a bad access of their own; they print the stack themselves.
export SWIFT_BACKTRACE=enable=no
cd "$root"
case "$sanitizer" in
    thread)
        # Synchronization's Mutex and Atomic synchronise through the standard library's own
        # atomics and futex calls, which ThreadSanitizer cannot see, so every contended access
        # they guard is reported as a race. `Locked` (a pthread mutex, which TSan intercepts) is
        # the one lock here.
        if grep -rln --include='*.swift' '^import Synchronization' Sources Tests; then
            echo "the files above import Synchronization; use ChatlioAEPSupport's Locked instead" >&2
            exit 1
        fi
        # One test at a time: under ThreadSanitizer's slowdown on two cores, tests running side by
        # side starve each other (FoundationNetworking serves every URLSession of the process on one
        # queue, and a test blocked on a socket holds one of two cooperative threads), so waits
        # bounded for a quiet machine ran out. Races inside each test are what is looked for.
        TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=1}" \
            swift test --sanitize=thread --scratch-path .build-tsan --no-parallel "$@"
        ;;
    address)
        # LeakSanitizer runs when each test process exits; exitcode=23 makes a leak fail the run
        # even when every test passed.
        ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1}" \
        LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$here/lsan-suppressions.txt:print_suppressions=1:exitcode=23}" \
            swift test --sanitize=address --scratch-path .build-asan "$@"
        ;;
    *)
        echo "unknown sanitizer: $sanitizer (thread or address)" >&2
        exit 2
        ;;
esac
