#!/usr/bin/env bash
# make fuzz-long: runs each libFuzzer target (build-fuzz/fuzz_NAME) for MINUTES minutes of
# CPU time (the process's user + system time, read from /proc; libFuzzer's own
# -max_total_time counts wall time, which on a shared or niced machine is far less CPU), with a
# wall-clock cap of 20x that in case the machine is saturated.
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
tck=$(getconf CLK_TCK)
for t in "$@"; do
    bin=build-fuzz/fuzz_$t seeds=tests/fuzz/corpus/$t work=build-fuzz/corpus/$t
    art=build-fuzz/artifacts/$t/
    mkdir -p "$work" "$art" "$seeds"
    # an earlier run's findings are already seeds: only this run's count
    rm -f "$art"crash-* "$art"leak-* "$art"timeout-* "$art"oom-*
    before=$(find "$seeds" "$work" -type f | wc -l)
    log=build-fuzz/$t.log
    "$bin" -max_total_time=$((minutes * 60 * 20)) -timeout=25 -rss_limit_mb=2048 \
        -max_len=1048576 -print_final_stats=1 -artifact_prefix="$art" \
        "$work" "$seeds" >"$log" 2>&1 &
    pid=$!
    cpu=0
    while kill -0 "$pid" 2>/dev/null; do
        sleep 5
        # fields 14 and 15 of /proc/PID/stat: user and system time in clock ticks
        read -r -a st 2>/dev/null <"/proc/$pid/stat" || break
        cpu=$(((st[13] + st[14]) / tck))
        if [ "$cpu" -ge $((minutes * 60)) ]; then
            kill -INT "$pid" 2>/dev/null
            break
        fi
    done
    wait "$pid"
    rc=$?
    # 72: libFuzzer's exit status after SIGINT, the normal end of a CPU-timed run
    [ $rc = 72 ] && rc=0
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
        cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -1)
        echo "fuzz-long: $t: ${cpu} CPU-s, ${runs:-?} runs, corpus $before -> $after inputs, ${cov:-cov ?}, no finding"
    fi
done
exit $status
