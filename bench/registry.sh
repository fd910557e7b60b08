#!/usr/bin/env bash
# Registry pull benchmark: `vigil scan REF` from a Distribution registry on 127.0.0.1 (plain
# HTTP, --insecure-registry) against `vigil scan` of the same image as a local OCI layout,
# in one run: the two are interleaved, wall time, peak RSS (GNU time) and CPU time (vigil's,
# plus the registry server's for the registry scan) of each, median of N runs. Prints a
# markdown table for BENCHMARKS.md.
#
# Usage: bench/registry.sh [-n RUNS] [OCI-LAYOUT...]
#   OCI-LAYOUT  default: the Debian and Alpine fixture layouts (tests/fixtures/build-images.sh)
#               and the benchmark images of tests/fixtures/make-bench-images.sh that are built
#   -n          runs per command (default $BENCH_RUNS or 5)
# Environment: VIGIL (default build/vigil), BENCH_SCANNERS (default: vuln,secret,malware,config
# when a database exists at $VIGIL_DB or ~/.cache/vigil/db/vigil.db, else secret,malware,config).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
RUNS=${BENCH_RUNS:-5}
PY=${PYTHON:-python3}
TIME=/usr/bin/time
while getopts n:h opt; do
    case $opt in
    n) RUNS=$OPTARG ;;
    *) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
VIGIL=${VIGIL:-$ROOT/build/vigil}
[ -x "$VIGIL" ] || make -C "$ROOT" -s build/vigil >&2
for t in docker-registry skopeo "$TIME"; do
    command -v "$t" >/dev/null || { echo "registry.sh: $t not found" >&2; exit 1; }
done

layouts=("$@")
if [ ${#layouts[@]} -eq 0 ]; then
    imgs=$("$ROOT/tests/fixtures/build-images.sh" 2>/dev/null)
    layouts=("$imgs/debian/oci-gzip" "$imgs/edge/oci-gzip")
    for b in "${VIGIL_CACHE:-$HOME/.cache/vigil}"/bench-*/*/; do
        [ -f "$b/index.json" ] && layouts+=("${b%/}")
    done
fi
DB=${VIGIL_DB:-$HOME/.cache/vigil/db/vigil.db}
if [ -z "${BENCH_SCANNERS:-}" ]; then
    BENCH_SCANNERS=secret,malware,config
    [ -f "$DB" ] && BENCH_SCANNERS=vuln,secret,malware,config
fi

tmp=$(mktemp -d)
pid=
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
port=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$tmp/config.yml" <<EOF
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $tmp/data
http:
  addr: 127.0.0.1:$port
EOF
docker-registry serve "$tmp/config.yml" >"$tmp/log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$port/v2/" >/dev/null 2>&1 && break
    sleep 0.2
done

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
# CPU seconds the registry server has used so far (user + system, from /proc)
server_cpu() { awk -v hz="$(getconf CLK_TCK)" '{ sub(/.*\) /, ""); printf "%.3f\n", ($12 + $13) / hz }' "/proc/$pid/stat"; }
# one RUN: prints "wall_s rss_kb cpu_s" (cpu: vigil's user + system, plus the registry
# server's during the run; the wall time depends on the machine's load, the CPU much less)
one() {
    local t0 t1 s0 s1
    s0=$(server_cpu)
    t0=$(date +%s.%N)
    "$TIME" -f '%M %U %S' -o "$tmp/time" "$VIGIL" scan "$@" --scanners "$BENCH_SCANNERS" --format json \
        -q >/dev/null 2>"$tmp/err" || [ $? -eq 1 ] || { cat "$tmp/err" >&2; exit 1; }
    t1=$(date +%s.%N)
    s1=$(server_cpu)
    read -r rss us ss < <(tail -n1 "$tmp/time")
    echo "$(echo "$t1 - $t0" | bc) $rss $(echo "$us + $ss + $s1 - $s0" | bc)"
}

echo "| image | compressed MB | layers | scan OCI layout s | scan from registry s | ratio | peak RSS layout MB | peak RSS registry MB | CPU layout s | CPU registry s (vigil + server) | CPU ratio |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
n=0
for lay in "${layouts[@]}"; do
    n=$((n + 1))
    ref=127.0.0.1:$port/bench/img$n:1
    skopeo copy --quiet --dest-tls-verify=false "oci:$lay" "docker://$ref" >/dev/null
    mb=$(du -sm "$lay/blobs" | cut -f1)
    layers=$("$VIGIL" inspect "$lay" --format json | "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)["layers"]))')
    one "$lay" >/dev/null # warm the page cache and the rule caches
    one --insecure-registry "127.0.0.1:$port" "$ref" >/dev/null
    lt=() lr=() lc=() rt=() rr=() rc=()
    for _ in $(seq 1 "$RUNS"); do
        read -r w m c < <(one "$lay")
        lt+=("$w") lr+=("$m") lc+=("$c")
        read -r w m c < <(one --insecure-registry "127.0.0.1:$port" "$ref")
        rt+=("$w") rr+=("$m") rc+=("$c")
    done
    l=$(printf '%s\n' "${lt[@]}" | median)
    r=$(printf '%s\n' "${rt[@]}" | median)
    lm=$(printf '%s\n' "${lr[@]}" | median)
    rm_=$(printf '%s\n' "${rr[@]}" | median)
    lcpu=$(printf '%s\n' "${lc[@]}" | median)
    rcpu=$(printf '%s\n' "${rc[@]}" | median)
    printf '| %s | %s | %s | %.2f | %.2f | %.2f | %d | %d | %.2f | %.2f | %.2f |\n' "$(basename "$(dirname "$lay")")/$(basename "$lay")" \
        "$mb" "$layers" "$l" "$r" "$(echo "$r / $l" | bc -l)" $((lm / 1024)) $((rm_ / 1024)) \
        "$lcpu" "$rcpu" "$(echo "$rcpu / $lcpu" | bc -l)"
done
echo
echo "Scanners: $BENCH_SCANNERS; median of $RUNS runs each, interleaved; $(nproc) cores, $(uname -m); load average $(cut -d' ' -f1-3 /proc/loadavg)."
