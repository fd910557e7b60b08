#!/usr/bin/env bash
# Kernel time per exec of `vigil watch`'s exec probe (issue 16: under 2 µs added per
# exec), from the kernel's own accounting (kernel.bpf_stats_enabled: run_time_ns /
# run_cnt of on_exec), in three set-ups, interleaved round by round:
#   lean   the built-in rules: none on execs can match a host process, so once the
#          loop's cgroup is settled as host its execs skip argv, tty and stdio checks
#   full   the built-in rules plus one host rule on execs: every exec is read in full,
#          as an exec in a container always is
#   none   no agent: the wall-clock baseline of the loop
# Each agent round waits 1.5 s before the loop (the cgroup settles after 1 s), then
# runs N posix_spawn+exec+exit+wait of a static binary. Prints medians per set-up and
# the load average. Needs root and BTF.
#   bench/watch_exec.sh [-e EXECS] [-n ROUNDS]
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
EXECS=5000 RUNS=5
while getopts e:n:h opt; do
    case $opt in e) EXECS=$OPTARG ;; n) RUNS=$OPTARG ;;
        *) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;; esac
done
VIGIL=${VIGIL:-$ROOT/build/vigil}
[ "$(id -u)" = 0 ] || { echo "watch_exec.sh: needs root" >&2; exit 1; }
TMP=$(mktemp -d)
WPID=
STATS0=$(sysctl -n kernel.bpf_stats_enabled 2>/dev/null || echo 0)
trap '[ -n "$WPID" ] && kill $WPID 2>/dev/null; sysctl -q -w kernel.bpf_stats_enabled=$STATS0 2>/dev/null; rm -rf "$TMP"' EXIT
sysctl -q -w kernel.bpf_stats_enabled=1
B=$TMP/bench-watch
cc -O2 -static -pthread -o "$B" "$HERE/watch.c"
cat >"$TMP/host.yaml" <<'Y'
- rule: bench host exec
  desc: a rule on execs that can match host processes (forces full exec records)
  condition: evt.type = exec and proc.args contains vigil-bench-never
  output: "never %proc.cmdline"
  priority: DEBUG
Y
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
agent() { # LABEL ARGS...: one round with an agent; appends ns/exec (kernel) and wall
    local label=$1; shift
    "$VIGIL" watch --output /dev/null "$@" 2>"$TMP/agent.err" &
    WPID=$!
    for _ in $(seq 300); do grep -q ready "$TMP/agent.err" && break; sleep 0.1; done
    sleep 1.5
    "$B" exec "$EXECS" >>"$TMP/wall-$label"
    bpftool prog show -j | "${PYTHON:-python3}" -c '
import json, sys
for p in json.load(sys.stdin):
    if p.get("name") == "on_exec" and p.get("run_cnt"):
        print("%.0f" % (p["run_time_ns"] / p["run_cnt"]), p["run_cnt"])' | sort -k2 -n | tail -1 >>"$TMP/k-$label"
    kill "$WPID"; wait "$WPID" 2>/dev/null || true; WPID=
    grep -q 'lean execs' "$TMP/agent.err" && grep -o '[0-9]* settled host cgroups' "$TMP/agent.err" >>"$TMP/lean-$label" || true
}
load0=$(cut -d' ' -f1-3 /proc/loadavg)
for r in $(seq "$RUNS"); do
    echo "watch_exec.sh: round $r of $RUNS" >&2
    "$B" exec "$EXECS" >>"$TMP/wall-none"
    agent lean
    agent full --rules "$TMP/host.yaml"
done
load1=$(cut -d' ' -f1-3 /proc/loadavg)
kl=$(cut -d' ' -f1 "$TMP/k-lean" | median); kf=$(cut -d' ' -f1 "$TMP/k-full" | median)
wn=$(median <"$TMP/wall-none"); wl=$(median <"$TMP/wall-lean"); wf=$(median <"$TMP/wall-full")
cat <<T
| set-up ($RUNS interleaved rounds × $EXECS execs) | on_exec per exec (kernel, median) | per round | spawn+exec+exit+wait (wall, median) |
|---|---:|---|---:|
| no agent | — | — | $(awk -v x="$wn" 'BEGIN {printf "%.0f", x / 1000}') µs |
| built-in rules: host execs lean | ${kl} ns | $(cut -d' ' -f1 "$TMP/k-lean" | tr '\n' ' ') | $(awk -v x="$wl" 'BEGIN {printf "%.0f", x / 1000}') µs |
| + a host rule on execs: every exec in full (= an exec in a container) | ${kf} ns | $(cut -d' ' -f1 "$TMP/k-full" | tr '\n' ' ') | $(awk -v x="$wf" 'BEGIN {printf "%.0f", x / 1000}') µs |

- load average before / after: $load0 / $load1 ($(nproc) cores, shared); lean cgroups per round: $(tr '\n' ' ' <"$TMP/lean-lean" 2>/dev/null)
T
