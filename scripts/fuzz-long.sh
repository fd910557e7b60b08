#!/usr/bin/env bash
# make fuzz-long: runs each libFuzzer target (build-fuzz/fuzz_NAME) for MINUTES minutes.
# The working corpus is build-fuzz/corpus/NAME, seeded from tests/fuzz/corpus/NAME; a
# crash, leak, timeout or out-of-memory input is saved as tests/fuzz/corpus/NAME/crash-*
# (a seed the normal replay then runs). Prints one line per target with the runs, the
# corpus growth and the outcome, and exits 1 when any target found something.
#   scripts/fuzz-long.sh MINUTES NAME...
set -u
cd "$(dirname "$0")/.."
minutes=$1
shift
status=0
for t in "$@"; do
    bin=build-fuzz/fuzz_$t seeds=tests/fuzz/corpus/$t work=build-fuzz/corpus/$t
    art=build-fuzz/artifacts/$t/
    mkdir -p "$work" "$art" "$seeds"
    # an earlier run's findings are already seeds: only this run's count
    rm -f "$art"crash-* "$art"leak-* "$art"timeout-* "$art"oom-*
    before=$(find "$seeds" "$work" -type f | wc -l)
    log=build-fuzz/$t.log
    "$bin" -max_total_time=$((minutes * 60)) -timeout=25 -rss_limit_mb=2048 \
        -max_len=1048576 -print_final_stats=1 -artifact_prefix="$art" \
        "$work" "$seeds" >"$log" 2>&1
    rc=$?
    after=$(find "$seeds" "$work" -type f | wc -l)
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
    found=0
    for a in "$art"crash-* "$art"leak-* "$art"timeout-* "$art"oom-*; do
        [ -e "$a" ] || continue
        cp "$a" "$seeds/$(basename "$a")"
        found=1
    done
    if [ $rc -ne 0 ] || [ $found = 1 ]; then
        echo "fuzz-long: $t: FINDING (exit $rc), ${runs:-?} runs, see $log; inputs copied to $seeds"
        status=1
    else
        echo "fuzz-long: $t: ${minutes} min, ${runs:-?} runs, corpus $before -> $after inputs, no finding"
    fi
done
exit $status
