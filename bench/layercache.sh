#!/usr/bin/env bash
# bench/layercache.sh [N] [RUNS]: issue 13's "N images sharing 3 base layers pushed to the
# loopback registry, all scanned, in at most 1.2x the time to read the unique layers once"
# (docs/layer-cache.md). tests/layercache/mkimages.py builds N (default 200) images on a
# three-layer base (the Debian bullseye fixture, 76 MB, plus two small layers) and a
# "union" image holding every distinct layer once; skopeo pushes them all to
# docker-registry on 127.0.0.1. Then, RUNS times (default 3):
#   unique: `vigil scan --scanners all` of the union image from the registry (every
#           distinct layer fetched and read once, uncached);
#   cached: a fresh `vigil serve --workers 2` (empty store) given the N scans at once;
#           wall time from the first POST until the N scans are stored;
# and once `cached` with the layer cache off (VIGIL_LAYER_CACHE_MAX=0) for comparison
# (VIGIL_BENCH_NOCACHE=0 leaves that run out).
# Prints the medians and the ratio cached / unique. Vulnerability database: built from
# ../shared/vulndata (VIGIL_SHARED names another ../shared). VIGIL_BENCH_PERF=FILE records a
# perf profile (DWARF call graphs, 299 Hz) of the first cached server run into FILE.
# VIGIL_BENCH_PAIR="BIN ..." measures more builds in the same runs, interleaved with the first
# (before/after pairs under the same load; the images are pushed once for both).
# Needs docker-registry, skopeo, curl, jq, python3.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
VIGIL=${VIGIL:-$top/build/vigil}
N=${1:-200}
RUNS=${2:-3}
tmp=$(mktemp -d)
pids=() perfpid=
cleanup() { for p in "${pids[@]}"; do kill -9 "$p" 2> /dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT
now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

D=$("$top/tests/fixtures/make-golden-debian.sh" 2> /dev/null)
python3 "$top/tests/layercache/mkimages.py" "$tmp/img" "$N" "$D/oci" --union
"$VIGIL" db update --from "${VIGIL_SHARED:-$top/../shared}/vulndata" --db "$tmp/db" > "$tmp/up" 2>&1

rp=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
printf '%s\n' "version: 0.1" "log:" "  level: warn" "  accesslog:" "    disabled: true" \
  "storage:" "  filesystem:" "    rootdirectory: $tmp/reg" "http:" "  addr: 127.0.0.1:$rp" > "$tmp/reg.yml"
docker-registry serve "$tmp/reg.yml" > "$tmp/reglog" 2>&1 &
pids+=($!)
for _ in $(seq 1 50); do curl -s -o /dev/null "http://127.0.0.1:$rp/v2/" && break; sleep 0.1; done
t0=$(now)
for t in union $(seq -f 'app%g' 1 "$N"); do
  skopeo copy -q --dest-tls-verify=false "oci:$tmp/img:$t" "docker://127.0.0.1:$rp/bench/app:$t"
done
echo "pushed $((N + 1)) images in $(echo "$(now) - $t0" | bc) s"
reg=127.0.0.1:$rp/bench/app

unique_run() { # prints "WALL CPU" seconds
  local t; t=$(now)
  /usr/bin/time -f '%U %S' -o "$tmp/ucpu" "$VIGIL" scan -q --scanners all --insecure-registry 127.0.0.1 \
    --db "$tmp/db" --format json -o /dev/null "$reg:union"
  echo "$(echo "$(now) - $t" | bc) $(awk '{print $1 + $2}' "$tmp/ucpu")"
}
cpu_of() { # CPU seconds (user + system) of a live process
  awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$1/stat"
}

cached_run() { # cached_run MAX_MIB: seconds for the N scans on a fresh server
  local d=$tmp/srv$RANDOM
  mkdir -p "$d"
  local tok; tok=$("$VIGIL" serve token add b --scopes scan,read --data "$d/data")
  VIGIL_LAYER_CACHE_MAX=$1 "$VIGIL" serve --listen 127.0.0.1:0 --port-file "$d/port" --data "$d/data" \
    --db "$tmp/db" --workers 2 --insecure-registry 127.0.0.1 2> "$d/log" &
  local spid=$!; pids+=("$spid")
  for _ in $(seq 1 100); do [ -s "$d/port" ] && break; sleep 0.1; done
  if [ -n "${VIGIL_BENCH_PERF:-}" ] && [ "$1" != 0 ] && [ ! -e "$VIGIL_BENCH_PERF" ]; then
    perf record -q -F 299 --call-graph dwarf,16384 -o "$VIGIL_BENCH_PERF" -p "$spid" 2> "$d/perflog" &
    perfpid=$!
    sleep 1
  fi
  local base=http://127.0.0.1:$(cat "$d/port") t; t=$(now)
  for i in $(seq 1 "$N"); do
    curl -s -o /dev/null -X POST -H "Authorization: Bearer $tok" -H 'Content-Type: application/json' \
      -d "{\"image\": \"$reg:app$i\"}" "$base/api/v1/scans"
  done
  local done_n=0
  for _ in $(seq 1 36000); do
    done_n=$(curl -s "$base/metrics" -H "Authorization: Bearer $tok" |
      awk '/^vigil_scans_total\{result="(done|failed)"\}/ {s += $2} END {print s + 0}')
    [ "$done_n" -ge "$N" ] && break
    sleep 0.1
  done
  local el; el=$(echo "$(now) - $t" | bc)
  local failed; failed=$(curl -s "$base/metrics" -H "Authorization: Bearer $tok" | awk '/^vigil_scans_total\{result="failed"\}/ {print $2}')
  local hits; hits=$(curl -s "$base/metrics" -H "Authorization: Bearer $tok" | awk '/^vigil_layer_cache_hits_total/ {print $2}')
  local cpu; cpu=$(cpu_of "$spid")
  echo "  server run (cache max $1 MiB): $el s wall, $cpu s CPU, $done_n scans, $failed failed, layer cache hits ${hits:-0}" >&2
  if [ -n "$perfpid" ]; then
    kill -INT "$perfpid"; wait "$perfpid" 2> /dev/null || true; perfpid=
    cat "$d/perflog" >&2
  fi
  kill "$spid"; wait "$spid" 2> /dev/null || true
  echo "$el $cpu"
}

# VIGIL_BENCH_PAIR="BIN ...": more builds measured in the same runs (each run: this build,
# then each of those, one after the other), so that before and after see the same load.
bins=("$VIGIL")
[ -n "${VIGIL_BENCH_PAIR:-}" ] && read -r -a more <<< "$VIGIL_BENCH_PAIR" && bins+=("${more[@]}")
for r in $(seq 1 "$RUNS"); do
  for b in "${!bins[@]}"; do
    VIGIL=${bins[$b]}
    read -r w cpu < <(unique_run)
    echo "$w $cpu" >> "$tmp/unique.$b"
    echo "  unique run $r (${bins[$b]}): $w s wall, $cpu s CPU" >&2
    cached_run 4096 >> "$tmp/cached.$b"
  done
done
VIGIL=${bins[0]}
off=skipped
[ "${VIGIL_BENCH_NOCACHE:-1}" = 1 ] && off=$(cached_run 0)
echo "N=$N images, 3 shared base layers (Debian 76 MB + 2), loadavg $(cut -d' ' -f1-3 /proc/loadavg)"
for b in "${!bins[@]}"; do
  mu=$(awk '{print $1}' "$tmp/unique.$b" | median); muc=$(awk '{print $2}' "$tmp/unique.$b" | median)
  mc=$(awk '{print $1}' "$tmp/cached.$b" | median); mcc=$(awk '{print $2}' "$tmp/cached.$b" | median)
  echo "build ${bins[$b]}:"
  echo "unique layers read once (union image, uncached): median $mu s wall, $muc s CPU"
  echo "all $N images scanned by vigil serve with the layer cache: median $mc s wall, $mcc s CPU"
  echo "per image (cached, 2 workers): $(echo "scale=3; $mc / $N" | bc) s wall, $(echo "scale=3; $mcc / $N" | bc) s CPU"
  echo "ratio cached / unique: wall $(echo "scale=2; $mc / $mu" | bc), CPU $(echo "scale=2; $mcc / $muc" | bc)"
done
echo "the same without the cache (wall, CPU; ${bins[0]}): $off"
