#!/usr/bin/env bash
# Kernel time per exec of `vigil watch`'s exec probe (issue 16: under 2 µs added per
# exec), from the kernel's own accounting (kernel.bpf_stats_enabled: run_time_ns /
# run_cnt of on_exec, read just before and just after each loop, so the agent's start
# is not counted), in these set-ups, interleaved round by round:
#   lean       the built-in rules, execs from the host: once the loop's cgroup is
#              settled as host its execs read what host rules need (no argv, tty, stdio)
#   container  the built-in rules, execs inside a runc container (Alpine fixture):
#              argv always (a rule reads proc.args of every exec), tty and stdio only for
#              the names whose rules read them (shells)
#   full       the built-in rules plus one host rule reading argv, tty and the stdio
#              sockets of every exec: everything read for every exec (what every exec in
#              a container cost before the reads were gated by the rules)
#   none       no agent: the wall-clock baseline of the host loop
#   base       with VIGIL_BASE=path/to/another/vigil: the container set-up with that
#              build (before/after comparisons)
# Each agent round waits 1.5 s before the loop (a cgroup settles after 1 s), then runs N
# posix_spawn+exec+exit+wait of a static binary. The counts include the other execs of
# the machine during the loop (printed). Prints medians per set-up and the load
# average. Needs root and BTF; the container set-up needs runc, umoci and the fixture
# images (tests/fixtures/build-images.sh) and is skipped with -C.
#   bench/watch_exec.sh [-e EXECS] [-n ROUNDS] [-C]
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
EXECS=5000 RUNS=5 CONT=1
while getopts e:n:Ch opt; do
    case $opt in e) EXECS=$OPTARG ;; n) RUNS=$OPTARG ;; C) CONT=0 ;;
        *) sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;; esac
done
VIGIL=${VIGIL:-$ROOT/build/vigil}
PY=${PYTHON:-/usr/bin/python3}
[ "$(id -u)" = 0 ] || { echo "watch_exec.sh: needs root" >&2; exit 1; }
TMP=$(mktemp -d /tmp/vigil-bwe.XXXXXX)
RR=$TMP/runc ID=vbwe$$ WPID=
STATS0=$(sysctl -n kernel.bpf_stats_enabled 2>/dev/null || echo 0)
trap '[ -n "$WPID" ] && kill $WPID 2>/dev/null; runc --root "$RR" delete -f "$ID" >/dev/null 2>&1; sysctl -q -w kernel.bpf_stats_enabled=$STATS0 2>/dev/null; rm -rf "$TMP"' EXIT
sysctl -q -w kernel.bpf_stats_enabled=1
B=$TMP/bench-watch
cc -O2 -static -pthread -o "$B" "$HERE/watch.c"
cat >"$TMP/host.yaml" <<'Y'
- rule: bench host exec
  desc: a rule on execs that can match host processes and reads argv, tty and stdio
  condition: >
    evt.type = exec and (proc.args contains vigil-bench-never or proc.tty = true
    or proc.stdin_socket = true) and proc.exe = /vigil-bench-never
  output: "never %proc.cmdline"
  priority: DEBUG
Y
if [ "$CONT" = 1 ]; then
    IMGS=$("$ROOT/tests/fixtures/build-images.sh" 2>/dev/null)
    umoci unpack --image "$IMGS/ref:alpine320" "$TMP/b" >/dev/null
    cp "$B" "$TMP/b/rootfs/usr/local/bin/bench-watch"
    "$PY" - "$TMP/b/config.json" <<'PYEOF'
import json, sys
c = json.load(open(sys.argv[1]))
c["process"]["terminal"] = False
c["process"]["args"] = ["sleep", "100000"]
c["linux"].pop("uidMappings", None); c["linux"].pop("gidMappings", None)
c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "user"]
json.dump(c, open(sys.argv[1], "w"))
PYEOF
    (cd "$TMP/b" && runc --root "$RR" run -d "$ID" >/dev/null)
fi
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# "run_cnt run_time_ns" of the loaded on_exec
onexec() {
    bpftool prog show -j | "$PY" -c '
import json, sys
for p in json.load(sys.stdin):
    if p.get("name") == "on_exec" and p.get("run_cnt"):
        print(p["run_cnt"], p["run_time_ns"])' | sort -n | tail -1
}
agent() { # LABEL WHERE ARGS...: one round with an agent; appends ns/exec (kernel) and wall
    local label=$1 where=$2 a b v=$VIGIL; shift 2
    [ "$label" = base ] && v=$VIGIL_BASE
    "$v" watch --runc-root "$RR" --output /dev/null "$@" 2>"$TMP/agent.err" &
    WPID=$!
    for _ in $(seq 300); do grep -q ready "$TMP/agent.err" && break; sleep 0.1; done
    sleep 1.5
    a=$(onexec)
    if [ "$where" = host ]; then "$B" exec "$EXECS" >>"$TMP/wall-$label"
    else runc --root "$RR" exec "$ID" /usr/local/bin/bench-watch exec "$EXECS" >>"$TMP/wall-$label"; fi
    b=$(onexec)
    echo "$a $b" | awk '{n = $3 - $1; printf "%.0f %d\n", ($4 - $2) / (n ? n : 1), n}' >>"$TMP/k-$label"
    kill "$WPID"; wait "$WPID" 2>/dev/null || true; WPID=
}
load0=$(cut -d' ' -f1-3 /proc/loadavg)
for r in $(seq "$RUNS"); do
    echo "watch_exec.sh: round $r of $RUNS" >&2
    "$B" exec "$EXECS" >>"$TMP/wall-none"
    agent lean host
    [ "$CONT" = 1 ] && agent container container
    [ "$CONT" = 1 ] && [ -n "${VIGIL_BASE:-}" ] && agent base container
    agent full host --rules "$TMP/host.yaml"
done
load1=$(cut -d' ' -f1-3 /proc/loadavg)
us() { awk -v x="$1" 'BEGIN {printf "%.0f", x / 1000}'; }
row() { # LABEL TEXT
    [ -s "$TMP/k-$1" ] || return 0
    echo "| $2 | $(cut -d' ' -f1 "$TMP/k-$1" | median) ns | $(cut -d' ' -f1 "$TMP/k-$1" | tr '\n' ' ')| $(cut -d' ' -f2 "$TMP/k-$1" | tr '\n' ' ')| $(us "$(median <"$TMP/wall-$1")") µs |"
}
cat <<T
| set-up ($RUNS interleaved rounds × $EXECS execs) | on_exec per exec (kernel, median) | per round | execs counted per round | spawn+exec+exit+wait (wall, median) |
|---|---:|---|---|---:|
| no agent (host) | — | — | — | $(us "$(median <"$TMP/wall-none")") µs |
$(row lean "built-in rules, host execs (settled: lean)")
$(row container "built-in rules, execs in a runc container")
$(row base "built-in rules, execs in a runc container, VIGIL_BASE build")
$(row full "built-in rules + a host rule reading argv, tty, stdio: every exec read in full")

- load average before / after: $load0 / $load1 ($(nproc) cores, shared), kernel $(uname -r)
T
