#!/usr/bin/env bash
# Builds every libFuzzer target (release, -sanitize=fuzzer,address on every
# module) and runs each for SECONDS (default 60) on its corpus, seeded from
# Examples/Payloads by seed.sh. Prints, per target, the inputs executed and the
# crashes found; exits non-zero if any target crashed (the input is kept under
# Tests/Fuzz/.build-fuzz/artifacts/).
#
#   bash Tests/Fuzz/run.sh [SECONDS] [TARGET...]
#
# Environment: FUZZ_SCRATCH (build folder, default Tests/Fuzz/.build-fuzz),
# FUZZ_ARGS (extra libFuzzer options, e.g. "-seed=1").
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
seconds="${1:-60}"
shift || true
scratch="${FUZZ_SCRATCH:-$here/.build-fuzz}"
all=(fuzz-webhook fuzz-json fuzz-validator fuzz-timestamp fuzz-http-parser fuzz-aep-response)
targets=("${@:-${all[@]}}")
[ $# -gt 0 ] || targets=("${all[@]}")

max_len() {
    case "$1" in
        fuzz-timestamp) echo 64 ;;
        fuzz-http-parser) echo 4096 ;;
        fuzz-aep-response) echo 8192 ;;   # answer shapes matter here, not size
        *) echo 20000 ;;   # the largest sample (fifty-messages) is 16.6 kB
    esac
}

# SwiftPM passes the library modules `-sanitize=fuzzer -sanitize=address`, and
# swiftc keeps only the last -sanitize=, so without -sanitize-coverage they
# got AddressSanitizer but no coverage and libFuzzer saw only the harness's
# edges. The coverage kinds are those -sanitize=fuzzer implies; the fuzz
# targets themselves get -sanitize=fuzzer,address (libFuzzer's main) from
# Package.swift. -enable-testing lets fuzz-http-parser and fuzz-aep-response
# use @testable import.
flags=(-c release --sanitize=fuzzer --sanitize=address -Xswiftc -sanitize-coverage=edge,trace-cmp,inline-8bit-counters,pc-table
    -Xswiftc -enable-testing --scratch-path "$scratch")
swift build "${flags[@]}" 2>&1 | grep -vE '^\[|Cannot export local symbol' || true
bin="$(swift build "${flags[@]}" --show-bin-path)"
bash "$here/seed.sh" "$scratch/corpus"

# Swift's backtracer reads the crashed thread's stack from another thread, which
# AddressSanitizer reports as a stack-buffer-underflow; libFuzzer and ASan print
# the stack themselves.
export SWIFT_BACKTRACE=enable=no
status=0
printf '\n%-18s %8s %14s %8s %s\n' target seconds executions crashes artifacts
for target in "${targets[@]}"; do
    [ -x "$bin/$target" ] || { echo "no such target: $target" >&2; exit 2; }
    artifacts="$scratch/artifacts/$target/$(date -u +%Y%m%dT%H%M%S)"
    mkdir -p "$artifacts" "$scratch/logs"
    log="$scratch/logs/$target.log"
    started=$(date +%s)
    set +e
    # shellcheck disable=SC2086
    "$bin/$target" "$scratch/corpus/$target" \
        -max_total_time="$seconds" -max_len="$(max_len "$target")" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$artifacts/" ${FUZZ_ARGS:-} > "$log" 2>&1
    code=$?
    set -e
    elapsed=$(( $(date +%s) - started ))
    executions=$(awk '/stat::number_of_executed_units/ { print $2 }' "$log" | tail -1)
    crashes=$(find "$artifacts" -type f | wc -l)
    if [ "$code" -ne 0 ] && [ "$crashes" -eq 0 ]; then crashes=1; fi   # died without an artifact
    printf '%-18s %8s %14s %8s %s\n' "$target" "$elapsed" "${executions:-?}" "$crashes" \
        "$( [ "$crashes" -gt 0 ] && echo "$artifacts (log: $log)" || echo - )"
    [ "$crashes" -eq 0 ] || status=1
    [ "$crashes" -gt 0 ] || rmdir "$artifacts"
done
exit $status
