#!/usr/bin/env bash
# CI's short hardening pass: every fuzz target for FUZZ_SECONDS (default 10)
# each, then the whole test suite under ThreadSanitizer (skip it with
# CI_SKIP_TSAN=1). Fails on any fuzz crash or any test failure or race.
#
#   bash Tests/Fuzz/ci.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"

step() { printf '\n=== %s (%s)\n' "$1" "$(date -u +%H:%M:%S)"; }

step "fuzz: every target for ${FUZZ_SECONDS:-10} s (libFuzzer, AddressSanitizer)"
bash "$here/run.sh" "${FUZZ_SECONDS:-10}"

if [ "${CI_SKIP_TSAN:-0}" != 1 ]; then
    step "tests under ThreadSanitizer"
    # halt_on_error: the first race fails the run with its report.
    (cd "$root" && TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=1}" swift test --sanitize=thread --scratch-path .build-tsan)
fi
step "hardening pass done"
