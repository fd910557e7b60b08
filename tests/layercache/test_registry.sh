#!/usr/bin/env bash
# Issue 13's "two images sharing base layers: the second scan reads only its own layers",
# with real components (docs/layer-cache.md): tests/layercache/mkimages.py builds app1 and
# app2 on one three-layer base; skopeo pushes them to Debian's docker-registry on
# 127.0.0.1, whose notifications queue them on `vigil serve`. Asserted from the registry's
# access log (the second scan GETs its own blobs and none of the base's; the first did GET
# them) and from the store (the base layers are cached once, and hit by the second scan);
# each report equals an uncached `vigil scan` of the same reference. Run against SQLite
# (--data) and against a PostgreSQL 15 started here (issue 15: the cache is in the
# shared store, so a base layer read by one worker is not read by another).
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
VIGIL=${VIGIL:-$top/build/vigil}
fail=0
pass() { echo "PASS: layercache: $1"; }
bad() { echo "FAIL: layercache: $1"; fail=1; }
skip_or_fail() {
  if [ "${CI:-}" = true ]; then echo "FAIL: layercache: $1"; exit 1; fi
  echo "SKIP: layercache: $1"; exit 0
}
for t in curl jq python3 docker-registry skopeo sqlite3; do
  command -v $t > /dev/null || skip_or_fail "$t not installed"
done
tmp=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -9 "$p" 2> /dev/null; done
  [ "${have_pg:-0}" = 1 ] && pg_stop
  rm -rf "$tmp"
}
trap cleanup EXIT
G=$("$top/tests/fixtures/make-golden-alpine.sh" 2> "$tmp/mk.log") &&
  python3 "$top/tests/layercache/mkimages.py" "$tmp/img" 2 "$G/oci-3.20.3" > "$tmp/mk.log" 2>&1 ||
  { bad "mkimages failed: $(tail -3 "$tmp/mk.log")"; exit 1; }
m=$tmp/m; mkdir -p "$m/alpine-secdb/v3.20"
printf 'distroversion: v3.20\nreponame: main\narchs:\n  - x86_64\npackages:\n  - pkg:\n      name: busybox\n      secfixes:\n        99.0-r0:\n          - CVE-2099-0101\n' \
  > "$m/alpine-secdb/v3.20/main.yaml"
tar -czf "$m/alpine-secdb.tar.gz" -C "$m" alpine-secdb && rm -rf "$m/alpine-secdb"
"$VIGIL" db update --from "$m" --only alpine-secdb --db "$tmp/db" > "$tmp/up" 2>&1 ||
  { bad "db update failed: $(tail -3 "$tmp/up")"; exit 1; }

freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# blob digests of a tag of the layout: layers in order, then the config
blobs() {
  local mf
  mf=$(jq -r --arg t "$1" '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"]==$t) | .digest' "$tmp/img/index.json")
  jq -r '.layers[].digest, .config.digest' "$tmp/img/blobs/sha256/${mf#sha256:}"
}
mapfile -t b1 < <(blobs app1)
mapfile -t b2 < <(blobs app2)
base=("${b1[@]:0:3}")
own2=()
for d in "${b2[@]}"; do case " ${base[*]} " in *" $d "*) ;; *) own2+=("$d") ;; esac; done
[ "${b2[0]}" = "${b1[0]}" ] && [ "${b2[2]}" = "${b1[2]}" ] && [ ${#own2[@]} -ge 2 ] ||
  bad "the fixture images do not share three base layers"

# case NAME STORE-ARGS...: one server with that store, a fresh registry, two pushes
run_case() {
  local name=$1; shift
  local store=("$@") d="$tmp/$name"
  mkdir -p "$d"
  local SCAN
  SCAN=$("$VIGIL" serve token add ci --scopes scan,read "${store[@]}") || { bad "$name: token add"; return; }
  rm -f "$d/port"
  "$VIGIL" serve --listen 127.0.0.1:0 --port-file "$d/port" "${store[@]}" --db "$tmp/db" \
    --workers 2 --insecure-registry 127.0.0.1 2>> "$d/serve.log" &
  local spid=$!; pids+=("$spid")
  for _ in $(seq 1 100); do [ -s "$d/port" ] && break; sleep 0.1; done
  local port; port=$(cat "$d/port" 2> /dev/null)
  [ -n "$port" ] || { bad "$name: server did not start: $(tail -3 "$d/serve.log")"; return; }
  local base_url=http://127.0.0.1:$port rp; rp=$(freeport)
  printf '%s\n' "version: 0.1" "log:" "  level: info" "  accesslog:" "    disabled: false" \
    "storage:" "  filesystem:" "    rootdirectory: $d/reg" "http:" "  addr: 127.0.0.1:$rp" \
    "notifications:" "  endpoints:" "    - name: vigil" "      url: $base_url/api/v1/events/registry" \
    "      headers:" "        Authorization: [Bearer $SCAN]" "      timeout: 2s" \
    "      threshold: 5" "      backoff: 1s" > "$d/reg.yml"
  docker-registry serve "$d/reg.yml" > "$d/reglog" 2>&1 &
  local rpid=$!; pids+=("$rpid")
  for _ in $(seq 1 50); do curl -s -o /dev/null "http://127.0.0.1:$rp/v2/" && break; sleep 0.1; done
  wait_scanned() { # wait_scanned REPO: the digest once its scan is stored (bounded)
    local dg=""
    for _ in $(seq 1 300); do
      dg=$(curl -s -H "Authorization: Bearer $SCAN" "$base_url/api/v1/images?repository=$1" | jq -r '.images[0].digest // empty')
      [ -n "$dg" ] && break; sleep 0.2
    done
    echo "$dg"
  }
  gets() { # blob GETs in the registry log from line $1 on
    tail -n +"$1" "$d/reglog" | grep -oE '"GET /v2/[^ ]*/blobs/sha256:[0-9a-f]{64}' | grep -oE 'sha256:[0-9a-f]{64}' | sort -u
  }
  local ok=1 dg1 dg2 mark g1 g2
  skopeo copy -q --dest-tls-verify=false "oci:$tmp/img:app1" "docker://127.0.0.1:$rp/team/app1:v1" > "$d/sk1" 2>&1 ||
    { bad "$name: skopeo copy app1: $(tail -2 "$d/sk1")"; ok=0; }
  dg1=$(wait_scanned team/app1)
  [ -n "$dg1" ] || { bad "$name: app1 was not scanned: $(tail -3 "$d/serve.log")"; ok=0; }
  g1=$(gets 1)
  mark=$(($(wc -l < "$d/reglog") + 1))
  skopeo copy -q --dest-tls-verify=false "oci:$tmp/img:app2" "docker://127.0.0.1:$rp/team/app2:v1" > "$d/sk2" 2>&1 ||
    { bad "$name: skopeo copy app2: $(tail -2 "$d/sk2")"; ok=0; }
  dg2=$(wait_scanned team/app2)
  [ -n "$dg2" ] || { bad "$name: app2 was not scanned: $(tail -3 "$d/serve.log")"; ok=0; }
  g2=$(gets "$mark")
  [ $ok = 1 ] || return
  # the first scan fetched the base (so the log does show blob GETs), the second did not
  local miss=0 fetched=0 own=0
  for b in "${base[@]}"; do grep -qx "$b" <<< "$g1" || miss=1; grep -qx "$b" <<< "$g2" && fetched=$((fetched + 1)); done
  for b in "${own2[@]}"; do grep -qx "$b" <<< "$g2" && own=$((own + 1)); done
  if [ $miss = 0 ] && [ $fetched = 0 ] && [ $own = ${#own2[@]} ]; then
    pass "$name: registry log: the first scan GETs the 3 base blobs, the second GETs only its own ${#own2[@]} blobs (layers and config), none of the base"
  else
    bad "$name: registry log: base fetched by the first scan: $((1 - miss)), base blobs fetched by the second: $fetched, own blobs fetched: $own/${#own2[@]}"
  fi
  # the store: the base layers are cached once and were hit once by the second scan
  local rows
  rows=$(cacheq "SELECT diff_id || ' ' || hits FROM layer_cache ORDER BY diff_id")
  local n1 n2 hit
  n1=$(grep -c . <<< "$rows")
  hit=$(awk '$2 == 1' <<< "$rows" | grep -c .)
  n2=$(( ${#b1[@]} - 1 + ${#b2[@]} - 1 - 3 ))
  if [ "$n1" = "$n2" ] && [ "$hit" = 3 ]; then
    pass "$name: the store holds each of the $n2 distinct layers once; the 3 base layers were each read from it once"
  else
    bad "$name: the store's layer cache: $n1 entries (want $n2), $hit hit once (want 3): $(tr '\n' ';' <<< "$rows")"
  fi
  grep -q '"layers_cached":"3"' "$d/serve.log" && pass "$name: the scan log line of app2 says layers_cached 3" ||
    bad "$name: no scan log line with layers_cached 3: $(grep 'scan done' "$d/serve.log" | tail -2)"
  # the cached scan's report is what an uncached scan of the same reference gives
  curl -s -H "Authorization: Bearer $SCAN" "$base_url/api/v1/images/$dg2" | jq -S 'del(.scanned_at)' > "$d/api2.json"
  "$VIGIL" scan -q --scanners all --insecure-registry 127.0.0.1 --db "$tmp/db" --format json \
    "127.0.0.1:$rp/team/app2@$dg2" 2> "$d/cli.err" | jq -S 'del(.scanned_at)' > "$d/cli2.json"
  if [ -s "$d/cli2.json" ] && cmp -s "$d/api2.json" "$d/cli2.json" &&
     [ "$(jq '.secrets | length' "$d/cli2.json")" -ge 1 ]; then
    pass "$name: the report of the scan from cached base layers equals vigil scan of the reference (secrets of the base layer included)"
  else
    bad "$name: report differs from an uncached scan: $(diff "$d/api2.json" "$d/cli2.json" | head -4 | tr '\n' ' ') $(tail -2 "$d/cli.err")"
  fi
  kill "$spid" "$rpid" 2> /dev/null
  wait "$spid" 2> /dev/null
}

cacheq() { sqlite3 "$tmp/sqlite/data/store.db" "$1"; }
run_case sqlite --data "$tmp/sqlite/data"

# the same against PostgreSQL
. "$top/tests/postgres/pg_env.sh"
if pg_have && command -v psql > /dev/null; then
  if pg_init "$tmp" && pg_start; then
    have_pg=1
    cacheq() { psql "$pg_url" -qAtX -v ON_ERROR_STOP=1 -c "$1"; }
    run_case postgres --store "$pg_url"
  else bad "PostgreSQL did not start: $(tail -3 "$PGROOT/server.log" 2> /dev/null)"; fi
else skip_or_fail "PostgreSQL 15 server binaries (postgresql-15) not installed"; fi
exit $fail
