#!/usr/bin/env bash
# The fleet benchmark (issue 15): one `--role api` and WORKERS `--role worker` servers on
# this machine sharing a PostgreSQL 15 store (started here, tests/postgres/pg_env.sh), and
# a loopback docker-registry holding an estate of N distinct image digests over REPOS
# repositories, pushed by tests/postgres/push_estate.py from the Alpine fixture images
# (tests/fixtures/make-golden-alpine.sh: five base images whose layers every image of the
# estate shares; sizes are the fixtures'). Measures:
#   (a) time to scan the whole estate from an empty store (all N queued at once),
#   (b) time to re-evaluate it after a database update (chunked, any worker),
#   (c) scans per minute sustained (the middle 80% of (a): from 10% to 90% done),
#   (d) peak RSS (VmHWM) of every process, and of PostgreSQL's.
# and prints the arithmetic that scales them (BENCHMARKS.md).
#
# Usage: bench/fleet.sh [N] [REPOS] [WORKERS]     (defaults 2000 300 2)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-2000}
REPOS=${2:-300}
W=${3:-2}
VIGIL=${VIGIL:-$ROOT/build/vigil}
cd "$ROOT"
[ -x "$VIGIL" ] || make -s -j2 build/vigil
. tests/postgres/pg_env.sh
pg_have || { echo "PostgreSQL 15 server binaries missing (apt-get install postgresql-15)"; exit 2; }
tmp=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill -9 "$p" 2> /dev/null; done; pg_stop; rm -rf "$tmp"' EXIT
pg_init "$tmp" && pg_start
url=$pg_url
sqlq() { psql "$url" -qAtX -c "$1"; }

G=$(tests/fixtures/make-golden-alpine.sh 2> /dev/null)
mirror() {
  for v in v3.12 v3.16 v3.20; do
    mkdir -p "$1/alpine-secdb/$v"
    { printf 'distroversion: %s\nreponame: main\narchs:\n  - x86_64\npackages:\n' "$v"
      printf '  - pkg:\n      name: busybox\n      secfixes:\n        99.0-r0:\n          - CVE-2099-0101\n'
      [ "${2:-}" = musl ] &&
        printf '  - pkg:\n      name: musl\n      secfixes:\n        99.2-r0:\n          - CVE-2099-0102\n'
    } > "$1/alpine-secdb/$v/main.yaml"
  done
  tar -czf "$1/alpine-secdb.tar.gz" -C "$1" alpine-secdb && rm -rf "${1:?}/alpine-secdb"
}
mirror "$tmp/m1"; mirror "$tmp/m2" musl
"$VIGIL" db update --from "$tmp/m1" --only alpine-secdb --db "$tmp/db1" > /dev/null 2>&1

rp=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
printf '%s\n' "version: 0.1" "log:" "  level: warn" "storage:" "  filesystem:" \
  "    rootdirectory: $tmp/reg" "http:" "  addr: 127.0.0.1:$rp" > "$tmp/reg.yml"
docker-registry serve "$tmp/reg.yml" > "$tmp/reglog" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$rp/v2/" && break; sleep 0.1; done
reg=127.0.0.1:$rp
t=$SECONDS
python3 tests/postgres/push_estate.py "$reg" "$N" "$REPOS" estate "$G/oci-3.20.3" "$G/oci-3.16.9" \
  "$G/oci-3.12.12" "$G/oci-3.9.6" "$G/oci-3.9.6-old" > "$tmp/estate"
echo "estate: $N digests over $REPOS repositories, 5 base images, pushed in $((SECONDS - t)) s"
echo "  image sizes (compressed layers): $(du -sh "$G/oci-3.20.3" "$G/oci-3.16.9" "$G/oci-3.12.12" "$G/oci-3.9.6" | awk '{print $1}' | paste -sd' ')"

ADMIN=$("$VIGIL" serve token add bench --scopes admin --store "$url")
spids=()
serve() { # serve ROLE NAME
  cp "$tmp/db1" "$tmp/db.$2"
  "$VIGIL" serve --role "$1" --store "$url" --listen 127.0.0.1:0 --port-file "$tmp/port.$2" \
    --db "$tmp/db.$2" --db-from "$tmp/m2" --insecure-registry 127.0.0.1 --workers 1 \
    --http-threads 4 2> "$tmp/log.$2" &
  pids+=($!); spids+=("$2:$!")
  for _ in $(seq 1 150); do [ -s "$tmp/port.$2" ] && break; sleep 0.1; done
}
serve api api
for i in $(seq 1 "$W"); do serve worker "w$i"; done
base=http://127.0.0.1:$(cat "$tmp/port.api")

now_ms() { date +%s%3N; }
t0=$(now_ms)
while read -r repo dig; do
  printf '{"image":"%s/%s@%s","repository":"%s"}\n' "$reg" "$repo" "$dig" "$repo"
done < "$tmp/estate" |
  # eight requests at a time: one curl after the other was slower than the workers
  xargs -d '\n' -P 8 -I{} curl -s -o /dev/null -H "Authorization: Bearer $ADMIN" -d {} \
    "$base/api/v1/scans"
tq=$(now_ms)
echo "queued $N scans through the API in $(( (tq - t0) / 1000 )).$(( (tq - t0) % 1000 / 100 )) s"
t10=0; t90=0
while :; do
  d=$(sqlq "SELECT count(*) FROM jobs WHERE kind='scan' AND status IN ('done','failed')")
  [ "$t10" = 0 ] && [ "$d" -ge $((N / 10)) ] && t10=$(now_ms) && d10=$d
  [ "$t90" = 0 ] && [ "$d" -ge $((N * 9 / 10)) ] && t90=$(now_ms) && d90=$d
  [ "$d" -ge "$N" ] && break
  sleep 0.5
done
ta=$(now_ms)
failed=$(sqlq "SELECT count(*) FROM jobs WHERE kind='scan' AND status='failed'")
echo "(a) scan of the whole estate from empty: $(( (ta - t0) / 1000 )) s ($failed failed)"
echo "(c) sustained: $(( (d90 - d10) * 60000 / (t90 - t10) )) scans/min (10%..90% of the run)"
tb0=$(now_ms)
upd=$(curl -s -H "Authorization: Bearer $ADMIN" -X POST "$base/api/v1/db/update" | jq -r .id)
while [ "$(sqlq "SELECT status FROM jobs WHERE id=$upd")" != done ]; do sleep 0.5; done
while [ "$(sqlq "SELECT count(*) FROM jobs WHERE kind='rematch' AND status IN ('queued','running')")" != 0 ]; do sleep 0.5; done
tb=$(now_ms)
chunks=$(sqlq "SELECT count(*) FROM jobs WHERE kind='rematch'")
echo "(b) re-evaluation after a database update: $(( (tb - tb0) / 1000 )).$(( (tb - tb0) % 1000 / 100 )) s ($chunks chunks; $(sqlq "SELECT count(*) FROM history") history rows)"
echo "(d) peak RSS:"
for e in "${spids[@]}"; do
  echo "    ${e%%:*}: $(awk '/VmHWM/ {print $2, $3}' "/proc/${e#*:}/status")"
done
tot=0; for p in $(pgrep -u "$PGUSER_T" postgres); do tot=$((tot + $(awk '/VmHWM/ {print $2}' /proc/$p/status 2> /dev/null || echo 0))); done
echo "    postgres (all backends, summed): $tot kB"
rate=$(( (d90 - d10) * 60000 / (t90 - t10) )); perw=$(( rate / W > 0 ? rate / W : 1 ))
echo "scaling: $perw scans/min per worker. 18,000 digests (a month of pulls; the 130,000"
echo "  containers run at most that many distinct images) in 6 min need 3,000 scans/min:"
echo "  $(( (3000 + perw - 1) / perw )) such workers (PostgreSQL permitting); re-evaluation ran"
echo "  $(( N * 1000 / (tb - tb0) )) images/s with $W workers: 18,000 in $(( 18000 * (tb - tb0) / N / 1000 )) s"
