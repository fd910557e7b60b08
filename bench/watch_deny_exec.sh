#!/usr/bin/env bash
# Cost of `vigil watch --deny-exec` (issue 16) per exec inside a guarded runc container:
# a static binary that is part of the bundle (so allowed) spawns itself N times, with no
# agent, with the agent (sensor only) and with the agent and --deny-exec (every exec is a
# fanotify permission event answered by the agent's guard thread). Interleaved rounds,
# medians. Needs root, runc, umoci and the fixture images (tests/fixtures/build-images.sh).
#   bench/watch_deny_exec.sh [-e EXECS] [-n RUNS]
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
EXECS=5000 RUNS=5
while getopts e:n:h opt; do
    case $opt in e) EXECS=$OPTARG ;; n) RUNS=$OPTARG ;;
        *) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;; esac
done
VIGIL=${VIGIL:-$ROOT/build/vigil}
PY=${PYTHON:-/usr/bin/python3}
[ "$(id -u)" = 0 ] || { echo "watch_deny_exec.sh: needs root" >&2; exit 1; }
IMGS=$("$ROOT/tests/fixtures/build-images.sh" 2>/dev/null)
TMP=$(mktemp -d /tmp/vigil-bde.XXXXXX)
RR=$TMP/runc ID=vbde$$ WPID=
trap '[ -n "$WPID" ] && kill $WPID 2>/dev/null; runc --root "$RR" delete -f "$ID" >/dev/null 2>&1; rm -rf "$TMP"' EXIT
umoci unpack --image "$IMGS/ref:alpine320" "$TMP/b" >/dev/null
cc -O2 -static -o "$TMP/b/rootfs/usr/local/bin/bench-watch" "$HERE/watch.c"
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

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
start_agent() {
    "$VIGIL" watch --runc-root "$RR" --output /dev/null "$@" 2>"$TMP/agent.err" &
    WPID=$!
    for _ in $(seq 300); do grep -q 'ready' "$TMP/agent.err" && return 0; sleep 0.1; done
    echo "agent did not start: $(cat "$TMP/agent.err")" >&2; exit 1
}
stop_agent() { kill "$WPID"; wait "$WPID" 2>/dev/null || true; WPID=; }
run() { runc --root "$RR" exec "$ID" /usr/local/bin/bench-watch exec "$EXECS"; }
: >"$TMP/n"; : >"$TMP/s"; : >"$TMP/d"
for r in $(seq "$RUNS"); do
    echo "watch_deny_exec.sh: round $r of $RUNS" >&2
    run >>"$TMP/n"
    start_agent; run >>"$TMP/s"; stop_agent
    start_agent --deny-exec; run >>"$TMP/d"; stop_agent
    grep -q ', 0 denied' "$TMP/agent.err" || echo "unexpected denials: $(tail -1 "$TMP/agent.err")" >&2
done
n=$(median <"$TMP/n"); s=$(median <"$TMP/s"); d=$(median <"$TMP/d")
cat <<T
| spawn+exec+exit+wait in a runc container (median of $RUNS interleaved rounds × $EXECS) | ns per exec | added |
|---|---:|---:|
| no agent | $n | |
| agent (sensor, built-in rules) | $s | $(awk -v a="$n" -v b="$s" 'BEGIN {printf "%.1f µs", (b - a) / 1000}') |
| agent with --deny-exec | $d | $(awk -v a="$n" -v b="$d" 'BEGIN {printf "%.1f µs", (b - a) / 1000}') (over the sensor alone: $(awk -v a="$s" -v b="$d" 'BEGIN {printf "%.1f µs", (b - a) / 1000}')) |

- load average during the run: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores, kernel $(uname -r)
T
