#!/usr/bin/env bash
# `fs:` and `sbom:` scans through `vigil serve` (docs/serve.md, "Source trees and SBOMs"):
# they have no manifest digest and are stored under the content digest of their inventory.
# A source tree with a lockfile and a CycloneDX SBOM written by `vigil sbom` are queued
# through POST /api/v1/scans; each must finish with a sha256 digest and its findings, the
# same tree scanned again must land on the same digest, a changed lockfile on another one,
# the stored inventories must survive a db update's re-evaluation, and a path outside
# --images-dir must be refused.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
VIGIL=${VIGIL:-$top/build/vigil}
case $VIGIL in /*) ;; *) VIGIL=$top/$VIGIL ;; esac
fail=0
pass() { echo "PASS: serve-fs: $1"; }
bad() { echo "FAIL: serve-fs: $1"; fail=1; }
need() {
  if ! command -v "$1" > /dev/null; then
    if [ "${CI:-}" = true ]; then echo "FAIL: serve-fs: $1 not installed"; exit 1; fi
    echo "SKIP: serve-fs: $1 not installed"; exit 0
  fi
}
need curl; need jq
feeds=$top/../shared/vulndata
if [ ! -d "$feeds" ]; then
  if [ "${CI:-}" = true ]; then echo "FAIL: serve-fs: $feeds not found"; exit 1; fi
  echo "SKIP: serve-fs: $feeds not found"; exit 0
fi
tmp=$(mktemp -d)
spid=
cleanup() { [ -n "$spid" ] && kill -9 "$spid" 2> /dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

# a source tree: a package-lock.json v3 with one vulnerable package (lodash 4.17.15)
imgs=$tmp/images
mkdir -p "$imgs/app" "$tmp/outside"
lock() { # lock VERSION: the lockfile with lodash at VERSION
  printf '{"name":"app","version":"1.0.0","lockfileVersion":3,"requires":true,"packages":{"":{"name":"app","version":"1.0.0","dependencies":{"lodash":"%s"}},"node_modules/lodash":{"version":"%s"}}}\n' "$1" "$1"
}
lock 4.17.15 > "$imgs/app/package-lock.json"
cp "$imgs/app/package-lock.json" "$tmp/outside/"
"$VIGIL" sbom "fs:$imgs/app" --format cyclonedx -o "$imgs/app.cdx.json" 2> "$tmp/err" ||
  { bad "vigil sbom: $(head -c 300 "$tmp/err")"; exit 1; }
"$VIGIL" db update --from "$feeds" --db "$tmp/db" > "$tmp/up" 2>&1 ||
  { bad "db update failed: $(tail -3 "$tmp/up")"; exit 1; }
ADMIN=$("$VIGIL" serve token add ops --scopes admin --data "$tmp/data") || { bad "token add"; exit 1; }

"$VIGIL" serve --listen 127.0.0.1:0 --port-file "$tmp/port" --data "$tmp/data" --db "$tmp/db" \
  --db-from "$feeds" --images-dir "$imgs" --workers 1 2>> "$tmp/log" &
spid=$!
disown
for _ in $(seq 1 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
port=$(cat "$tmp/port" 2> /dev/null)
[ -n "$port" ] || { bad "server did not start: $(tail -3 "$tmp/log")"; exit 1; }
base=http://127.0.0.1:$port
api() { # api METHOD PATH [BODY]: the body on stdout, the status in $tmp/code
  curl -s -o "$tmp/resp" -w '%{http_code}' -X "$1" -H "Authorization: Bearer $ADMIN" \
    -H 'Content-Type: application/json' ${3:+-d "$3"} "$base$2" > "$tmp/code"
  cat "$tmp/resp"
}
scan() { # scan REF: queues it, waits (bounded), prints the job
  local id s
  id=$(api POST /api/v1/scans "{\"image\":\"$1\"}" | jq -r .id)
  for _ in $(seq 1 300); do
    s=$(api GET "/api/v1/scans/$id" | jq -r .status)
    [ "$s" = done ] || [ "$s" = failed ] && break
    sleep 0.2
  done
  api GET "/api/v1/scans/$id"
}

# 1. a source tree
scan "fs:$imgs/app" > "$tmp/j1.json"
d1=$(jq -r .digest "$tmp/j1.json")
if [ "$(jq -r .status "$tmp/j1.json")" = done ] && [[ $d1 == sha256:* ]] && [ ${#d1} = 71 ] &&
   jq -e '[.report.vulnerabilities[] | select(.package.name == "lodash" and .package.direct == true)] | length > 0' \
     "$tmp/j1.json" > /dev/null; then
  pass "fs: scan done under content digest ${d1:0:19}..., lodash 4.17.15 findings ($(jq '.report.vulnerabilities | length' "$tmp/j1.json")) with its direct flag"
else
  bad "fs: scan: $(head -c 400 "$tmp/j1.json")"
fi

# 2. the same tree again: the same digest, one image; a changed lockfile: another digest
scan "fs:$imgs/app" > "$tmp/j2.json"
lock 4.17.21 > "$imgs/app/package-lock.json"
scan "fs:$imgs/app" > "$tmp/j3.json"
d2=$(jq -r .digest "$tmp/j2.json"); d3=$(jq -r .digest "$tmp/j3.json")
n=$(api GET /api/v1/images | jq --arg d "$d1" '[.images[] | select(.digest == $d)] | length')
if [ "$d2" = "$d1" ] && [ "$n" = 1 ] && [[ $d3 == sha256:* ]] && [ "$d3" != "$d1" ] &&
   [ "$(jq '.report.vulnerabilities | length' "$tmp/j3.json")" -lt "$(jq '.report.vulnerabilities | length' "$tmp/j1.json")" ]; then
  pass "fs: the same tree keeps its digest (one image), a changed lockfile gets another (${d3:0:19}..., fewer findings)"
else
  bad "digests: first $d1, again $d2 (images with it: $n), changed $d3"
fi

# 3. an SBOM
scan "sbom:$imgs/app.cdx.json" > "$tmp/j4.json"
d4=$(jq -r .digest "$tmp/j4.json")
api GET "/api/v1/images/$d4" > "$tmp/img4.json"
if [ "$(jq -r .status "$tmp/j4.json")" = done ] && [[ $d4 == sha256:* ]] && [ "$(cat "$tmp/code")" = 200 ] &&
   jq -e '[.vulnerabilities[] | select(.package.name == "lodash")] | length > 0' "$tmp/img4.json" > /dev/null; then
  pass "sbom: scan done under content digest ${d4:0:19}..., its report served by GET /api/v1/images/{digest}"
else
  bad "sbom: scan: $(head -c 400 "$tmp/j4.json")"
fi

# 4. a db update re-evaluates the stored fs: and sbom: inventories
id=$(api POST /api/v1/db/update | jq -r .id)
for _ in $(seq 1 600); do
  s=$(api GET "/api/v1/scans/$id" | jq -r .status)
  [ "$s" = done ] || [ "$s" = failed ] && break
  sleep 0.2
done
if [ "$s" = done ] && ! grep -q 're-evaluation failed' "$tmp/log" &&
   [ "$(api GET "/api/v1/images/$d1" | jq '.vulnerabilities | length')" = "$(jq '.report.vulnerabilities | length' "$tmp/j1.json")" ]; then
  pass "db update: the fs: and sbom: inventories are re-evaluated like images"
else
  bad "db update: job $s; $(grep 're-evaluation failed' "$tmp/log" | head -c 300)"
fi

# 5. outside --images-dir
api POST /api/v1/scans "{\"image\":\"fs:$tmp/outside\"}" > /dev/null
[ "$(cat "$tmp/code")" = 400 ] && pass "fs: outside --images-dir: 400" ||
  bad "fs: outside --images-dir: $(cat "$tmp/code")"
exit $fail
