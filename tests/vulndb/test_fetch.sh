#!/usr/bin/env bash
# Online `vigil db update`: downloads served by a local HTTP server on 127.0.0.1
# (tests/lib/httpd.py, started here): a tarball whose top folder differs from the
# feed's name, a plain JSON file wrapped into an archive, conditional requests (the
# second update sends If-None-Match and gets 304), a server that never answers (a clear
# timeout error with a small --timeout), a truncated response (that feed fails, the old
# database is intact) and a 500 followed by a 200 (the retry succeeds). No internet.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
VIGIL=${VIGIL:-$top/build/vigil}
PY=/usr/bin/python3
fx=$top/tests/vulndb/fixtures/lang
tmp=$(mktemp -d)
srv_pid=
trap '[ -n "$srv_pid" ] && kill "$srv_pid" 2>/dev/null; rm -rf "$tmp"' EXIT
fail=0
pass() { echo "PASS: fetch: $1"; }
bad() { echo "FAIL: fetch: $1"; fail=1; }

# what the server serves: the PyPA fixture as a GitHub-style tarball (top folder
# advisory-database-main/), the RustSec fixture, and a two-entry KEV file
mkdir -p "$tmp/srv" "$tmp/stage/advisory-database-main"
cp -r "$fx/pypa-advisory-database/." "$tmp/stage/advisory-database-main/"
tar -C "$tmp/stage" -czf "$tmp/srv/pypa.tar.gz" advisory-database-main
tar -C "$fx" -czf "$tmp/srv/rustsec.tar.gz" rustsec-advisory-db
cat > "$tmp/srv/kev.json" <<'EOF'
{"catalogVersion": "2099.01.01", "vulnerabilities": [
 {"cveID": "CVE-2099-0001", "vendorProject": "Demo", "product": "foo", "vulnerabilityName": "x", "dateAdded": "2099-01-01"},
 {"cveID": "CVE-2099-0002", "vendorProject": "Demo", "product": "bar", "vulnerabilityName": "y", "dateAdded": "2099-01-02"}]}
EOF
$PY "$top/tests/lib/httpd.py" --root "$tmp/srv" --log "$tmp/log" --port-file "$tmp/port" --lifetime 120 &
srv_pid=$!
for _ in $(seq 50); do [ -s "$tmp/port" ] && break; sleep 0.1; done
[ -s "$tmp/port" ] || { echo "FAIL: fetch: the test HTTP server did not start"; exit 1; }
base=http://127.0.0.1:$(cat "$tmp/port")
db=$tmp/vigil.db
cache=$tmp/cache
feeds=pypa-advisory-database,rustsec-advisory-db,cisa-kev
urls=(--url "pypa-advisory-database=$base/pypa.tar.gz" --url "rustsec-advisory-db=$base/rustsec.tar.gz"
      --url "cisa-kev=$base/kev.json")
records() {  # records DB FEED
  "$VIGIL" db info --db "$1" --format json 2>/dev/null | $PY -c '
import json, sys
print({f["name"]: f["records"] for f in json.load(sys.stdin)["feeds"]}.get(sys.argv[1]))' "$2"
}

# 1. first update: everything downloaded
if "$VIGIL" db update --only "$feeds" "${urls[@]}" --db "$db" --cache "$cache" > "$tmp/out1" 2>&1; then
  pass "db update downloads from $base"
else
  bad "first update failed: $(tail -3 "$tmp/out1")"
fi
r=$(records "$db" pypa-advisory-database)/$(records "$db" rustsec-advisory-db)/$(records "$db" cisa-kev)
[ "$r" = 2/5/2 ] && pass "downloaded feeds imported (PyPA tarball with another top folder, RustSec, KEV JSON wrapped): $r records" \
  || bad "records after download: $r (expected 2/5/2)"
[ "$(grep -c ' 200 if-none-match=-$' "$tmp/log")" = 3 ] && pass "three plain GETs the first time" || bad "first requests: $(cat "$tmp/log")"
grep -q "downloaded" "$tmp/out1" && pass "progress on stderr" || bad "no progress lines: $(head -3 "$tmp/out1")"

# 2. second update: conditional requests, 304, cached copies used
: > "$tmp/log"
if "$VIGIL" db update --only "$feeds" "${urls[@]}" --db "$db" --cache "$cache" > "$tmp/out2" 2>&1 &&
   [ "$(grep -c ' 304 if-none-match="' "$tmp/log")" = 3 ] && [ "$(wc -l < "$tmp/log")" = 3 ] &&
   grep -q "not modified" "$tmp/out2" && [ "$(records "$db" pypa-advisory-database)" = 2 ]; then
  pass "second update sends If-None-Match, gets 304 and rebuilds from the cached copies"
else
  bad "second update: $(tr '\n' ';' < "$tmp/log") $(tail -2 "$tmp/out2")"
fi
sum() { sha256sum "$db" | cut -c1-64; }
before=$(sum)

# 3. a server that never answers: a clear timeout error, old database intact
start=$(date +%s)
"$VIGIL" db update --only cisa-kev --url "cisa-kev=$base/hang/kev.json" --timeout 1 --connect-timeout 2 \
  --db "$db" --cache "$tmp/cache-hang" > "$tmp/out3" 2>&1
rc=$?
if [ $rc = 2 ] && grep -q "feed cisa-kev: download of $base/hang/kev.json timed out" "$tmp/out3" && [ "$(sum)" = "$before" ]; then
  pass "hung server: exit 2, '$(grep -o 'timed out ([^;]*' "$tmp/out3" | head -1)...', old database unchanged"
else
  bad "hung server: rc=$rc $(tail -2 "$tmp/out3")"
fi
[ "$(grep -c '/hang/' "$tmp/log")" = 3 ] && pass "hung server: tried 3 times" || bad "hung server tries: $(grep -c '/hang/' "$tmp/log")"

# 4. a truncated response: that feed fails, the old database is intact
"$VIGIL" db update --only pypa-advisory-database --url "pypa-advisory-database=$base/truncate/pypa.tar.gz" \
  --db "$db" --cache "$tmp/cache-trunc" > "$tmp/out4" 2>&1
rc=$?
if [ $rc = 2 ] && grep -q "feed pypa-advisory-database: download of .* is truncated" "$tmp/out4" && [ "$(sum)" = "$before" ] &&
   ! ls "$tmp" | grep -q 'vigil.db.tmp'; then
  pass "truncated response: exit 2, '$(grep -o 'is truncated.*' "$tmp/out4" | head -1 | cut -c1-60)', old database unchanged"
else
  bad "truncated response: rc=$rc $(tail -2 "$tmp/out4")"
fi
"$VIGIL" db lookup pypi foo-bar-baz --db "$db" > "$tmp/lk" 2>&1 && grep -q CVE-2099-0001 "$tmp/lk" &&
  pass "old database usable after the failures" || bad "lookup after failures: $(cat "$tmp/lk")"

# 5. 500, then 200: the retry succeeds
: > "$tmp/log"
if "$VIGIL" db update --only cisa-kev --url "cisa-kev=$base/flaky/kev.json" --db "$db" --cache "$tmp/cache-flaky" > "$tmp/out5" 2>&1 &&
   [ "$(awk '{print $3}' "$tmp/log" | tr '\n' ' ')" = "500 200 " ] && [ "$(records "$db" cisa-kev)" = 2 ]; then
  pass "500 then 200: retried and imported"
else
  bad "500 then 200: $(tr '\n' ';' < "$tmp/log") $(tail -2 "$tmp/out5")"
fi

# 6. a download of something that is not an archive fails that feed clearly
echo "not a tarball" > "$tmp/srv/junk.tar.gz"
"$VIGIL" db update --only rustsec-advisory-db --url "rustsec-advisory-db=$base/junk.tar.gz" --db "$db" \
  --cache "$tmp/cache-junk" > "$tmp/out6" 2>&1
rc=$?
[ $rc = 2 ] && grep -q "feed rustsec-advisory-db: cannot read\|feed rustsec-advisory-db: .*truncated or corrupt" "$tmp/out6" &&
  [ "$(records "$db" rustsec-advisory-db)" = 5 ] && pass "a download that is not an archive: exit 2, old data kept" ||
  bad "junk download: rc=$rc $(tail -2 "$tmp/out6")"
# 7. a real mirror archive over HTTP imports exactly as from the mirror directory
vd=${VIGIL_SHARED:-$top/../shared}/vulndata
if [ -f "$vd/pypa-advisory-database.tar.gz" ]; then
  ln -s "$vd/pypa-advisory-database.tar.gz" "$tmp/srv/real-pypa.tar.gz"
  "$VIGIL" db update --only pypa-advisory-database --url "pypa-advisory-database=$base/real-pypa.tar.gz" \
    --db "$tmp/real-http.db" --cache "$tmp/cache-real" > "$tmp/out7" 2>&1
  "$VIGIL" db update --only pypa-advisory-database --from "$vd" --db "$tmp/real-dir.db" > /dev/null 2>&1
  a=$(records "$tmp/real-http.db" pypa-advisory-database); b=$(records "$tmp/real-dir.db" pypa-advisory-database)
  [ -n "$a" ] && [ "$a" = "$b" ] && [ "$a" != None ] && pass "real PyPA archive over HTTP: $a records, as from the mirror directory" ||
    bad "real archive over HTTP: $a vs $b: $(tail -2 "$tmp/out7")"
else
  echo "SKIP: fetch: real archive over HTTP: $vd not found"
fi
exit $fail
