#!/usr/bin/env bash
# Overhead of `vigil watch` (issue 16): cost per open and per exec with the sensor loaded
# vs not, sustained events per second (and how many were lost), the agent's CPU at a
# steady 10,000 events/s, and its peak RSS. Prints a markdown table for BENCHMARKS.md.
# Sustained rates come from several threads (opens, and unshare(0)); SUST=seconds (5).
# Needs root and BTF.
#   bench/watch.sh [-o OPENS] [-e EXECS] [-n RUNS]
#   -o  opens per run (default 1000000)   -e  execs per run (default 10000)
#   -n  interleaved rounds, the median is reported (default 5)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
OPENS=1000000 EXECS=10000 RUNS=5
while getopts o:e:n:h opt; do
    case $opt in o) OPENS=$OPTARG ;; e) EXECS=$OPTARG ;; n) RUNS=$OPTARG ;;
        *) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;; esac
done
VIGIL=${VIGIL:-$ROOT/build/vigil}
[ "$(id -u)" = 0 ] || { echo "watch.sh: needs root" >&2; exit 1; }
[ -x "$VIGIL" ] || make -C "$ROOT" build/vigil >&2
TMP=$(mktemp -d)
WPID=
STATS0=$(sysctl -n kernel.bpf_stats_enabled 2>/dev/null || echo 0)
trap '[ -n "$WPID" ] && kill $WPID 2>/dev/null; sysctl -q -w kernel.bpf_stats_enabled=$STATS0 2>/dev/null; rm -rf "$TMP"' EXIT
# the kernel's own accounting of the programs' run time (bpftool prog show)
sysctl -q -w kernel.bpf_stats_enabled=1 || echo "watch.sh: no bpf_stats; program times not measured" >&2
B=$TMP/bench-watch
cc -O2 -static -pthread -o "$B" "$HERE/watch.c"
# a file the sensor reports on every open (a sensitive read) and one it filters out
SENS=/etc/shadow QUIET=/etc/hostname

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
measure() { for _ in $(seq "$RUNS"); do "$B" "$@"; done | median; }

start_agent() {
    "$VIGIL" watch --output /dev/null 2>"$TMP/agent.err" &
    WPID=$!
    for _ in $(seq 300); do grep -q 'ready' "$TMP/agent.err" && return 0; sleep 0.1; done
    echo "watch.sh: agent did not start: $(cat "$TMP/agent.err")" >&2; exit 1
}
# appends "name runs ns" of the sensor's programs to $TMP/progs
prog_stats() {
    bpftool prog show -j 2>/dev/null | "${PYTHON:-python3}" -c '
import json, sys
for p in json.load(sys.stdin):
    if p.get("name") in ("on_exec", "on_exit", "on_sys_enter"):
        print(p["name"], p.get("run_cnt", 0), p.get("run_time_ns", 0))' >>"$TMP/progs"
}
stop_agent() { prog_stats; kill "$WPID"; wait "$WPID" 2>/dev/null || true; WPID=; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# interleaved rounds (without, with, without, with ...) so that the load of a shared
# machine drifts over both alike; medians over the rounds
: >"$TMP/o0"; : >"$TMP/o1"; : >"$TMP/s0"; : >"$TMP/s1"; : >"$TMP/e0"; : >"$TMP/e1"
lost_all=0
for r in $(seq "$RUNS"); do
    echo "watch.sh: round $r of $RUNS" >&2
    "$B" open "$OPENS" "$QUIET" >>"$TMP/o0"; "$B" open "$OPENS" "$SENS" >>"$TMP/s0"; "$B" exec "$EXECS" >>"$TMP/e0"
    start_agent
    "$B" open "$OPENS" "$QUIET" >>"$TMP/o1"; "$B" open "$OPENS" "$SENS" >>"$TMP/s1"; "$B" exec "$EXECS" >>"$TMP/e1"
    stop_agent
    lost_all=$((lost_all + $(grep -o '[0-9]* lost' "$TMP/agent.err" | tail -1 | cut -d' ' -f1)))
done
for v in o0 o1 s0 s1 e0 e1; do printf -v "$v" '%s' "$(median <"$TMP/$v")"; done
lost_all="$lost_all lost"

# sustained: several threads as fast as they go for SUST seconds, the agent's CPU over
# that time and what it lost; opens of a sensitive file (realistic, but the generator
# is slow on a loaded machine) and unshare(0) (the cheapest reported system call, to
# push the rate past what opens reach)
SUST=${SUST:-5}
sustained() { # LABEL ARGS...: prints one line
    local label=$1; shift
    start_agent
    local c0 c1 out ev lost
    c0=$(cpu_ticks "$WPID")
    out=$("$B" "$@")
    c1=$(cpu_ticks "$WPID")
    stop_agent
    ev=$(grep -o '[0-9]* events' "$TMP/agent.err" | tail -1 | cut -d' ' -f1)
    lost=$(grep -o '[0-9]* lost' "$TMP/agent.err" | tail -1 | cut -d' ' -f1)
    set -- $out
    awk -v l="$label" -v n="$1" -v s="$2" -v r="$3" -v ev="$ev" -v lost="$lost" -v d=$((c1 - c0)) -v hz="$(getconf CLK_TCK)" \
        'BEGIN {printf "| %s | %d | %.0f | %d | %d | %.1f %% |\n", l, n, r, ev, lost, d / hz / s * 100}'
}
echo "watch.sh: sustained rate" >&2
sust_rows=""
for th in 2 4; do
    sust_rows+="$(sustained "open+close /etc/shadow, $th threads" mt $th "$SUST" "$SENS")"$'\n'
    sust_rows+="$(sustained "unshare(0), $th threads" mtns $th "$SUST")"$'\n'
done

echo "watch.sh: agent CPU at 10k events/s" >&2
start_agent
hz=$(getconf CLK_TCK); c0=$(cpu_ticks "$WPID")
n10=$("$B" rate 10000 10 "$SENS")
c1=$(cpu_ticks "$WPID")
rss=$(awk '/VmHWM/ {print $2}' "/proc/$WPID/status")
stop_agent
cpu=$(awk -v d=$((c1 - c0)) -v hz="$hz" 'BEGIN {printf "%.1f", d / hz / 10 * 100}')

progs=$(awk '{n[$1] += $2; t[$1] += $3} END {for (p in n) if (n[p]) printf "%s %.0f ns (%d runs); ", p, t[p] / n[p], n[p]}' "$TMP/progs" 2>/dev/null)

cat <<T
| measurement | without sensor | with sensor | added |
|---|---|---|---|
| open+close, filtered in kernel ($QUIET, median of $RUNS interleaved rounds × $OPENS) | ${o0} ns | ${o1} ns | $(awk -v a="$o0" -v b="$o1" 'BEGIN {printf "%.0f ns", b - a}') |
| open+close, reported ($SENS, median of $RUNS interleaved rounds × $OPENS) | ${s0} ns | ${s1} ns | $(awk -v a="$s0" -v b="$s1" 'BEGIN {printf "%.0f ns", b - a}') |
| posix_spawn+exec+exit+wait (static binary, median of $RUNS interleaved rounds × $EXECS) | ${e0} ns | ${e1} ns | $(awk -v a="$e0" -v b="$e1" 'BEGIN {printf "%.1f µs", (b - a) / 1000}') |

- time inside the BPF programs per run (kernel bpf_stats, every process of the machine, all rounds): ${progs:-not measured}
- events lost during the timed runs above: $lost_all

| sustained load ($SUST s) | events made | events/s offered | handled by the agent | lost | agent CPU (one core) |
|---|---:|---:|---:|---:|---:|
${sust_rows}
- agent CPU at 10,000 events/s for 10 s ($n10 opens): $cpu% of one core; agent peak RSS $((rss / 1024)) MB
- load average during the run: $(cut -d' ' -f1-3 /proc/loadavg)
- machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), kernel $(uname -r), shared with other jobs
T
