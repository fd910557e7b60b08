#!/usr/bin/env bash
# vigil serve's read cache (src/lib/serve/readcache.c, docs/serve.md "Read cache"): the
# report of GET /api/v1/images/{digest} and a token's scopes are kept in memory. Here the
# cache's time bound is raised to 10 minutes (VIGIL_SERVE_CACHE_TTL_MS), so only the
# invalidation by a commit can make a later answer fresh: a report answered from memory,
# then a database update whose re-evaluation changes it, then the next GET must give the
# new report (equal to the store's). Also: a wrong token is never cached (401 after a
# right one), and the metrics count hits and misses. Run against SQLite, and against
# PostgreSQL when VIGIL_TEST_STORE is set.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
VIGIL=${VIGIL:-$top/build/vigil}
fail=0
pass() { echo "PASS: serve-readcache: $1"; }
bad() { echo "FAIL: serve-readcache: $1"; fail=1; }
for t in curl jq; do
  command -v $t > /dev/null || {
    [ "${CI:-}" = true ] && { echo "FAIL: serve-readcache: $t not installed"; exit 1; }
    echo "SKIP: serve-readcache: $t not installed"; exit 0; }
done
tmp=$(mktemp -d)
spid=
cleanup() { [ -n "$spid" ] && kill -9 "$spid" 2> /dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
G=$("$top/tests/fixtures/make-golden-alpine.sh" 2> "$tmp/fixture.err") ||
  { bad "fixture build failed: $(tail -3 "$tmp/fixture.err")"; exit 1; }
imgs=$tmp/images; mkdir -p "$imgs"
cp -r "$G/oci-3.20.3" "$imgs/"
mirror() { # mirror DIR [musl]
  mkdir -p "$1/alpine-secdb/v3.20"
  { printf 'distroversion: v3.20\nreponame: main\narchs:\n  - x86_64\npackages:\n'
    printf '  - pkg:\n      name: busybox\n      secfixes:\n        99.0-r0:\n          - CVE-2099-0101\n'
    [ "${2:-}" = musl ] &&
      printf '  - pkg:\n      name: musl\n      secfixes:\n        99.2-r0:\n          - CVE-2099-0102\n'
  } > "$1/alpine-secdb/v3.20/main.yaml"
  tar -czf "$1/alpine-secdb.tar.gz" -C "$1" alpine-secdb && rm -rf "${1:?}/alpine-secdb"
}
mirror "$tmp/m1"; mirror "$tmp/m2" musl
"$VIGIL" db update --from "$tmp/m1" --only alpine-secdb --db "$tmp/db" > "$tmp/up" 2>&1 ||
  { bad "db update failed: $(tail -3 "$tmp/up")"; exit 1; }
if [ -n "${VIGIL_TEST_STORE:-}" ]; then store=(--store "$VIGIL_TEST_STORE"); else store=(--data "$tmp/data"); fi
ADMIN=$("$VIGIL" serve token add rc-ops --scopes admin "${store[@]}") || { bad "token add"; exit 1; }
READ=$("$VIGIL" serve token add rc-viewer --scopes read "${store[@]}")
VIGIL_SERVE_CACHE_TTL_MS=600000 "$VIGIL" serve --listen 127.0.0.1:0 --port-file "$tmp/port" \
  "${store[@]}" --db "$tmp/db" --db-from "$tmp/m2" --images-dir "$imgs" --workers 1 2>> "$tmp/log" &
spid=$!
for _ in $(seq 1 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
port=$(cat "$tmp/port" 2> /dev/null)
[ -n "$port" ] || { bad "server did not start: $(tail -3 "$tmp/log")"; exit 1; }
base=http://127.0.0.1:$port
api() { # api TOKEN METHOD PATH [CURL ARGS] -> body; status in $tmp/code
  local t=$1 m=$2 p=$3; shift 3
  curl -s -m 20 -o "$tmp/resp" -w '%{http_code}' -X "$m" -H "Authorization: Bearer $t" \
    -H 'Content-Type: application/json' "$@" "$base$p" > "$tmp/code"
  cat "$tmp/resp"
}
wait_job() {
  local s=""
  for _ in $(seq 1 600); do
    s=$(api "$READ" GET "/api/v1/scans/$1" | jq -r .status 2> /dev/null)
    [ "$s" = done ] || [ "$s" = failed ] && break
    sleep 0.2
  done
  echo "$s"
}
metric() { api "$READ" GET /metrics | awk -v k="vigil_report_cache_total{result=\"$1\"}" '$1 == k {print $2}'; }

id=$(api "$ADMIN" POST /api/v1/scans \
  -d "{\"image\":\"$imgs/oci-3.20.3\",\"repository\":\"alpine\"}" | jq -r .id)
[ "$(wait_job "$id")" = done ] || { bad "the scan did not finish: $(tail -3 "$tmp/log")"; exit 1; }
dg=$(api "$READ" GET "/api/v1/scans/$id" | jq -r .digest)
vulns() { jq -r '[.vulnerabilities[].id] | unique | join(",")' "$1"; }

# the same report twice: the second from memory
api "$READ" GET "/api/v1/images/$dg" > "$tmp/r1.json"
h0=$(metric hit)
api "$READ" GET "/api/v1/images/$dg" > "$tmp/r2.json"
h1=$(metric hit)
if [ "$(cat "$tmp/code")" = 200 ] && cmp -s "$tmp/r1.json" "$tmp/r2.json" && [ "$h1" -gt "$h0" ] &&
   [ "$(vulns "$tmp/r1.json")" = CVE-2099-0101 ]; then
  pass "a report asked twice is answered from memory the second time (hits $h0 -> $h1), the same bytes"
else bad "second GET: code $(cat "$tmp/code"), hits $h0 -> $h1, vulns $(vulns "$tmp/r1.json")"; fi

# a re-evaluation changes the report: the next GET gives the new one, at once
upd=$(api "$ADMIN" POST /api/v1/db/update | jq -r .id)
[ "$(wait_job "$upd")" = done ] || bad "db update job did not finish"
api "$READ" GET "/api/v1/images/$dg" > "$tmp/r3.json"
if [ "$(vulns "$tmp/r3.json")" = CVE-2099-0101,CVE-2099-0102 ]; then
  pass "after a re-evaluation that changes the findings, the next GET gives the new report (+CVE-2099-0102), not the one in memory"
else bad "after the re-evaluation GET gave $(vulns "$tmp/r3.json") (stale report from memory?)"; fi
api "$READ" GET "/api/v1/images/$dg" > "$tmp/r4.json"
cmp -s "$tmp/r3.json" "$tmp/r4.json" && pass "the new report is kept and answered again, byte-identical" ||
  bad "the report changed between two GETs with no write"

# tokens: a wrong one after right ones is refused; a read token stays read-only
api "$READ" GET "/api/v1/images/$dg" > /dev/null
api "${READ}x" GET "/api/v1/images/$dg" > /dev/null
c1=$(cat "$tmp/code")
api "$READ" POST /api/v1/db/update > /dev/null
c2=$(cat "$tmp/code")
api "" GET "/api/v1/images/$dg" > /dev/null
c3=$(cat "$tmp/code")
[ "$c1" = 401 ] && [ "$c2" = 403 ] && [ "$c3" = 401 ] &&
  pass "with the scopes cache warm: a wrong token 401, a read token on an admin route 403, no token 401" ||
  bad "token answers with the cache warm: wrong $c1, read on admin $c2, none $c3"
grep -q "$READ" "$tmp/log" && bad "a token appears in the log" || pass "no token in the log"
kill "$spid"; wait "$spid" 2> /dev/null; spid=
exit $fail
