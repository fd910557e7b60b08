#!/usr/bin/env bash
# vigil serve --config FILE (issue 13): the server's settings from YAML (top level or
# under serve:, lists for repeated options, the command line wins); unknown keys and
# malformed or oversized files are refused with FILE:LINE before anything starts. And
# scheduled database updates: --update-interval (set in the config file) runs the
# update from the local mirror of --db-from and the re-evaluation without any API call.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
VIGIL=${VIGIL:-$top/build/vigil}
fail=0
pass() { echo "PASS: serve-config: $1"; }
bad() { echo "FAIL: serve-config: $1"; fail=1; }
need() {
  if ! command -v "$1" > /dev/null; then
    if [ "${CI:-}" = true ]; then echo "FAIL: serve-config: $1 not installed"; exit 1; fi
    echo "SKIP: serve-config: $1 not installed"; exit 0
  fi
}
need curl; need jq; need python3
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill -9 "$p" 2> /dev/null; done; rm -rf "$tmp"; }
trap cleanup EXIT
cd "$tmp" || exit 1

# 1. refusals: exit 2 and FILE:LINE, nothing started (no store made)
refuse() { # refuse NAME EXPECTED-REGEX (the config in $tmp/NAME.yml)
  timeout 20 "$VIGIL" serve --listen 127.0.0.1:0 --config "$tmp/$1.yml" > "$tmp/out" 2>&1; local rc=$?
  if [ $rc = 2 ] && grep -qE "$2" "$tmp/out" && [ ! -e "$tmp/never" ]; then return 0; fi
  echo "  $1: rc $rc: $(head -2 "$tmp/out")"; return 1
}
ok=1
printf 'listen: 127.0.0.1:0\ndata: %s/never\nworkers: 1\nlisten-adress: 127.0.0.1:1\n' "$tmp" > unknown.yml
refuse unknown "unknown\\.yml:4: unknown key 'listen-adress' for vigil serve" || ok=0
printf 'serve:\n  data: %s/never\n  regsitry: [http://127.0.0.1:1]\nscan:\n  fail-on: HIGH\n' "$tmp" > section.yml
refuse section "section\\.yml:3: unknown key 'regsitry'" || ok=0
printf 'data: %s/never\nserve:\n  workers:\n    nested: 1\n' "$tmp" > nested.yml
refuse nested "nested\\.yml:[34]: " || ok=0
printf 'data: %s/never\nworkers: [1\n' "$tmp" > broken.yml
refuse broken "broken\\.yml:[0-9]+: not valid YAML" || ok=0
printf 'data: %s/never\nworkers: many\n' "$tmp" > value.yml
refuse value "workers" || ok=0
{ printf 'data: %s/never\nregistry:\n' "$tmp"; head -c 1100000 /dev/zero | tr '\0' 'a' | fold -w 60 | sed 's/^/  - x/'; } > big.yml
refuse big "big\\.yml:0: larger than 1 MiB" || ok=0
[ $ok = 1 ] && pass "unknown keys (top level and serve:), nested values, broken YAML, bad values, and files over 1 MiB refused with FILE:LINE, exit 2, nothing started" ||
  bad "config refusals"

# 2. a server from a config file, with a scheduled database update from a local mirror
G=$("$top/tests/fixtures/make-golden-alpine.sh" 2> "$tmp/fixture.err") ||
  { bad "fixture build failed: $(tail -3 "$tmp/fixture.err")"; exit 1; }
mkdir -p "$tmp/images"; cp -r "$G/oci-3.20.3" "$tmp/images/"
mirror() { # mirror DIR [musl]: v3.20, busybox (and musl) fixed in a future version
  rm -rf "$1"; mkdir -p "$1/alpine-secdb/v3.20"
  { printf 'distroversion: v3.20\nreponame: main\narchs:\n  - x86_64\npackages:\n'
    printf '  - pkg:\n      name: busybox\n      secfixes:\n        99.0-r0:\n          - CVE-2099-0101\n'
    [ "${2:-}" = musl ] &&
      printf '  - pkg:\n      name: musl\n      secfixes:\n        99.2-r0:\n          - CVE-2099-0102\n'
  } > "$1/alpine-secdb/v3.20/main.yaml"
  tar -czf "$1/alpine-secdb.tar.gz" -C "$1" alpine-secdb && rm -rf "${1:?}/alpine-secdb"
}
mirror "$tmp/mirror"
"$VIGIL" db update --from "$tmp/mirror" --only alpine-secdb --db "$tmp/db" > "$tmp/up" 2>&1 ||
  { bad "db update failed: $(tail -3 "$tmp/up")"; exit 1; }
data=$tmp/data
SCAN=$("$VIGIL" serve token add ci --scopes scan,read --data "$data") || { bad "token add"; exit 1; }
cat > "$tmp/serve.yml" <<EOF
# vigil serve settings
serve:
  listen: 127.0.0.1:0
  data: $data
  db: $tmp/db
  db-from: $tmp/mirror
  images-dir: $tmp/images
  port-file: $tmp/port
  workers: 3
  update-interval: 2
  insecure-registry:
    - 127.0.0.1
    - localhost
scan:
  fail-on: HIGH
EOF
"$VIGIL" serve --config "$tmp/serve.yml" --workers 1 2> "$tmp/log" &
spid=$!; pids+=("$spid")
for _ in $(seq 1 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
[ -s "$tmp/port" ] || { bad "server from the config did not start: $(tail -3 "$tmp/log")"; exit 1; }
base=http://127.0.0.1:$(cat "$tmp/port")
grep -q '"listening".*"workers":"1"' "$tmp/log" &&
  pass "a server runs from the config file (serve: section; the command line's --workers 1 wins over the file's 3)" ||
  bad "listening line: $(grep listening "$tmp/log")"
api() { curl -s -H "Authorization: Bearer $SCAN" "$@"; }
id=$(api -X POST "$base/api/v1/scans" -d "{\"image\":\"$tmp/images/oci-3.20.3\",\"repository\":\"alpine\"}" | jq -r .id)
s=""
for _ in $(seq 1 300); do
  s=$(api "$base/api/v1/scans/$id" | jq -r .status); [ "$s" = done ] || [ "$s" = failed ] && break; sleep 0.2
done
d=$(api "$base/api/v1/scans/$id" | jq -r .digest)
[ "$s" = done ] && pass "images-dir from the config: a local image scanned ($s)" || bad "scan: $s"
# the mirror gains a musl vulnerability: the next scheduled update finds it, no API call
mirror "$tmp/mirror" musl
h=0
# bounded waits long enough for an ASan build on a loaded machine (a failure is a real miss)
for _ in $(seq 1 900); do
  h=$(api "$base/api/v1/images/$d/history" | jq '.history | length'); [ "$h" = 2 ] && break; sleep 0.2
done
added=$(api "$base/api/v1/images/$d/history" | jq -c '[.history[1].added[].id] | unique')
nq=$(grep -c '"scheduled database update queued"' "$tmp/log")
if [ "$h" = 2 ] && [ "$added" = '["CVE-2099-0102"]' ] && [ "$nq" -ge 1 ] && ! grep -q '"POST".*db/update' "$tmp/log"; then
  pass "--update-interval 2 (from the config): a scheduled update from the local mirror re-evaluates the image (+CVE-2099-0102), no API call ($nq updates queued)"
else bad "scheduled update: history $h, added $added, $nq queued: $(grep -E 'database|re-eval' "$tmp/log" | tail -3)"; fi
# later scheduled updates find nothing new: no more history
# two more updates started: the first of them has run to its end
ns=$(grep -c '"database update started"' "$tmp/log")
for _ in $(seq 1 900); do
  [ "$(grep -c '"database update started"' "$tmp/log")" -ge $((ns + 2)) ] && break; sleep 0.2
done
nq2=$(grep -c '"scheduled database update queued"' "$tmp/log")
h2=$(api "$base/api/v1/images/$d/history" | jq '.history | length')
[ "$h2" = 2 ] && [ "$nq2" -gt "$nq" ] && pass "further scheduled updates ($nq2 in all) write no history while the mirror is unchanged" ||
  bad "after more updates: history $h2, $nq2 queued"
kill -TERM "$spid"; wait "$spid"; rc=$?
[ $rc = 0 ] && pass "SIGTERM stops it cleanly" || bad "exit $rc"
exit $fail
