#!/usr/bin/env bash
# vigil serve re-evaluation benchmark (issue 13): N stored inventories (default 10000, the
# package lists of the Alpine fixture images of tests/fixtures/make-golden-alpine.sh, taken
# in turn, under synthetic digests) are re-matched after POST /api/v1/db/update. Two rounds:
# the first against a database that finds new vulnerabilities in the images of three of
# the five inventories (history entries and webhook events written), the second against the
# same database again (nothing changes, nothing written). Prints wall time per round,
# inventories per second and the server's peak RSS.
#
# Usage: bench/serve.sh [N]
#        bench/serve.sh load [N [SECONDS [CONNS]]]: N (100) inventories, one re-evaluation
#        (real reports, ~5 KB), then wrk --latency with CONNS (200) connections for SECONDS
#        (10) on GET /api/v1/images/{digest} (the 5 digests, in turn): requests/s, latency
#        percentiles, errors, and the server's RSS before and after and its peak.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
MODE=rematch
if [ "${1:-}" = load ]; then MODE=load; shift; fi
N=${1:-$([ $MODE = load ] && echo 100 || echo 10000)}
SECS=${2:-10}
CONNS=${3:-200}
VIGIL=${VIGIL:-$ROOT/build/vigil}
cd "$ROOT"
[ -x "$VIGIL" ] || make -s -j2 all
make -s build/libvigil.a
tmp=$(mktemp -d)
spid=
trap '[ -n "$spid" ] && kill -9 $spid 2>/dev/null; rm -rf "$tmp"' EXIT
cc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -Iinclude -Isrc/lib -pthread \
    -o "$tmp/seed" bench/serve_seed.c build/libvigil.a $(make -s print-libs)

G=$(tests/fixtures/make-golden-alpine.sh 2> /dev/null)
invs=()
for v in 3.9.6-old 3.12.12 3.16.9 3.20.3 3.9.6; do
    "$VIGIL" sbom -q --format json -o "$tmp/inv-$v.json" "$G/oci-$v"
    invs+=("$tmp/inv-$v.json")
done
mirror() { # mirror DIR: busybox and musl fixed in a future version, for three branches
    for v in v3.12 v3.16 v3.20; do
        mkdir -p "$1/alpine-secdb/$v"
        { printf 'distroversion: %s\nreponame: main\narchs:\n  - x86_64\npackages:\n' "$v"
          printf '  - pkg:\n      name: busybox\n      secfixes:\n        99.0-r0:\n          - CVE-2099-0101\n'
          printf '  - pkg:\n      name: musl\n      secfixes:\n        99.2-r0:\n          - CVE-2099-0102\n'
        } > "$1/alpine-secdb/$v/main.yaml"
    done
    tar -czf "$1/alpine-secdb.tar.gz" -C "$1" alpine-secdb && rm -rf "${1:?}/alpine-secdb"
}
mirror "$tmp/m"
t0=$(date +%s.%N)
"$tmp/seed" "$tmp/data" "$N" "${invs[@]}"
t1=$(date +%s.%N)
TOK=$("$VIGIL" serve token add bench --scopes admin --data "$tmp/data")
"$VIGIL" serve --listen 127.0.0.1:0 --port-file "$tmp/port" --data "$tmp/data" \
    --db "$tmp/db" --db-from "$tmp/m" 2> "$tmp/log" &
spid=$!
for _ in $(seq 1 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
base=http://127.0.0.1:$(cat "$tmp/port")
round() {
    local id s t0 t1
    t0=$(date +%s.%N)
    id=$(curl -s -X POST -H "Authorization: Bearer $TOK" "$base/api/v1/db/update" | jq -r .id)
    while :; do
        s=$(curl -s -H "Authorization: Bearer $TOK" "$base/api/v1/scans/$id" | jq -r .status)
        [ "$s" = done ] || [ "$s" = failed ] && break
        sleep 0.2
    done
    t1=$(date +%s.%N)
    local hist
    hist=$(curl -s -H "Authorization: Bearer $TOK" "$base/metrics" | awk '/^vigil_history_entries/ {print $2}')
    printf '| %s | %s | %.1f | %.0f | %s |\n' "$1" "$s" "$(echo "$t1 - $t0" | bc)" \
        "$(echo "$N / ($t1 - $t0)" | bc -l)" "$hist"
}
echo "seeded $N inventories in $(printf '%.1f' "$(echo "$t1 - $t0" | bc)") s ($(du -sh "$tmp/data" | cut -f1) store)"
echo
echo "| round | job | wall s | inventories/s | history entries after |"
echo "|---|---|---:|---:|---:|"
round "1: new database (findings change in 3 of 5 inventories)"
if [ $MODE = load ]; then
    command -v wrk > /dev/null || { echo "wrk not installed (apt-get install wrk)" >&2; exit 2; }
    digs=$(curl -s -H "Authorization: Bearer $TOK" "$base/api/v1/images?limit=5" | jq -r '.images[].digest')
    # a wrk script that requests the five digests in turn
    { echo 'local d = {'; for d in $digs; do echo "  \"/api/v1/images/$d\","; done
      echo '}'; echo 'local i = 0'
      echo 'request = function() i = i % #d + 1; return wrk.format("GET", d[i]) end'
      echo 'done = function(summary, latency, requests)'
      echo '  local e = summary.errors'
      echo '  io.write(string.format("errors: connect %d, read %d, write %d, timeout %d, non-2xx %d\n",'
      echo '    e.connect, e.read, e.write, e.timeout, e.status))'
      echo 'end'; } > "$tmp/rr.lua"
    rss0=$(awk '/VmRSS/ {print $2}' /proc/$spid/status)
    wrk -t2 -c"$CONNS" -d"${SECS}s" --timeout 10s --latency -s "$tmp/rr.lua" \
        -H "Authorization: Bearer $TOK" "$base" > "$tmp/wrk" 2>&1
    rss1=$(awk '/VmRSS/ {print $2}' /proc/$spid/status)
    bytes=$(curl -s -H "Authorization: Bearer $TOK" "$base/api/v1/images/$(echo "$digs" | head -1)" | wc -c)
    echo
    cat "$tmp/wrk"
    echo
    echo "report size: $bytes bytes; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "server RSS: before $rss0 kB, after $rss1 kB, peak $(awk '/VmHWM/ {print $2}' /proc/$spid/status) kB"
    kill -TERM $spid; wait $spid || true; spid=
    exit 0
fi
round "2: same database again (no change)"
echo
echo "server peak RSS: $(awk '/VmHWM/ {print $2, $3}' /proc/$spid/status)"
grep -E "database update started|re-evaluation done" "$tmp/log" | sed "s/^/log: /"
kill -TERM $spid; wait $spid || true; spid=
